"""Translations: complete in every locale, and the committed templates equal a fresh extraction."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from workshop import i18n_tools
from workshop.config import ROOT
from workshop.i18n import LOCALES

DOMAINS = ("messages", "lessons")


def load(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_complete(locale, domain):
    catalog = load(ROOT / "translations" / locale / "LC_MESSAGES" / f"{domain}.po")
    template = load(ROOT / "translations" / f"{domain}.pot")
    have = {(m.context, m.id): m for m in catalog if m.id}
    missing = [f"{c or ''}|{i}" for (c, i) in ((m.context, m.id) for m in template if m.id) if (c, i) not in have]
    untranslated = [f"{m.context or ''}|{m.id}" for m in have.values() if not m.string or m.fuzzy]
    assert not missing, f"{locale}/{domain}: not in the catalog (run `make i18n`): {missing[:10]}"
    assert not untranslated, f"{locale}/{domain}: missing or fuzzy translations: {untranslated[:10]}"


@pytest.mark.parametrize("locale", ("so", "ar", "fi"))
def test_placeholders_and_paragraphs_are_kept(locale):
    import re

    def names(text: str) -> set[str]:
        return set(re.findall(r"%\(\w+\)s", text))

    for domain in DOMAINS:
        for m in load(ROOT / "translations" / locale / "LC_MESSAGES" / f"{domain}.po"):
            if not m.id or not m.string:
                continue
            if isinstance(m.id, tuple):  # plural forms: each form may leave out the count, never add a name
                source = set().union(*(names(i) for i in m.id))
                forms = [f for f in m.string if f]
                assert all(names(f) <= source for f in forms), m.id
                assert any(names(f) == source for f in forms), m.id
                continue
            assert names(m.id) == names(m.string), m.id
            assert m.id.count("\n\n") == m.string.count("\n\n"), f"{locale} {m.context}: paragraphs differ"


def test_templates_equal_a_fresh_extraction(tmp_path):
    """A string or lesson changed without `make i18n` would hide from translators: fail instead."""
    work = tmp_path / "project"
    for name in ("workshop", "templates", "lessons"):
        shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    for name in ("babel.cfg", "babel-lessons.cfg"):
        shutil.copy(ROOT / name, work / name)
    i18n_tools.extract(root=work, out_dir=work)
    for domain in DOMAINS:
        fresh = {(m.context, m.id): sorted(m.auto_comments) for m in load(work / f"{domain}.pot") if m.id}
        committed = {(m.context, m.id): sorted(m.auto_comments) for m in load(ROOT / "translations" / f"{domain}.pot") if m.id}
        assert fresh.keys() - committed.keys() == set(), f"{domain}.pot is stale: new strings, run `make i18n`"
        assert committed.keys() - fresh.keys() == set(), f"{domain}.pot is stale: removed strings, run `make i18n`"
        assert fresh == committed, f"{domain}.pot is stale: translator notes changed, run `make i18n`"


def test_every_so_and_ar_entry_is_marked_for_native_review():
    for locale in ("so", "ar"):
        for domain in DOMAINS:
            for m in load(ROOT / "translations" / locale / "LC_MESSAGES" / f"{domain}.po"):
                if m.id and m.string and not m.user_comments:
                    pytest.fail(f"{locale}/{domain} {m.context}|{m.id}: no reviewer note")


@pytest.mark.parametrize("locale", ("so", "ar", "fi"))
def test_lessons_quote_buttons_as_the_interface_names_them(locale):
    """A lesson that says: tap "Next" must use the same words as the Next button in her language."""
    import re

    interface = {m.id: m.string for m in load(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po")
                 if isinstance(m.id, str) and m.id and m.string and not m.fuzzy}
    problems = []
    for m in load(ROOT / "translations" / locale / "LC_MESSAGES" / "lessons.po"):
        if not m.id or not m.string or m.fuzzy or m.context.startswith("glossary/"):
            continue
        for quoted in re.findall(r'"([^"]+)"', m.id):
            label = interface.get(quoted)
            if label and label not in m.string:
                problems.append(f"{m.context}: \"{quoted}\" should appear as \"{label}\"")
    assert not problems, "\n".join(problems[:20])
