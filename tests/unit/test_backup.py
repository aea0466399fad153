"""The restore drill (issue 12, item 11): back up, damage the backup five ways, restore each: refused,
the live data byte-identical; restore the good one on a fresh instance: every table, every narration
and the set-up tablets come back. On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set (CI runs
both): each instance there is its own schema of that database.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.cli import ScriptInfo

from tests.conftest import PASSWORD, sign_in
from tests.auth.helpers import set_pictures, set_up_tablet
from workshop import create_app, storage
from workshop.backup import expected_revision
from workshop.cli import create_demo_data
from workshop.extensions import db
from workshop.models import User, Workshop
from workshop.review.models import Narration

SOUND = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(64))


def _database(tmp_path: Path, name: str) -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
    schema = f"restore_drill_{name}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


class Instance:
    """A site on its own database and instance folder; its secret key is the one in instance/secret_key."""

    def __init__(self, monkeypatch, folder: Path, url: str):
        self.folder, self.url, self.monkeypatch = folder, url, monkeypatch
        self.start()

    def start(self):
        self.monkeypatch.setenv("ASKEL_INSTANCE", str(self.folder))
        self.monkeypatch.delenv("SECRET_KEY", raising=False)
        self.app = create_app({
            "TESTING": True, "SQLALCHEMY_DATABASE_URI": self.url, "INSTANCE_PATH": str(self.folder),
            "RATELIMIT_STORAGE_URI": "memory://", "SERVER_NAME": None, "REVIEW_REFRESH_SECONDS": 0,
            "IDENTITY_SECONDS": 0,
        })
        return self

    def cli(self, *args):
        result = self.app.test_cli_runner().invoke(args=list(args), obj=ScriptInfo(create_app=lambda: self.app))
        with self.app.app_context():
            db.session.remove()
        return result

    def dump(self) -> str:
        """Every row of every table (and the schema revision), in a stable order."""
        with self.app.app_context():
            lines = []
            with db.engine.connect() as conn:
                lines.append(repr(sorted(conn.execute(sa.text("SELECT version_num FROM alembic_version")).all())))
                for table in db.metadata.sorted_tables:
                    rows = conn.execute(table.select()).all()
                    lines.append(f"{table.name}: {len(rows)}")
                    lines += sorted(repr(tuple(row)) for row in rows)
            if db.engine.url.get_backend_name() == "sqlite":  # and SQLite's own full dump of the file
                db.engine.dispose()
                conn = sqlite3.connect(db.engine.url.database)
                lines += list(conn.iterdump())
                conn.close()
            db.session.remove()
            db.engine.dispose()
        return "\n".join(lines)

    def files(self) -> dict[str, str]:
        """The instance folder's secret key (and any narrations folder an older Askel left), as checksums."""
        return {p.relative_to(self.folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(self.folder.rglob("*")) if p.is_file()
                and (p.name == "secret_key" or "narrations" in p.relative_to(self.folder).parts)}


@pytest.fixture
def live(tmp_path, monkeypatch):
    """A site with a city's worth of everything: demo groups with progress, practice sandboxes,
    a picture password, a set-up tablet and a recorded narration."""
    site = Instance(monkeypatch, tmp_path / "live-instance", _database(tmp_path, "live"))
    app = site.app
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        credentials = create_demo_data(password_factory=lambda: PASSWORD)
        somali = db.session.scalar(sa.select(Workshop.id).where(Workshop.language == "so"))
        learner = credentials["groups"][0]["learners"][0]
        amina = db.session.scalar(sa.select(User.id).where(User.display_name == learner["name"]))
        storage.files().put("narrations/so/step-one.wav", SOUND)  # in the database, as every host reads it
        db.session.add(Narration(locale="so", context="start/01-welcome/welcome/text", filename="step-one.wav",
                                 mimetype="audio/wav", size=len(SOUND), duration_ms=900,
                                 digest=hashlib.sha256(SOUND).hexdigest()))
        db.session.commit()
    set_pictures(app, amina, (2, 7, 0))
    tablet = set_up_tablet(app, "deeqa", somali)
    phone = app.test_client()
    assert sign_in(phone, learner["code"]).status_code == 303
    for sim in ("mail", "bank", "wilma"):  # each seeds her sandbox on the first visit
        assert phone.get(f"/practice/{sim}/").status_code == 200
    site.tablet_cookie = tablet.get_cookie("askel_tablet").value
    site.code, site.amina = learner["code"], learner["name"]
    return site


def _refused(site: Instance, backup: Path, words: str) -> None:
    result = site.cli("restore", "--yes", str(backup))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # a ClickException: a plain message, no traceback
    assert "Traceback" not in result.output and "restore refused" in result.output, result.output
    assert words in result.output, result.output


def _resign_database(backup: Path) -> None:
    """Write the manifest's entry for the database again: a backup that is consistent in itself."""
    manifest = json.loads((backup / "manifest.json").read_text())
    data = (backup / "askel.sqlite3").read_bytes()
    manifest["files"]["askel.sqlite3"] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (backup / "manifest.json").write_text(json.dumps(manifest))


def _edit(backup: Path, statement: str) -> None:
    conn = sqlite3.connect(backup / "askel.sqlite3")
    with conn:
        conn.execute(statement)
    conn.close()


def _empty(backup: Path) -> None:
    (backup / "askel.sqlite3").write_bytes(b"")


def _truncated(backup: Path) -> None:
    path = backup / "askel.sqlite3"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _wrong_revision(backup: Path) -> None:
    _edit(backup, "UPDATE alembic_version SET version_num = '0001_core' WHERE version_num = "
                  "(SELECT MIN(version_num) FROM alembic_version)")
    _resign_database(backup)  # as if an older Askel had made it: only the revision tells


def _missing_narration(backup: Path) -> None:
    _edit(backup, "DELETE FROM stored_files WHERE name = 'narrations/so/step-one.wav'")
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["rows"]["stored_files"] -= 1
    (backup / "manifest.json").write_text(json.dumps(manifest))
    _resign_database(backup)  # consistent in itself: only the narration check tells


def _other_sound(backup: Path) -> None:
    _edit(backup, "UPDATE stored_files SET data = x'52494646' WHERE name = 'narrations/so/step-one.wav'")
    _resign_database(backup)


def _edited_row(backup: Path) -> None:
    _edit(backup, "UPDATE users SET display_name = 'Mallory' WHERE id = (SELECT MIN(id) FROM users)")


DAMAGES = [(_empty, "checksum"), (_truncated, "checksum"), (_wrong_revision, "schema revision"),
           (_missing_narration, "missing"), (_other_sound, "not the recording"), (_edited_row, "checksum")]


def test_restore_drill(live, tmp_path, monkeypatch):
    good = tmp_path / "backup"
    result = live.cli("backup", str(good))
    assert result.exit_code == 0, result.output
    assert live.cli("backup", str(good)).exit_code == 1  # never over a backup

    # owner-only, everywhere: the backup, the live database and the secret key
    for path in [good, *good.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert stat.S_IMODE((live.folder / "secret_key").stat().st_mode) == 0o600
    assert stat.S_IMODE(live.folder.stat().st_mode) == 0o700
    if live.url.startswith("sqlite"):
        assert stat.S_IMODE(Path(live.url.removeprefix("sqlite:///")).stat().st_mode) == 0o600

    manifest = json.loads((good / "manifest.json").read_text())
    with live.app.app_context():
        assert manifest["revision"] == expected_revision() and manifest["rows"]["users"] > 10
    assert set(manifest["files"]) == {"askel.sqlite3", "secret_key"}  # the sounds are in the database
    with sqlite3.connect(good / "askel.sqlite3") as conn:
        assert conn.execute("SELECT data FROM stored_files WHERE name = 'narrations/so/step-one.wav'").fetchone()[0] == SOUND
    conn.close()

    before, files_before = live.dump(), live.files()
    for damage, words in DAMAGES:
        bad = tmp_path / f"backup-{damage.__name__.strip('_')}"
        shutil.copytree(good, bad)
        damage(bad)
        _refused(live, bad, words)
        assert live.dump() == before, damage.__name__
        assert live.files() == files_before, damage.__name__

    # the good one, on a fresh host: its own empty database and instance folder (a new secret key)
    fresh = Instance(monkeypatch, tmp_path / "fresh-instance", _database(tmp_path, "fresh"))
    assert (fresh.folder / "secret_key").read_text() != (live.folder / "secret_key").read_text()
    result = fresh.cli("restore", "--yes", str(good))
    assert result.exit_code == 0, result.output
    fresh.start()  # the site starts again, with the restored secret key
    assert fresh.dump() == before
    assert fresh.files() == files_before
    assert stat.S_IMODE((fresh.folder / "secret_key").stat().st_mode) == 0o600

    # the tablet set up before still opens its group's names; her code still signs her in
    tablet = fresh.app.test_client()
    tablet.set_cookie("askel_tablet", live.tablet_cookie)
    page = tablet.get("/tablet/")
    assert page.status_code == 200 and live.amina in page.get_data(as_text=True)
    assert sign_in(fresh.app.test_client(), live.code).status_code == 303
    with fresh.app.app_context():  # new rows get new ids after the restored ones
        db.session.add(User(role="instructor", display_name="New", username="new-after-restore"))
        db.session.commit()
        db.engine.dispose()


def test_an_older_instance_folder_and_database_are_made_owner_only(tmp_path, monkeypatch):
    folder, database = tmp_path / "old-instance", tmp_path / "old.sqlite3"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    database.touch()
    os.chmod(database, 0o644)
    monkeypatch.setenv("ASKEL_INSTANCE", str(folder))
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "INSTANCE_PATH": str(folder), "SECRET_KEY": "x"})
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(database.stat().st_mode) == 0o600


def test_a_folder_without_a_manifest_is_refused(live, tmp_path):
    folder = tmp_path / "old-style"
    folder.mkdir()
    (folder / "askel.sqlite3").write_bytes(b"")
    before = live.dump()
    _refused(live, folder, "manifest.json")
    (folder / "manifest.json").write_text('{"format": 1, "files": {"askel.sqlite3": "x", "secret_key": "y"}}')
    _refused(live, folder, "unknown format")
    assert live.dump() == before
