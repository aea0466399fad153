"""A tablet's HTTP client for the benchmark's workshop phase and the reliability test: one keep-alive
connection to 127.0.0.1 with its own cookies, recording each request's time and status."""
from __future__ import annotations

import gzip
import http.client
import re
import threading
from collections import defaultdict
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KEY = re.compile(r'name="key" value="([^"]+)"')
HOST = "127.0.0.1"


class Stats:
    """Times (seconds) and errors per label. An error is a status the caller did not expect
    (any 5xx when the caller names none), or no answer at all."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.unexpected: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, label: str, seconds: float, status: int, expect: tuple[int, ...] | None = None):
        with self.lock:
            self.times[label].append(seconds)
            if (status not in expect) if expect else status >= 500:
                self.errors[label] += 1
                self.unexpected[label][status] += 1

    def error(self, label: str):
        with self.lock:
            self.errors[label] += 1
            self.unexpected[label][0] += 1


class Client:
    """One tablet: a keep-alive HTTP connection with its own cookies."""

    def __init__(self, port: int, stats: Stats | None = None):
        self.port, self.stats, self.cookies = port, stats or Stats(), {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def send(self, method: str, path: str, data: dict | None = None, headers: dict | None = None):
        """(status, body text, headers) or None when the connection failed twice."""
        body = urlencode(data) if data is not None else None
        hdrs = {"Accept-Encoding": "gzip", **(headers or {})}
        if body is not None:
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            hdrs["Cookie"] = self.cookie_header()
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                if attempt:
                    return None
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        if response.getheader("Content-Encoding") == "gzip":
            payload = gzip.decompress(payload)
        return response.status, payload.decode("utf-8", "replace"), dict(response.getheaders())

    def request(self, method: str, path: str, label: str, data: dict | None = None, headers: dict | None = None,
                expect: tuple[int, ...] | None = None):
        import time

        started = time.perf_counter()
        answer = self.send(method, path, data, headers)
        if answer is None:
            self.stats.error(label)
            return 0, "", {}
        self.stats.add(label, time.perf_counter() - started, answer[0], expect)
        return answer
