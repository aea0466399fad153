"""Personal data that must not linger: in error logs, or in the database file after a deletion.

- An error is logged without the exception's message and without the SQL's values: a message can
  quote what a learner typed (a ValueError's "invalid literal ... 'her text'", PostgreSQL's
  "DETAIL: Key (...)=(her text)"), and SQLAlchemy's errors print the statement's parameters.
  The log keeps where it happened: the route's pattern (never the path, which may hold a card
  token), the frames of the traceback, the exception types and, for a database error, the SQL
  statement without its values.
- After a learner is deleted, SQLite's write-ahead log is folded into the file and emptied, and
  secure_delete (set on every connection, workshop/__init__.py) has overwritten what was deleted,
  so her text is in neither file.
"""
from __future__ import annotations

import traceback
import types

from flask import Flask, has_request_context, request

from .extensions import db


def redacted_traceback(exc: BaseException) -> str:
    """A traceback with every frame but no exception message (and no SQL values)."""
    chain, seen, current = [], set(), exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    lines = []
    for n, error in enumerate(reversed(chain)):
        if n:
            lines.append("The above led to:")
        lines.append("Traceback (most recent call last):")
        lines += [line.rstrip("\n") for line in traceback.format_list(traceback.extract_tb(error.__traceback__))]
        kind = type(error)
        lines.append(f"{kind.__module__}.{kind.__qualname__} (its message is not logged: it may quote what was typed)")
        statement = getattr(error, "statement", None)
        if isinstance(statement, str):
            lines.append(f"  SQL, without its values: {' '.join(statement.split())}")
    return "\n".join(lines)


def _log_exception(app: Flask, exc_info) -> None:
    where = "-"
    if has_request_context():
        rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
        where = f"{rule} [{request.method}]"
    app.logger.error("Exception on %s\n%s", where, redacted_traceback(exc_info[1]))


def init_app(app: Flask) -> None:
    """Before the database engine is made: SQL errors never carry values; errors logged redacted."""
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"hide_parameters": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    app.log_exception = types.MethodType(_log_exception, app)


def wipe_deleted_text() -> None:
    """After deleting personal data (SQLite): fold the write-ahead log into the file and empty it, so the
    deleted rows' old page images are gone from both files (secure_delete zeroed them in the file)."""
    if db.engine.url.get_backend_name() != "sqlite":
        return  # PostgreSQL's autovacuum reclaims deleted rows
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
