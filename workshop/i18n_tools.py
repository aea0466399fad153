"""Extract, update and compile the gettext catalogs (two domains: messages and lessons).

English is the source language; its catalogs mirror the source (msgstr = msgid), so that wording
can later be edited per language without touching code, and all four catalogs stay complete.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from .config import ROOT
from .i18n import LOCALES

TRANSLATIONS = ROOT / "translations"
DOMAINS = {"messages": ROOT / "babel.cfg", "lessons": ROOT / "babel-lessons.cfg"}
COPYRIGHT = "Askel project"


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def pot_path(domain: str) -> Path:
    return TRANSLATIONS / f"{domain}.pot"


def po_path(locale: str, domain: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / f"{domain}.po"


def extract(root: Path = ROOT, out_dir: Path = TRANSLATIONS) -> None:
    """Write <out_dir>/messages.pot and lessons.pot from the sources under root."""
    cwd = os.getcwd()
    os.chdir(root)  # extraction paths are relative to the project (no "#:" lines: they conflict on every merge)
    try:
        for domain, mapping in DOMAINS.items():
            _babel(
                "extract", "-F", mapping.name, "-o", str(out_dir / f"{domain}.pot"),
                "--sort-by-file", "--no-wrap", "--no-location", "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs", ".*",
                "--add-comments", "TRANSLATORS:", "--project", "Askel", "--copyright-holder", COPYRIGHT,
                ".",
            )
    finally:
        os.chdir(cwd)
    for domain in DOMAINS:  # a fixed date: the timestamp otherwise conflicts on every merge of two branches
        pot = out_dir / f"{domain}.pot"
        fixed = '"POT-Creation-Date: 2024-01-01 00:00+0000\\n"'
        pot.write_text(re.sub(r'"POT-Creation-Date: [^"]*"', lambda _: fixed, pot.read_text(encoding="utf-8")),
                       encoding="utf-8")


def update() -> None:
    for domain in DOMAINS:
        for locale in LOCALES:
            po = po_path(locale, domain)
            if not po.exists():
                _babel("init", "-D", domain, "-i", str(pot_path(domain)), "-d", str(TRANSLATIONS), "-l", locale, "--no-wrap")
            else:
                _babel("update", "-D", domain, "-i", str(pot_path(domain)), "-d", str(TRANSLATIONS), "-l", locale,
                       "--no-wrap", "--ignore-obsolete")
        mirror_english(po_path("en", domain))


def mirror_english(path: Path) -> None:
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    for message in catalog:
        if not message.id:
            continue
        message.string = message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, ignore_obsolete=True)


def compile_all() -> None:
    for domain in DOMAINS:
        _babel("compile", "-D", domain, "-d", str(TRANSLATIONS), "--statistics")
