"""Fathers too (issue 14, item 12): every Arabic text that addresses a woman has a masculine text.

The rule that finds a text addressed to a woman is `workshop.address.feminine_forms`; its module
docstring says what it finds and what it cannot (its exceptions are listed there, by name):

- pronoun and past-tense endings written with their kasra (أنتِ، لكِ، حسابكِ، أحسنتِ), not a definite
  noun in the genitive (البنكِ) and not تأتِ (masculine or third-person jussive);
- the imperfect 2nd person feminine (تتعلّمين، ستجدين), not nouns of that shape (تمرين، تأمين);
- its subjunctive and jussive after لا لم لن أن … or joined لـ/و (أن تفتحي، لتبدئي، وتعرفي), not the
  third person feminine of verbs ending in ي (لا تنتهي: "it does not end");
- the listed feminine imperatives (افتحي، جرّبي، ضعي), not after لا/أن (لا أعطي: "I do not give"),
  and not the passive أُلغي;
- the same with an object pronoun joined (افتحيها، حذفتِها، تُنهينها);
- عزيزتي, and feminine adjectives after a word that speaks of the reader (كنتِ قلقة، لم أكن متأكدة).

Somali marks no gender on "you"; its texts are checked for calling the learner a mother instead.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from workshop import address, i18n_tools
from workshop.config import ROOT

DOMAINS = ("messages", "lessons")
# Texts written to a mother by someone else, translated as they are: the Finnish message beside them
# on the practice phone says "Hei äiti" (a scam documented by Traficom). Only their quoted part may
# stay feminine in the masculine overlay; the lesson around it speaks to him.
WRITTEN_TO_A_MOTHER = {
    "bank/scenarios/bank/messages.new-number.text_en",
    "bank/07-scam-messages/quiz-new-number/question",
}


def load(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def catalogs(domain: str, locale: str = "ar"):
    default = {(m.context, m.id): m for m in load(i18n_tools.po_path(locale, domain)) if m.id}
    overlay = {(m.context, m.id): m for m in load(i18n_tools.overlay_path(locale, domain)) if m.id}
    return default, overlay


def name(message) -> str:
    return f"{message.context or ''}|{message.id if isinstance(message.id, str) else message.id[0]}"


def forms(text) -> tuple:
    return tuple(text) if isinstance(text, (tuple, list)) else (text,)


@pytest.mark.parametrize("text, words", [
    ("ستتعلّمين أن تفتحي رسالة، وتعرفي من أرسلها، وتقرئيها.", ["ستتعلّمين", "تفتحي", "وتعرفي", "وتقرئيها"]),
    ("أحسنتِ! أنتِ جاهزة.", ["أحسنتِ", "أنتِ", "جاهزة"]),
    ("افتحي الرسالة واضغطي «Vastaa».", ["افتحي", "واضغطي"]),
    ("يمكنكِ أن تجرّبي مرة أخرى.", ["يمكنكِ", "تجرّبي"]),
    ("إذا لم أكن متأكدة، أسأل المدرّب.", ["متأكدة"]),
    ("لا تقلقي، احذفيها.", ["تقلقي", "احذفيها"]),
    ("عزيزتي العميلة", ["عزيزتي"]),
    # masculine, first person, third person and nouns: nothing
    ("ستتعلّم أن تفتح رسالة. أحسنتَ! يمكنكَ أن تجرّب.", []),
    ("لا أعطي أي رموز. أُلغي التعديل.", []),
    ("هذا تمرين. الدفعة لم تأتِ بعد. المهلة لا تنتهي اليوم. في البنكِ.", []),
    ("المجموعة جاهزة. سكرتيرة المدرسة تعطي أمًّا ورقة.", []),
])
def test_the_rule_finds_what_addresses_a_woman(text, words):
    assert address.feminine_forms(text) == words


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_arabic_entry_addressed_to_a_woman_has_a_current_masculine_text(domain):
    """Missing, fuzzy, or written from a default text that has changed since: all fail, by name.
    `flask masculine todo FILE` lists them as JSON, `flask masculine fill FILE` writes them back."""
    default, overlay = catalogs(domain)
    problems = []
    for key, message in default.items():
        if not message.string or not address.addresses_a_woman(message.string):
            continue
        masculine = overlay.get(key)
        if masculine is None or not masculine.string:
            problems.append(f"no masculine text: {name(message)} ({address.feminine_forms(forms(message.string)[0])})")
        elif masculine.fuzzy or i18n_tools.recorded_hash(masculine) != i18n_tools.text_hash(message.string):
            problems.append(f"the default text changed since the masculine was written: {name(message)}")
    assert not problems, f"ar/{domain}: {len(problems)} entries\n" + "\n".join(problems[:30])


@pytest.mark.parametrize("domain", DOMAINS)
def test_masculine_texts_address_a_man_and_keep_the_source_shape(domain):
    default, overlay = catalogs(domain)
    template = {(m.context, m.id) for m in load(i18n_tools.pot_path(domain)) if m.id}
    for key, masculine in overlay.items():
        assert key in template, f"{name(masculine)}: the English is gone; `make i18n` drops it"
        assert key in default, name(masculine)
        assert i18n_tools.REVIEW_NOTE in masculine.user_comments, f"{name(masculine)}: no reviewer note"
        assert isinstance(masculine.string, tuple) == isinstance(default[key].string, tuple), name(masculine)
        for text, source in zip(forms(masculine.string), forms(default[key].string)):
            assert sorted(re.findall(r"%\(\w+\)s", text)) == sorted(re.findall(r"%\(\w+\)s", source)), name(masculine)
            assert text.count("\n\n") == source.count("\n\n"), f"{name(masculine)}: paragraphs differ"
            if masculine.context in WRITTEN_TO_A_MOTHER:
                text = re.sub(r'"[^"]*"', "", text)  # the quoted message stays as written to her
                if masculine.context.startswith("bank/scenarios/"):
                    continue
            left = address.feminine_forms(text)
            assert not left, f"{name(masculine)}: still addresses a woman: {left}"


def test_masculine_lessons_quote_buttons_as_the_masculine_interface_names_them():
    """The lessons say: press "Done: check"; a father's button must carry the same words as his lesson."""
    default = {m.id: m.string for m in load(i18n_tools.po_path("ar", "messages")) if isinstance(m.id, str) and m.id}
    overlay = {m.id: m.string for m in load(i18n_tools.overlay_path("ar", "messages")) if isinstance(m.id, str) and m.id}
    problems = []
    for m in load(i18n_tools.overlay_path("ar", "lessons")):
        if not m.id or m.context.startswith("glossary/"):
            continue
        for quoted in re.findall(r'"([^"]+)"', m.id):
            label = overlay.get(quoted) or default.get(quoted)
            if label and label not in m.string:
                problems.append(f"{m.context}: \"{quoted}\" should appear as \"{label}\"")
    assert not problems, "\n".join(problems[:20])


def test_make_i18n_keeps_the_overlay_following_the_source(tmp_path, monkeypatch):
    """Run on a copy: an entry whose English is gone is dropped, and one whose default no longer
    addresses a woman; one whose default text changed is marked fuzzy (left out of the compiled
    catalog, so the default shows) and listed as to do."""
    shutil.copytree(ROOT / "translations", tmp_path / "translations")
    monkeypatch.setattr(i18n_tools, "TRANSLATIONS", tmp_path / "translations")
    default_path = i18n_tools.po_path("ar", "lessons")
    default = load(default_path)
    overlay = {(m.context, m.id): m for m in load(i18n_tools.overlay_path("ar", "lessons")) if m.id}
    keys = [k for k in overlay if k[0] not in WRITTEN_TO_A_MOTHER]
    gone, changed, neutral = keys[0], keys[1], keys[2]
    template = load(i18n_tools.pot_path("lessons"))
    template.delete(gone[1], context=gone[0])
    with i18n_tools.pot_path("lessons").open("wb") as fh:
        i18n_tools.write_po(fh, template, width=0)
    default.get(changed[1], context=changed[0]).string = "أحسنتِ، يمكنكِ أن تبدئي الآن."
    default.get(neutral[1], context=neutral[0]).string = "مرحبًا بالجميع."
    with default_path.open("wb") as fh:
        i18n_tools.write_po(fh, default, width=0)

    assert i18n_tools.update_overlays() == {"dropped": 2, "stale": 1}
    after = {(m.context, m.id): m for m in load(i18n_tools.overlay_path("ar", "lessons")) if m.id}
    assert gone not in after and neutral not in after
    assert after[changed].fuzzy
    todo = i18n_tools.masculine_todo()["ar"]["lessons"]
    entry = todo[f"{changed[0]}\u0004{changed[1]}"]
    assert entry["feminine"] == "أحسنتِ، يمكنكِ أن تبدئي الآن."
    # writing it again clears the mark
    entry["masculine"] = "أحسنتَ، يمكنكَ أن تبدأ الآن."
    assert i18n_tools.fill_masculine({"ar": {"lessons": todo}})["written"] >= 1
    again = {(m.context, m.id): m for m in load(i18n_tools.overlay_path("ar", "lessons")) if m.id}
    assert not again[changed].fuzzy and again[changed].string == "أحسنتَ، يمكنكَ أن تبدأ الآن."
    assert i18n_tools.update_overlays() == {"dropped": 0, "stale": 0}


def test_somali_does_not_call_the_learner_a_mother():
    """Somali "you" is the same for a man and a woman. Pictures of a mother are described as such
    (alt texts), and the scam message written to a mother is quoted as it is; nothing else may speak
    of the reader as a mother or a woman."""
    allowed = {"bank/07-scam-messages/summary", "bank/07-scam-messages/new-number/text", *WRITTEN_TO_A_MOTHER}
    problems = []
    for domain in DOMAINS:
        for m in load(i18n_tools.po_path("so", domain)):
            text = " ".join(forms(m.string)) if m.id else ""
            if not re.search(r"\bhooy(o|ada|ooyin)\b", text, re.I):
                continue
            if (m.context or "").endswith("/alt") or m.context in allowed:
                continue
            problems.append(name(m))
    assert not problems, problems
