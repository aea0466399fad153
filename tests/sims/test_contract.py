"""The sim contract (workshop/sims/contract.py) holds for every registered service: discovery refuses a
package that breaks it and says what is missing, checks only read, seeding survives two first visits
at once, and export/delete reach every table the service keeps."""
from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

import workshop.sims
from tests.conftest import sign_in
from workshop.extensions import db
from workshop.models import User
from workshop.sims import discover
from workshop.sims.contract import SimContractError

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _open_every_service(client, app):
    for name in app.extensions["askel_sims"]:
        assert client.get(f"/practice/{name}/").status_code == 200, name


def _statements_during(app, fn) -> list[str]:
    """The SQL statements that change data, run while fn() runs."""
    seen = []

    def before(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(WRITES):
            seen.append(statement.split("\n")[0][:120])

    with app.test_request_context():  # a check's hint is translated, as in the lesson player
        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            fn()
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)
    return seen


def test_every_task_check_only_reads(app, factory):
    """Before she has opened anything and after she has used every service, no check writes a row."""
    wid = factory.workshop()
    uid, code, _ = factory.learner(wid)
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    sims = app.extensions["askel_sims"]
    checks = [(name, fn) for sim in sims.values() for name, fn in sorted(sim.checks.items())]
    assert len(checks) >= 20

    def run_all():
        learner = db.session.get(User, uid)
        for _name, fn in checks:
            fn(learner)
        db.session.commit()  # whatever a check left in the session would be written now

    assert _statements_during(app, run_all) == []  # nothing seeded yet: a check must not seed either
    _open_every_service(client, app)
    assert _statements_during(app, run_all) == []


def test_two_first_visits_at_once_seed_one_sandbox(app, factory):
    """Each service's first visit from two tabs at once: both answer, and she has one sandbox."""
    wid = factory.workshop()
    sims = app.extensions["askel_sims"]
    for name, sim in sims.items():
        uid, _code, _ = factory.learner(wid, name=f"Twice {name}")
        barrier = threading.Barrier(2, timeout=10)
        real_seed, errors = sim.seed, []

        def slow_seed(learner, real_seed=real_seed, barrier=barrier):
            barrier.wait()  # both have looked, found no sandbox, and start seeding together
            real_seed(learner)

        def visit():
            try:
                with app.app_context():
                    sim.sandbox(db.session.get(User, uid))
                    db.session.remove()
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)

        sim.seed = slow_seed
        try:
            threads = [threading.Thread(target=visit) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            sim.seed = real_seed
        assert errors == [], name
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(sim.state).where(
                sim.state.learner_id == uid)) == 1, name
            fresh = factory.learner(wid, name=f"Once {name}")[0]
            sim.sandbox(db.session.get(User, fresh))
            for model in sim.tables:  # the race left exactly what one seeding makes
                one = db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.learner_id == fresh))
                two = db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.learner_id == uid))
                assert one == two, (name, model.__tablename__)


def test_export_and_delete_reach_every_table_and_only_hers(app, factory):
    wid = factory.workshop()
    amina, code, _ = factory.learner(wid, name="Amina")
    bilan, other_code, _ = factory.learner(wid, name="Bilan")
    for c in (code, other_code):
        client = app.test_client()
        assert sign_in(client, c).status_code == 303
        _open_every_service(client, app)
    with app.app_context():
        for name, sim in app.extensions["askel_sims"].items():
            tables = {t for t in db.metadata.tables if t.startswith(f"sim_{name}_")}
            assert {m.__tablename__ for m in sim.tables} == tables, name
            learner = db.session.get(User, amina)
            assert sim.sandbox(learner) is not None
            total_theirs = 0
            sim.delete(learner)
            db.session.commit()
            for model in sim.tables:
                mine = sa.select(sa.func.count()).select_from(model).where(model.learner_id == amina)
                theirs = sa.select(sa.func.count()).select_from(model).where(model.learner_id == bilan)
                assert db.session.scalar(mine) == 0, model.__tablename__
                total_theirs += db.session.scalar(theirs)
            assert not any(sim.export(amina).values()), name
            # another learner's sandbox is untouched, and her export is every row she has
            assert sum(len(rows) for rows in sim.export(bilan).values()) == total_theirs > 0, name


UNSCOPED = re.compile(r"\b(?:db|sa)\.(?:select|update|delete)\(|\.session\.get\(|\.query\b")


def test_every_query_of_a_service_goes_through_the_scoping_helper(app):
    """A service's own code never selects, updates, deletes or gets a row but through contract.owned*
    (which filter on her id): a forgotten filter cannot be written, rather than only tested for."""
    found = []
    for sim in app.extensions["askel_sims"].values():
        for path in sorted(sim.package_dir.rglob("*.py")):
            if "migrations" in path.relative_to(sim.package_dir).parts:
                continue
            for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if UNSCOPED.search(line):
                    found.append(f"{path.relative_to(sim.package_dir.parent)}:{n}: {line.strip()}")
    assert found == []


def _package(root: Path, name: str, init: str) -> None:
    (root / name).mkdir()
    (root / name / "__init__.py").write_text(init)


@pytest.fixture
def extra_sims(tmp_path, monkeypatch):
    """A folder discovery also scans, as if its packages were in workshop/sims/."""
    monkeypatch.setattr(workshop.sims, "__path__", [*workshop.sims.__path__, str(tmp_path)])
    yield tmp_path
    for module in [m for m in sys.modules if m.startswith("workshop.sims.broken")]:
        del sys.modules[module]


def test_discovery_names_a_package_without_a_sim(extra_sims):
    _package(extra_sims, "brokenone", '"""Forgot the service object."""\n')
    with pytest.raises(SimContractError, match=r"workshop/sims/brokenone: .*`sim = Sim\(\.\.\.\)`"):
        discover()


def test_discovery_names_what_a_service_lacks(extra_sims):
    _package(extra_sims, "brokentwo", (
        "from flask import Blueprint\n"
        "from workshop.sims.contract import Sim\n"
        "bp = Blueprint('brokentwo', __name__)\n"
        "sim = Sim('brokentwo', blueprint=bp, state=None, tables=(), seed=None)\n"
    ))
    with pytest.raises(SimContractError) as raised:
        discover()
    message = str(raised.value)
    assert message.startswith("workshop/sims/brokentwo does not keep the sim contract")
    for lack in ("templates/brokentwo/", "static/", "migrations/", "seed(learner)", "state table",
                 "task check registered as \"brokentwo.<check>\""):
        assert lack in message, lack


def test_a_service_without_a_home_page_stops_the_app(extra_sims, tmp_path, monkeypatch):
    """Practice steps and "start again" lead to <name>.index: a service without one is refused at start-up."""
    from workshop import create_app

    root = extra_sims / "brokenthree"
    for folder in ("templates/brokenthree", "static", "migrations"):
        (root / folder).mkdir(parents=True)
    (root / "static" / "x.css").write_text("p {}\n")
    (root / "migrations" / "0901_brokenthree.py").write_text('branch_labels = ("brokenthree",)\n')
    (root / "__init__.py").write_text(
        "import sqlalchemy as sa\n"
        "from sqlalchemy.orm import Mapped, mapped_column\n"
        "from workshop.curriculum import Result, task\n"
        "from workshop.extensions import db\n"
        "from workshop.sims.contract import Sim, sim_blueprint\n"
        "class BrokenState(db.Model):\n"
        "    __tablename__ = 'sim_brokenthree_state'\n"
        "    learner_id: Mapped[int] = mapped_column(sa.ForeignKey('users.id'), primary_key=True)\n"
        "@task('brokenthree.done')\n"
        "def done(learner):\n"
        "    return Result(True)\n"
        "bp = sim_blueprint(__name__)\n"
        "@bp.route('/elsewhere')\n"
        "def elsewhere():\n"
        "    return ''\n"
        "sim = Sim('brokenthree', blueprint=bp, state=BrokenState, tables=(BrokenState,), seed=lambda learner: None)\n"
    )
    monkeypatch.setenv("ASKEL_INSTANCE", str(tmp_path / "instance"))
    try:
        with pytest.raises(SimContractError, match=r"workshop/sims/brokenthree .*the view `index`"):
            create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "INSTANCE_PATH": str(tmp_path / "instance"),
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite3'}",
                        "RATELIMIT_STORAGE_URI": "memory://"})
    finally:
        from workshop.curriculum import TASKS

        TASKS.pop("brokenthree.done", None)
        table = db.metadata.tables.get("sim_brokenthree_state")
        if table is not None:
            db.metadata.remove(table)
