"""When the database restarts or is away: the first request after a restart works (the pool checks
its connections), and while it is away people get a page in their language, never a bare English
"Internal Server Error". Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from workshop.extensions import db


def test_the_first_request_after_a_database_restart_works(app, learner_client):
    client, _uid, _code = learner_client
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("a server restart is a PostgreSQL matter (SQLite opens a file)")
    for _ in range(3):
        assert client.get("/home").status_code == 200  # the pool now holds open connections
    outside = create_engine(engine.url, poolclass=NullPool)  # not one of the pool's connections
    with outside.connect() as conn:  # what a restart does to every pooled connection
        ended = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
        conn.commit()
    outside.dispose()
    assert ended >= 1
    assert client.get("/home").status_code == 200


@pytest.fixture
def database_away(app):
    """Every connection refused, as when the database server is down."""
    with app.app_context():
        engine = db.engine
    dbapi = engine.dialect.loaded_dbapi

    def refuse(dialect, conn_rec, cargs, cparams):
        raise dbapi.OperationalError("connection refused (the database is away)")

    with app.app_context():
        db.session.remove()
    engine.dispose()
    event.listen(engine, "do_connect", refuse)
    yield
    event.remove(engine, "do_connect", refuse)
    engine.dispose()


@pytest.mark.parametrize("locale", ["so", "ar"])
def test_while_the_database_is_away_the_page_is_in_her_language(app, learner_client, database_away, locale,
                                                                 monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    client, _uid, _code = learner_client
    response = client.get("/home", headers={"Accept-Language": locale})
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert f'<html lang="{locale}"' in body
    assert "Internal Server Error" not in body
    with app.test_request_context(headers={"Accept-Language": locale}):
        from flask_babel import force_locale, gettext

        with force_locale(locale):
            expected = gettext("Nothing you did is lost. Please wait a minute and try again.")
    assert expected in body
