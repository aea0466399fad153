"""Extract, update and compile the gettext catalogs (two domains: messages and lessons).

English is the source language; its catalogs mirror the source (msgstr = msgid), so that wording
can later be edited per language without touching code, and all four catalogs stay complete.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from . import address
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
    update_overlays()


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
        # the overlays (only where one exists); a fuzzy (stale) masculine entry is left out, so the
        # default text shows until it is written again
        _babel("compile", "-D", address.overlay_domain(domain), "-d", str(TRANSLATIONS), "--statistics")


# ---- the masculine overlay (workshop.address) -------------------------------------------------------
# translations/<locale>/LC_MESSAGES/<domain>-masculine.po holds, for the locales that address the
# learner by gender (Arabic), the masculine text of every entry whose default text addresses a woman,
# and nothing else. Each entry remembers which default text it was written from (a comment
# "masculine of: <hash>"): when the default changes (a corrected translation) or its English changes,
# the overlay entry is marked fuzzy (gettext then falls back to the default) until it is written again;
# an entry whose English is gone, or whose default no longer addresses a woman, is dropped. `tests/content/test_masculine.py` fails on both.

REVIEW_NOTE = "review: machine-assisted, a native speaker should check"
SOURCE_NOTE = "masculine of: "


def overlay_path(locale: str, domain: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / f"{address.overlay_domain(domain)}.po"


def text_hash(text) -> str:
    """A short hash of a translation (every plural form), to notice when the default changes."""
    forms = text if isinstance(text, (tuple, list)) else (text,)
    return hashlib.sha256("\x00".join(f or "" for f in forms).encode()).hexdigest()[:12]


def _read(path: Path, locale: str | None = None):
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _write(path: Path, catalog) -> None:
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, ignore_obsolete=True, include_previous=False)


def _key(message) -> tuple:
    return message.context, message.id


def recorded_hash(message) -> str | None:
    for comment in message.user_comments:
        if comment.startswith(SOURCE_NOTE):
            return comment[len(SOURCE_NOTE):].strip()
    return None


def load_overlay(locale: str, domain: str):
    """The overlay catalog, created empty (with the default's header) when there is none yet."""
    path = overlay_path(locale, domain)
    if path.exists():
        return _read(path, locale)
    default = _read(po_path(locale, domain), locale)
    overlay = Catalog(locale=locale, domain=address.overlay_domain(domain), project="Askel",
                      copyright_holder=COPYRIGHT, fuzzy=False)
    overlay.header_comment = (f"# The masculine overlay of the {locale} catalog {domain}.po for Askel: only the entries\n"
                              "# that address a man differently (workshop/address.py, docs/translating.md).\n"
                              f"# Copyright (C) 2026 {COPYRIGHT}")
    overlay.mime_headers = default.mime_headers
    return overlay


def update_overlays(locales=address.OVERLAY_LOCALES) -> dict[str, int]:
    """Make each overlay follow the source: entries whose English is gone are dropped, entries whose
    default text changed since they were written are marked fuzzy. Returns counts for the report."""
    counts = {"dropped": 0, "stale": 0}
    for domain in DOMAINS:
        template = {_key(m): m for m in _read(pot_path(domain)) if m.id}
        for locale in locales:
            default_catalog = _read(po_path(locale, domain), locale)
            default = {_key(m): m for m in default_catalog if m.id}
            overlay = load_overlay(locale, domain)
            fresh = Catalog(locale=locale, domain=overlay.domain, project="Askel", copyright_holder=COPYRIGHT,
                            fuzzy=False)
            fresh.mime_headers = default_catalog.mime_headers  # the same header, dates and plural rule
            fresh.header_comment = overlay.header_comment
            kept = {}
            for message in overlay:
                if not message.id:
                    continue
                key = _key(message)
                if key not in template or key not in default or not address.addresses_a_woman(default[key].string):
                    counts["dropped"] += 1  # its English is gone, or the default no longer speaks to a woman
                    continue
                if message.id != template[key].id:
                    continue
                if recorded_hash(message) != text_hash(default[key].string) and not message.fuzzy:
                    message.flags.add("fuzzy")
                    counts["stale"] += 1
                message.auto_comments = list(template[key].auto_comments)
                kept[key] = message
            for key in template:  # in the template's order, as the default catalogs
                if key in kept:
                    message = kept[key]
                    fresh.add(message.id, message.string, locations=(), flags=message.flags,
                              auto_comments=message.auto_comments, user_comments=message.user_comments,
                              context=message.context)
            _write(overlay_path(locale, domain), fresh)
    return counts


def needing_masculine(locale: str, domain: str) -> list[tuple]:
    """(default message, overlay message or None) for each default entry that addresses a woman and
    has no current masculine text: none at all, fuzzy, or written from another default text."""
    overlay = {_key(m): m for m in load_overlay(locale, domain) if m.id}
    todo = []
    for message in _read(po_path(locale, domain), locale):
        if not message.id or not message.string or not address.addresses_a_woman(message.string):
            continue
        masculine = overlay.get(_key(message))
        if (masculine is None or masculine.fuzzy or not masculine.string
                or recorded_hash(masculine) != text_hash(message.string)):
            todo.append((message, masculine))
    return todo


def _json_key(message) -> str:
    mid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
    return f"{message.context}\u0004{mid}" if message.context else mid


def masculine_todo(locales=address.OVERLAY_LOCALES) -> dict:
    """{locale: {domain: {key: {"english", "feminine", "masculine"}}}}: what a translator writes next
    (the masculine is the overlay's stale text, if any, to start from)."""
    out: dict = {}
    for locale in locales:
        for domain in DOMAINS:
            for message, masculine in needing_masculine(locale, domain):
                plural = isinstance(message.id, (tuple, list))
                out.setdefault(locale, {}).setdefault(domain, {})[_json_key(message)] = {
                    "english": list(message.id) if plural else message.id,
                    "feminine": list(message.string) if plural else message.string,
                    "masculine": (list(masculine.string) if plural else masculine.string) if masculine else "",
                }
    return out


def fill_masculine(data: dict) -> dict[str, int]:
    """Write masculine texts ({locale: {domain: {key: {"feminine", "masculine"}}}}, as masculine_todo gives)
    into the overlays. An entry is refused when the default text it was written from ("feminine") is
    no longer the catalog's, or when it has no masculine text."""
    counts = {"written": 0, "refused": 0}
    for locale, domains in data.items():
        for domain, entries in domains.items():
            default = {_json_key(m): m for m in _read(po_path(locale, domain), locale) if m.id}
            overlay = load_overlay(locale, domain)
            present = {_key(m): m for m in overlay if m.id}
            for key, entry in entries.items():
                message = default.get(key)
                masculine = entry.get("masculine")
                feminine = entry.get("feminine")
                if isinstance(masculine, list):
                    masculine = tuple(masculine)
                if isinstance(feminine, list):
                    feminine = tuple(feminine)
                if (message is None or not masculine
                        or (feminine is not None and feminine != message.string)):
                    counts["refused"] += 1
                    continue
                comments = [REVIEW_NOTE, SOURCE_NOTE + text_hash(message.string)]
                existing = present.get(_key(message))
                if existing is not None:
                    existing.string = masculine
                    existing.flags.discard("fuzzy")
                    existing.user_comments = comments
                else:
                    overlay.add(message.id, masculine, context=message.context, user_comments=comments,
                                flags=[f for f in message.flags if f != "fuzzy"],
                                auto_comments=message.auto_comments)
                counts["written"] += 1
            _write(overlay_path(locale, domain), overlay)
    if counts["written"]:
        update_overlays()  # back in the template's order
    return counts
