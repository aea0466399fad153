"""One word for one thing (issue 14, item 7): each language's term list (lessons/terms/<locale>.toml)
names the word to use and the variants not to use, for the interface and the lessons alike. A
catalog entry that uses a listed variant fails here, named by its context and English source."""
from __future__ import annotations

import re
import tomllib

import pytest
from babel.messages.pofile import read_po

from workshop.config import ROOT

TERMS = ROOT / "lessons" / "terms"
LOCALES = ("so", "ar", "fi")


def term_list(locale: str) -> list[dict]:
    with (TERMS / f"{locale}.toml").open("rb") as fh:
        return tomllib.load(fh)["term"]


def rules(locale: str):
    for term in term_list(locale):
        where = re.compile(term["where"], re.I) if term.get("where") else None
        for pattern in term["avoid"]:
            yield term, re.compile(pattern, re.I), where


def violations(locale: str, domain: str) -> list[str]:
    with (ROOT / "translations" / locale / "LC_MESSAGES" / f"{domain}.po").open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    found = []
    for m in catalog:
        if not m.id:
            continue
        english = " ".join(m.id) if isinstance(m.id, (list, tuple)) else m.id
        texts = m.string if isinstance(m.string, (list, tuple)) else [m.string]
        for term, avoid, where in rules(locale):
            if where and not where.search(english):
                continue
            for text in texts:
                hit = avoid.search(text or "")
                if hit:
                    found.append(
                        f"{domain} [{m.context or ''}] {english[:60]!r}: '{hit.group(0)}' (use: {term['use']})"
                    )
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_term_list_is_well_formed(locale):
    terms = term_list(locale)
    assert terms, f"lessons/terms/{locale}.toml lists no terms"
    for term in terms:
        assert {"meaning", "use", "avoid", "note"} <= term.keys(), term
        assert set(term) <= {"meaning", "use", "avoid", "note", "where"}, term
        for pattern in [*term["avoid"], term.get("where", "")]:
            re.compile(pattern)  # a broken pattern must fail here, not silently match nothing
        for pattern in term["avoid"]:
            assert not re.search(pattern, term["use"], re.I), f"{locale}: '{term['use']}' is its own variant"


@pytest.mark.parametrize("domain", ("messages", "lessons"))
@pytest.mark.parametrize("locale", LOCALES)
def test_no_catalog_uses_a_variant_the_term_list_rules_out(locale, domain):
    found = violations(locale, domain)
    assert not found, f"{locale}: {len(found)} entries use a variant (lessons/terms/{locale}.toml):\n" + "\n".join(found[:40])


@pytest.mark.parametrize("domain", ("messages-masculine", "lessons-masculine"))
def test_the_masculine_overlay_uses_the_same_terms(domain):
    """A father reads the overlay's texts (workshop/address.py): the same words as a mother."""
    found = violations("ar", domain)
    assert not found, f"ar: {len(found)} overlay entries use a variant (lessons/terms/ar.toml):\n" + "\n".join(found[:40])
