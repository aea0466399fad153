"""Settings, read from the environment with safe defaults for a workshop laptop.

Every setting the application reads is declared here, once, with its default: code elsewhere reads
`app.config["NAME"]`, never `.get("NAME", default)` or the environment (tests/unit/test_config.py
fails on either), so a setting has one default and one place that documents it."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not instance.exists():
        instance.mkdir(mode=0o700, parents=True)  # the database, narrations and this key: owner only
    path = instance / "secret_key"
    if not path.exists():
        try:  # readable by the owner only from the moment it exists
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use that one
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return path.read_text().strip()


class Config:
    """Defaults; every value can be overridden by an environment variable or by create_app(config)."""

    def __init__(self, given: dict | None = None) -> None:
        """`given`: what create_app(config) sets, so that nothing is made for a value it replaces
        (a key given there is not also generated and written to instance/secret_key)."""
        given = given or {}
        instance = Path(given.get("INSTANCE_PATH") or os.environ.get("ASKEL_INSTANCE", ROOT / "instance"))
        self.INSTANCE_PATH = str(instance)
        # Where the key comes from: "given" (create_app), "environment" (SECRET_KEY) or "file"
        # (instance/secret_key, made once). A restore compares the backup's key with it (backup.py).
        if given.get("SECRET_KEY"):
            self.SECRET_KEY, self.SECRET_KEY_SOURCE = given["SECRET_KEY"], "given"
        elif os.environ.get("SECRET_KEY"):
            self.SECRET_KEY, self.SECRET_KEY_SOURCE = os.environ["SECRET_KEY"], "environment"
        else:
            self.SECRET_KEY, self.SECRET_KEY_SOURCE = _secret_key(instance), "file"
        # Rotating the key: the old one stays here (comma-separated) until every card was used or
        # renewed; sessions, CSRF tokens, tablets and codes signed or keyed by it keep working.
        self.SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'askel.sqlite3'}"
        )
        # A pooled connection is checked before use, so after the database restarts the first
        # request of each worker gets a fresh connection instead of a 500.
        self.SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
        self.LESSONS_DIR = os.environ.get("ASKEL_LESSONS", str(ROOT / "lessons"))
        self.BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"
        self.WTF_CSRF_TIME_LIMIT = None  # a lesson page may stay open for a whole workshop
        # Sign-in limits (auth/throttle.py). memory:// counts in each process alone: right for one
        # process; several workers or hosts share redis://host:6379/N. Short timeouts: if Redis does
        # not answer, limits are counted in the process meanwhile and sign-in goes on.
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_STORAGE_OPTIONS = (
            {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
            if self.RATELIMIT_STORAGE_URI.startswith(("redis://", "rediss://")) else {}
        )
        # How many reverse proxies in front of the app add X-Forwarded-For (and -Proto); 0: none, the
        # address the connection comes from is the client's. Never more than there really are.
        self.TRUSTED_PROXIES = int(os.environ.get("ASKEL_TRUSTED_PROXIES", "0"))
        # The address people reach the site at (e.g. https://askel.example.fi behind a proxy), for
        # links that leave the browser: printed cards, QR codes, the demo sign-ins. Empty: the links
        # follow the address of the request (and `make run` passes its own HOST and PORT).
        self.PUBLIC_URL = os.environ.get("ASKEL_PUBLIC_URL", "").strip().rstrip("/")
        self.RATELIMIT_HEADERS_ENABLED = True
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = os.environ.get("ASKEL_SECURE_COOKIES", "0") == "1"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        # "Keep me signed in" on her own phone: the cookie may live a year, but the device's row ends
        # after REMEMBER_IDLE_DAYS without a visit (auth.identity). Other limits, see docs/security.md.
        self.REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 365
        self.REMEMBER_IDLE_DAYS = int(os.environ.get("ASKEL_REMEMBER_IDLE_DAYS", "90"))
        # A shared tablet signs out by itself after this long without a tap (with a countdown).
        self.TABLET_IDLE_SECONDS = int(os.environ.get("ASKEL_TABLET_IDLE_SECONDS", "300"))
        # Any other browser that was not kept signed in: after this many hours without a request.
        self.SESSION_IDLE_HOURS = float(os.environ.get("ASKEL_SESSION_IDLE_HOURS", "12"))
        self.SEND_FILE_MAX_AGE_DEFAULT = 60 * 60 * 24 * 365  # static URLs are versioned
        self.COMPRESS_ALGORITHM = ["gzip"]
        self.COMPRESS_MIMETYPES = [
            "text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml",
            "text/csv", "application/json",
        ]
        self.COMPRESS_MIN_SIZE = 500
        self.MAX_CONTENT_LENGTH = 2 * 1024 * 1024
        # How long a worker process keeps who-is-signed-in before reading it again (workshop.auth.identity).
        self.IDENTITY_SECONDS = float(os.environ.get("ASKEL_IDENTITY_SECONDS", "2"))
        # How often a worker process asks whether reviewed wording or narrations changed (review/state.py):
        # another process's edit shows within this time, the editing process's at once.
        self.REVIEW_REFRESH_SECONDS = float(os.environ.get("ASKEL_REVIEW_REFRESH_SECONDS", "2"))
        # The practice services: how long after she writes the teacher's reply arrives (seconds), and
        # the longest message body the practice inbox keeps (characters).
        self.MAIL_REPLY_DELAY = float(os.environ.get("ASKEL_MAIL_REPLY_DELAY", "20"))
        self.MAIL_BODY_LIMIT = int(os.environ.get("ASKEL_MAIL_BODY_LIMIT", "5000"))
        self.WILMA_REPLY_DELAY = float(os.environ.get("ASKEL_WILMA_REPLY_DELAY", "20"))
        # Counselling data (sessions and their notes, follow-up plans, instructors' notes, the log of
        # who read them) is deleted this many months after a group's last day by `flask counsel
        # retention`; only anonymous counts stay in the outcomes report (workshop/admin/retention.py).
        self.COUNSEL_RETENTION_MONTHS = int(os.environ.get("ASKEL_COUNSEL_RETENTION_MONTHS", "24"))

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}
