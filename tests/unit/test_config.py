"""Configuration in one place (workshop/config.py): every setting the code reads is declared there
with its one default, nothing else reads the environment, and a key that is given is never written."""
from __future__ import annotations

import re
from pathlib import Path

from workshop.config import Config

PACKAGE = Path(__file__).resolve().parents[2] / "workshop"
SOURCES = [p for p in PACKAGE.rglob("*.py") if p.name != "config.py" and "migrations" not in p.parts]
READ = re.compile(r"""config\[["']([A-Z][A-Z0-9_]+)["']\]""")


def test_no_setting_has_a_second_default_and_nothing_else_reads_the_environment():
    found = []
    for path in SOURCES:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"config\.get\(|os\.environ|os\.getenv|environ\.get\(", line):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}")
    assert not found, "read a setting from app.config[...] and declare it in workshop/config.py:\n" + "\n".join(found)


def test_every_setting_the_code_reads_is_declared(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "declared-test-key")
    declared = set(Config({"INSTANCE_PATH": str(tmp_path)}).as_dict())
    read = {name for path in SOURCES for name in READ.findall(path.read_text())}
    assert read, "the scan found no settings at all"
    assert not read - declared, f"read but not declared in workshop/config.py: {sorted(read - declared)}"


def test_a_given_key_is_not_written(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = Config({"INSTANCE_PATH": str(tmp_path / "given"), "SECRET_KEY": "given-key"}).as_dict()
    assert settings["SECRET_KEY"] == "given-key" and settings["SECRET_KEY_SOURCE"] == "given"
    assert not (tmp_path / "given" / "secret_key").exists()
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert Config({"INSTANCE_PATH": str(tmp_path / "env")}).SECRET_KEY_SOURCE == "environment"
    assert not (tmp_path / "env" / "secret_key").exists()
    monkeypatch.delenv("SECRET_KEY")
    made = Config({"INSTANCE_PATH": str(tmp_path / "made")})  # no key anywhere: made once, kept owner-only
    assert made.SECRET_KEY_SOURCE == "file" and (tmp_path / "made" / "secret_key").read_text().strip() == made.SECRET_KEY
    assert (tmp_path / "made" / "secret_key").stat().st_mode & 0o077 == 0
