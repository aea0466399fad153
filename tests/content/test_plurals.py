"""Counts use ngettext with each catalog's real plural rules (issue 14, item 6).

Every counted string is rendered for 0, 1, 2, 3, 11 and 100 in every locale, through the compiled
catalog the site uses: no form may be empty, and no form may be the one another count needs. Arabic
has six forms: one ("رسالة واحدة", never "1 رسالة"), two (the dual), 3–10 (plural), 11–99 and 100–102
(singular). A count may also stand alone after a colon ("Learners: 5"), the same for every number.
"""
from __future__ import annotations

import gettext
import re

import pytest
from babel.messages.pofile import read_po

from workshop.config import ROOT
from workshop.i18n import LOCALES

COUNTS = (0, 1, 2, 3, 11, 100)
# Which counts need different words in each language (pairs of counts that must not share a form).
MUST_DIFFER = {
    "en": [(1, 2)],
    "fi": [(1, 2)],
    "so": [],  # a Somali noun after a number keeps its singular: "3 sawir" as "1 sawir"
    "ar": [(1, 2), (1, 3), (2, 3), (3, 11), (1, 11)],
}
# Finnish puts the noun after a number >1 in the partitive only in the nominative; in the other cases
# (adessive "kolmella laitteella", genitive "kolmen sekunnin") one form is right for every count.
SAME_FORM_IS_RIGHT = {
    ("fi", "The recording stopped at %(num)s second."), ("fi", "She is signed in on %(num)d device."),
    ("fi", "%(done)s of %(num)s picture"),  # "Kuvia: 3 / 12", a label
    ("en", "%(num)s new"),  # an adjective, no noun to agree
}


def counted_entries() -> list[tuple[str, str]]:
    with (ROOT / "translations" / "messages.pot").open("rb") as fh:
        return [m.id for m in read_po(fh) if m.id and m.pluralizable]


def label_style(form: str) -> bool:
    """'Learners: %(num)s': the number stands alone, so one form fits every count."""
    return bool(re.search(r":\s*%\((?:num|count)\)[sd]", form)) or bool(re.search(r"\(%\(num\)[sd]\)", form))


def render(translation, singular: str, plural: str, n: int) -> str:
    template = translation.ngettext(singular, plural, n)
    values = {name: 7 for name in re.findall(r"%\((\w+)\)", singular + plural)}
    values.update(num=n, count=n, seconds=n)
    return template % values


@pytest.mark.parametrize("locale", LOCALES)
def test_every_counted_string_has_a_right_form_for_every_count(locale):
    translation = gettext.translation("messages", ROOT / "translations", languages=[locale], fallback=False)
    problems = []
    for singular, plural in counted_entries():
        rendered = {n: render(translation, singular, plural, n) for n in COUNTS}
        forms = {n: translation.ngettext(singular, plural, n) for n in COUNTS}
        problems += [f"{singular!r} n={n}: empty" for n, text in rendered.items() if not text.strip()]
        if len(set(forms.values())) == 1 and (label_style(forms[1]) or (locale, singular) in SAME_FORM_IS_RIGHT):
            continue
        for a, b in MUST_DIFFER[locale]:
            if forms[a] == forms[b]:
                problems.append(f"{singular!r}: {a} and {b} share the form {forms[a]!r}")
        if locale == "ar":
            for n in (1, 2):  # "1 فاتورة" / "2 فاتورة": one and two are said in words, not with a digit before the noun
                if re.match(rf"^\s*{n}\s+[\u0600-\u06ff]", rendered[n]):
                    problems.append(f"{singular!r} n={n}: {rendered[n]!r}")
    assert not problems, f"{locale}: " + "\n".join(problems)


def test_the_arabic_catalog_has_six_forms():
    with (ROOT / "translations" / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    assert catalog.num_plurals == 6
    assert [catalog.plural_expr] and gettext.c2py(catalog.plural_expr)(11) != gettext.c2py(catalog.plural_expr)(3)


# A number in a non-plural string is fine where no noun must agree with it: a label ("Days: 3"), a
# step or week number, a limit quoted back ("You wrote 53").
NOT_COUNTS = {
    "Step %(number)s of %(total)s", "Text %(number)s of %(total)s", "Step %(number)s", "step %(number)s", "Week %(number)s",
    "%(done)s of %(total)s",  # a fraction beside its label, no noun
    "A virtual barcode has exactly 54 digits. You wrote %(count)s. Copy the whole number from the bill.",
}


def test_no_count_is_written_without_ngettext():
    with (ROOT / "translations" / "messages.pot").open("rb") as fh:
        singles = [m.id for m in read_po(fh) if m.id and not m.pluralizable]
    suspicious = [
        text for text in singles
        if text not in NOT_COUNTS and re.search(r"%\((?:num|count|total|seconds|minutes)\)[sd]", text)
        and not label_style(text)
    ]
    assert not suspicious, f"counts outside ngettext: {suspicious}"
