"""A small same-site crawler: finds every page a role can reach and every POST form on them."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from werkzeug.routing import IntegerConverter

SKIP_PREFIXES = ("/static/", "/media/", "/healthz")
SKIP_ACTIONS = ("/sign-out",)


@dataclass
class Form:
    page: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (tag/type, name, value)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page, self.links, self.forms = page, [], []
        self.form: Form | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page, a["href"]))
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self.form = Form(self.page, urljoin(self.page, a.get("action") or self.page))
        elif self.form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "button"):
                self.form.buttons.append((a["name"], a.get("value") or ""))
            elif kind in ("checkbox", "radio"):
                if not any(n == a["name"] for _k, n, _v in self.form.fields):
                    self.form.fields.append((kind, a["name"], a.get("value") or "on"))
            elif kind != "file":
                self.form.fields.append((kind, a["name"], a.get("value") or ""))
        elif tag == "textarea" and a.get("name"):
            self.form.fields.append(("textarea", a["name"], ""))
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
        elif tag == "option" and self.select:
            self.form.fields.append(("select", self.select, a.get("value") or ""))
            self.select = None
        elif tag == "button" and a.get("name"):
            self.form.buttons.append((a["name"], a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.form = None
        elif tag == "select":
            self.select = None


def crawl(client, start: list[str], limit: int = 120) -> tuple[list[str], list[Form]]:
    seen: set[str] = set()
    pages: list[str] = []
    forms: dict[tuple[str, tuple], Form] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in ("localhost",):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen or path.startswith(SKIP_PREFIXES):
            continue
        seen.add(path)
        response = client.get(path, follow_redirects=True)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        final = response.request.path + (f"?{response.request.query_string.decode()}" if response.request.query_string else "")
        if final != path:
            if final in seen:
                continue
            seen.add(final)
            path = final
        pages.append(path)
        parser = _Parser("http://localhost" + path)
        parser.feed(response.get_data(as_text=True))
        for link in parser.links:
            link_parts = urlsplit(link)
            if link_parts.netloc in ("", "localhost"):
                queue.append(link_parts.path + (f"?{link_parts.query}" if link_parts.query else ""))
        for form in parser.forms:
            action = urlsplit(form.action).path
            if action.startswith(SKIP_ACTIONS):
                continue
            key = (action, tuple(sorted(n for _k, n, _v in form.fields)))
            forms.setdefault(key, form)
    return pages, list(forms.values())


def example_url(rule, number: int = 999999) -> str:
    """A URL for a rule with made-up arguments: a number nobody's object has, 'x', or an allowed word."""
    values = {}
    for arg, conv in rule._converters.items():
        kind = type(conv).__name__
        if isinstance(conv, IntegerConverter):  # the app's own id converter is one
            values[arg] = number
        elif kind == "AnyConverter":
            values[arg] = sorted(conv.items)[0]
        else:
            values[arg] = "x"
    return rule.build(values, append_unknown=False)[1] if values else rule.rule
