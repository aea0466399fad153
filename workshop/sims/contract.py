"""The contract every practice service keeps, in code: `Sim`, checked at start-up by discovery.

A service is a package `workshop/sims/<name>/` whose `__init__.py` holds one `Sim` object named
`sim` and nothing else:

    sim = Sim("parcel", blueprint=views.bp, state=ParcelState, tables=(ParcelItem, ParcelState),
              seed=seed_rows)

- `blueprint` (made with `sim_blueprint(__package__)`) is mounted at /practice/<name>/, its home page
  the view `index`; its pages
  live in the package's `templates/<name>/`, its CSS and pictures in its `static/`;
- `tables` are all of its tables `sim_<name>_*`, each with a `learner_id`, in an order safe to delete
  in (children first); `state` is the one whose row (primary key `learner_id`) says her sandbox exists;
- `seed(learner)` adds her fresh sandbox to the session (the `state` row among it), without
  committing: `sandbox(learner)` commits it, once, even when two first visits race;
- its Alembic revisions are in the package's `migrations/`, one branch labelled with its name;
- its task checks are registered as "<name>.<check>" (`workshop.curriculum.task`) from its own
  modules, and only read: a check never writes to the database (tests/sims/test_contract.py);
- every query of its tables starts from `owned(model, learner)` (`owned_update`, `owned_or_404`), so
  no row is fetched or changed by id alone (tests/sims/test_contract.py reads the code for it);
- a photo she sends (`sims/photos.py`: `photos.save("<name>", learner, upload)`) is part of her sandbox:
  `photos(learner)` lists hers, `photo_response(learner, name)` serves one, reset and delete remove them.

Everything outside the services (the export of her data, deleting her, the backup, the benchmark,
the route tests) asks the registry, `current_app.extensions["askel_sims"]`, and never names a service.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

from flask import Blueprint, abort
from sqlalchemy.exc import IntegrityError

from flask_babel import gettext as _

from ..curriculum import TASKS, Result, task
from ..extensions import db
from . import photos as photo_store


class SimContractError(RuntimeError):
    """A service package that does not keep the contract: the message names it and what is missing."""


def sim_blueprint(package: str) -> Blueprint:
    """A service's blueprint, named after its package, with the package's own templates/ and static/."""
    return Blueprint(package.rpartition(".")[2], package, template_folder="templates", static_folder="static")


def learner_id_of(learner) -> int:
    return learner if isinstance(learner, int) else learner.id


def owned(model, learner, *columns):
    """Every query of a service's table starts here: the rows of `model` that belong to `learner`
    (a User or her id), or only some `columns` of them (counts, sums). Add conditions with
    `.where(...)`; a sim never selects, gets or deletes one of its rows by id alone."""
    return db.select(*(columns or (model,))).where(model.learner_id == learner_id_of(learner))


def owned_update(model, learner):
    """A conditional UPDATE of her rows of `model` only (add `.where(...)` and `.values(...)`)."""
    return db.update(model).where(model.learner_id == learner_id_of(learner))


def owned_or_404(model, learner, row_id: int, *where):
    """Her row of `model` with this id (and these conditions), or 404 whoever else's it is."""
    row = db.session.scalars(owned(model, learner).where(model.id == row_id, *where)).first()
    if row is None:
        abort(404)
    return row


def sandbox(state_model, seed: Callable[[object], object], learner):
    """Her sandbox's state row, seeded and committed the first time. Two first visits at once (two
    tabs, a double tap) both seed; the state row's primary key lets one commit, and the other finds
    what the first one made. Every service's views reach her sandbox through this."""
    learner_id = learner_id_of(learner)
    state = db.session.get(state_model, learner_id)
    if state is not None:
        return state
    try:
        seed(learner)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    state = db.session.get(state_model, learner_id)
    if state is None:
        raise RuntimeError(f"{state_model.__tablename__}: seeding made no state row for learner {learner_id}")
    return state


def not_opened() -> Result:
    """What every service's task check answers before she has opened that practice at all."""
    return Result(False, _("First open the practice: press “Open the practice”."))


def sandbox_check(name: str, state):
    """Register the task check `name` ("<sim>.<check>") of a service whose sandbox is the table
    `state`: before she has opened that practice it answers not_opened(); after, it calls
    fn(learner, her state row). A check only reads (tests/sims/test_contract.py)."""
    def register(fn):
        @functools.wraps(fn)
        def check(learner) -> Result:
            row = db.session.get(state, learner.id)
            return not_opened() if row is None else fn(learner, row)

        return task(name)(check)

    return register


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    return value.isoformat() if isinstance(value, date) else value


class Sim:
    """One practice service. Everything but `seed` is the same for every service, so it is written once here."""

    def __init__(self, name: str, *, blueprint: Blueprint, state, tables: Iterable, seed: Callable[[object], object]):
        self.name = name
        self.blueprint = blueprint
        self.state = state
        self.tables = tuple(tables)
        self.seed = seed

    def __repr__(self) -> str:
        return f"<Sim {self.name}>"

    # ---- where its parts are ------------------------------------------------------------------

    @property
    def package_dir(self) -> Path:
        return Path(self.blueprint.root_path)

    @property
    def migrations(self) -> Path:
        """Its Alembic version folder (workshop/sims/__init__.py gives every one to Alembic)."""
        return self.package_dir / "migrations"

    @property
    def checks(self) -> dict[str, Callable]:
        """Its task checks by full name ("mail.replied_to_teacher")."""
        return {name: fn for name, fn in TASKS.items() if name.startswith(self.name + ".")}

    # ---- her sandbox --------------------------------------------------------------------------

    def sandbox(self, learner):
        return sandbox(self.state, self.seed, learner)

    def photos(self, learner) -> list[str]:
        """The names of the photos she sent in this service, oldest first."""
        return photo_store.names(self.name, learner_id_of(learner))

    def photo_response(self, learner, name: str):
        """One of her photos as a private, uncached response, or None (not hers, not there)."""
        data = photo_store.get(self.name, learner_id_of(learner), name)
        return None if data is None else photo_store.response(data)

    def delete(self, learner) -> None:
        """Delete every row and photo she has in this service (not committed: the caller commits once)."""
        learner_id = learner_id_of(learner)
        photo_store.delete_all(self.name, learner_id)
        for model in self.tables:
            table = model.__table__
            own = [c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]
            if own:  # rows of hers that point at other rows of hers: let go first, whatever the database
                db.session.execute(db.update(model).where(model.learner_id == learner_id).values({c: None for c in own}))
            db.session.execute(db.delete(model).where(model.learner_id == learner_id))

    def reset(self, learner) -> None:
        """Start her practice again: everything deleted; her next visit seeds a fresh sandbox."""
        self.delete(learner)
        db.session.commit()

    def export(self, learner) -> dict[str, list[dict]]:
        """Everything the service stores about her, table by table (every column but her id, dates as ISO text)."""
        learner_id = learner_id_of(learner)
        prefix = f"sim_{self.name}_"
        part = {}
        for model in sorted(self.tables, key=lambda m: m.__tablename__):
            columns = [c for c in model.__table__.columns if c.name != "learner_id"]
            rows = db.session.scalars(owned(model, learner_id).order_by(*model.__table__.primary_key.columns))
            part[model.__tablename__.removeprefix(prefix)] = [
                {c.name: _plain(getattr(row, c.key)) for c in columns} for row in rows
            ]
        sent = self.photos(learner_id)
        if sent:  # the photos themselves are hers to see on the practice page; the file names them
            part["photos"] = [{"name": name} for name in sent]
        return part

    # ---- the contract, checked at start-up ----------------------------------------------------

    def problems(self, package: str) -> list[str]:
        """What this service lacks, in words a developer can act on (empty when it keeps the contract)."""
        found = []
        if self.name != package:
            found.append(f"its name is {self.name!r}, not its package's name {package!r}")
        if not isinstance(self.blueprint, Blueprint) or self.blueprint.name != self.name:
            found.append(f"a blueprint named {self.name!r} (sim_blueprint(__package__) makes one)")
            return found
        if not (self.package_dir / "templates" / self.name).is_dir():
            found.append(f"its pages in templates/{self.name}/ inside the package")
        if not self.blueprint.static_folder or not Path(self.blueprint.static_folder).is_dir():
            found.append("its static files in static/ inside the package")
        if not any(re.search(rf"branch_labels\s*=\s*\(\s*['\"]{self.name}['\"]", f.read_text("utf-8"))
                   for f in sorted(self.migrations.glob("*.py"))):
            found.append(f"an Alembic revision in migrations/ with branch_labels = (\"{self.name}\",)")
        if not callable(self.seed):
            found.append("seed(learner)")
        prefix = f"sim_{self.name}_"
        declared = {getattr(m, "__tablename__", None) for m in self.tables}
        if self.state is None or self.state not in self.tables:
            found.append("its state table among its tables")
        for model in self.tables:
            table = getattr(model, "__table__", None)
            if table is None or not table.name.startswith(prefix) or "learner_id" not in table.c:
                found.append(f"tables named {prefix}* with a learner_id column ({getattr(model, '__name__', model)})")
        if self.state is not None and [c.name for c in self.state.__table__.primary_key.columns] != ["learner_id"]:
            found.append("a state table whose primary key is learner_id")
        undeclared = sorted(t for t in db.metadata.tables if t.startswith(prefix) and t not in declared)
        if undeclared:
            found.append(f"every table among its tables (also {', '.join(undeclared)}), so export and delete see it")
        checks = self.checks
        if not checks:
            found.append(f"at least one task check registered as \"{self.name}.<check>\"")
        own = f"{__package__}.{package}"
        outside = sorted(n for n, fn in checks.items() if fn.__module__ != own and not fn.__module__.startswith(own + "."))
        if outside:
            found.append(f"its task checks in its own package (not {', '.join(outside)})")
        return found
