"""How the reader is addressed, and the rule that finds Arabic text addressed to a woman.

Arabic marks the gender of "you" on verbs and pronouns. The catalogs address a woman (most learners
are mothers); a learner, or her instructor, may choose the masculine instead (`User.address`), and so
may an instructor or the coordinator for their own pages (the coordinator when making an
instructor's account). The masculine texts live in an overlay catalog per domain
(`translations/ar/LC_MESSAGES/messages-masculine.po`, `lessons-masculine.po`) that holds only the
entries that differ, and that `i18n` looks up first for a reader addressed as a man, falling back to
the default catalog.

Somali marks no gender on "you" (verbs, pronouns, possessives are the same for a man and a woman),
so it needs no overlay; `tests/content/test_masculine.py` checks that its texts do not call the
learner a mother.

`feminine_forms(text)` is the rule the coverage test applies to every Arabic entry (and the lesson
player to reviewed wording). It finds, word by word:

1. a pronoun or past-tense ending written with its kasra: أنتِ، لكِ، حسابكِ، أحسنتِ، كنتِ (the catalogs
   vocalise these endings precisely so that they can be told from the masculine and the first
   person). Not a definite noun in the genitive (البنكِ), not the listed `KASRA_EXCEPTIONS` (تأتِ is
   the masculine or third-person jussive);
2. the imperfect 2nd person feminine, indicative: ت…ين with any of و ف س before it (تتعلّمين،
   ستجدين، وتضغطين), except nouns of that shape (`IMPERFECT_EXCEPTIONS`: تمرين، تأمين …);
3. the same verb in the subjunctive or jussive, ت…ي after لا لم لن أن ألّا كي لكي حتى, or with لـ
   joined (لتبدئي), except third-person feminine verbs whose stem ends in ي (`JUSSIVE_EXCEPTIONS`:
   "لا تنتهي" is "it does not end");
4. an imperative in the feminine: every imperative the catalogs use is listed (`IMPERATIVES`): its
   shape (جرّبي، راجعي، ضعي) is that of nouns with "my" and of adjectives (عربي، حسابي), so no shape
   rule can find them. A new imperative must be added there. Not after لا/لم/لن/أن, where أعطي and
   أنهي are the first person ("لا أعطي": I do not give);
5. words that call the learner a woman (`FEMININE_WORDS`: عزيزتي، مستعدّة، جاهزة، متأكّدة، قلقة).

A text can still address a woman in a way these rules miss (a new imperative, an adjective in a
sentence about her); a reviewer who meets one adds the word to the lists here.

`save(user, choice)` is the one way a choice is kept, whoever makes it: the learner on her progress
page or her instructor on the learner's page.
"""
from __future__ import annotations

import re
from typing import Callable

from flask import flash
from flask_babel import gettext as _

from .extensions import db

FEMININE, MASCULINE = "feminine", "masculine"
CHOICES = (FEMININE, MASCULINE)
DEFAULT = FEMININE
# Locales whose catalogs address the learner with gendered forms and have a masculine overlay.
OVERLAY_LOCALES = ("ar",)


def overlay_domain(domain: str) -> str:
    return f"{domain}-masculine"


def save(user, choice: str | None, then: Callable[[], None] | None = None) -> bool:
    """Keeps `choice` (a form's value) as how the texts address `user`, and says so to the one who chose.

    Anything but one of CHOICES changes nothing: "Please choose one of the two.". A choice is committed,
    `then` runs (the reader's own choice: what she reads next follows it), and "Saved." is said.
    """
    if choice not in CHOICES:
        flash(_("Please choose one of the two."), "error")
        return False
    user.address = choice
    db.session.commit()
    if then is not None:
        then()
    flash(_("Saved."), "ok")
    return True


KASRA = "\u0650"
_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")  # harakat, shadda, sukun, dagger alif, tatweel
_WORD = re.compile(r"[\u0621-\u064a\u064b-\u0652\u0670\u0640]+")
_DEFINITE = re.compile("^(?:[وفبك]?ال|لل)")
_GOVERNING = {"لا", "ولا", "فلا", "لم", "ولم", "فلم", "لن", "ولن", "فلن", "أن", "وأن", "ألا", "وألا", "كي", "لكي",
              "حتى", "وحتى", "أو"}

_NOT_BEFORE_IMPERATIVE = _GOVERNING - {"أو"}  # "أو اكتبي" is an imperative; "لا أعطي" is not
KASRA_EXCEPTIONS = {"تأت", "يأت"}
IMPERFECT_EXCEPTIONS = {
    "تمرين", "تأمين", "تخزين", "تحسين", "تعيين", "تكوين", "تدوين", "تلوين", "تزيين", "تضمين", "تبيين", "تنوين",
    "تموين", "تسعين", "تطبيقين", "تاريخين", "توقيعين", "تحويلين", "تمرينين", "تبويبين",
}
JUSSIVE_EXCEPTIONS = {"تنتهي", "تأتي", "تعني", "تكفي", "تحتوي", "تمضي", "تجري", "تنتمي", "تساوي"}
IMPERATIVES = {
    "أبلغي", "أثبتي", "أجيبي", "أخبري", "أخبريني", "أرسلي", "أضيفي", "أعطي", "أعطيني", "أغلقي", "أكدي", "ألغي",
    "أنهي", "ابحثي", "ابدئي", "ابقي", "اتركي", "اتصلي", "احتفظي", "احذفي", "احفظي", "احمي", "اختاري", "اخرجي",
    "ادخلي", "ادفعي", "اذهبي", "ارجعي", "اسألي", "استخدمي", "اضغطي", "اطلبي", "افتحي", "افعلي", "اقرئي",
    "اقطعي", "اكتبي", "املئي", "انتظري", "انسخي", "انظري", "الصقي", "انتبهي", "تأكدي", "تحققي", "تدربي",
    "تعلمي", "توقفي", "تذكري", "تابعي", "تقدمي", "جربي", "حاولي", "حملي", "خذي", "راجعي", "ردي", "سافري",
    "سجلي", "صوري", "ضعي", "عرفي", "قارني", "قدمي", "قولي", "كوني", "لاحظي", "وافقي", "عودي", "غيري", "شاهدي",
    "ساعدي", "تواصلي", "اكملي", "أكملي", "أنشئي", "انقلي", "اجعلي", "أخرجي", "أدخلي", "اشرحي", "اعرفي", "اختبري", "امسحي", "انقري", "المسي", "استمعي", "اسمعي",
    "التقطي", "أمسكي", "ارفضي", "استعملي", "اسحبي", "انتقلي", "أنجزي", "ارفعي", "استمري", "مرري", "حركي",
    "وجهي", "حدثي",
}
# Adjectives of the learner in the feminine, after a word that speaks of her ("كنتِ قلقة"، "تجعلكِ خائفة")
# or of the learner speaking ("لم أكن متأكدة"): a group or a payment may be "جاهزة" too.
FEMININE_ADJECTIVES = {"مستعدة", "جاهزة", "متأكدة", "قلقة", "خائفة", "مسجلة", "متصلة", "وحيدة", "مشغولة"}
PERSON_WORDS = {"أنت", "كنت", "لست", "زلت", "أكن", "أبقى", "أنا", "تكوني", "تكونين", "كوني", "ابقي", "تبقي",
                "تبقين"}
FEMININE_WORDS = {"عزيزتي"}
OBJECT_SUFFIXES = ("ها", "هم", "ه", "ني", "نا")
DAMMA = "\u064f"


def bare(word: str) -> str:
    return _DIACRITICS.sub("", word)


def _without_conjunction(word: str) -> list[str]:
    """The word, and the word without a joined و or ف (واضغطي، فاتصلي)."""
    return [word, word[1:]] if word[:1] in ("و", "ف") and len(word) > 3 else [word]


def _verb_hit(form: str, previous: str, joined: bool) -> bool:
    """Rules 2-4 on one word without its joined و/ف (joined: there was one)."""
    stem = form[1:] if form.startswith("ست") else form
    if stem.startswith("ت") and stem.endswith("ين") and len(stem) >= 4 and stem not in IMPERFECT_EXCEPTIONS:
        return True
    if form in IMPERATIVES and previous not in _NOT_BEFORE_IMPERATIVE:
        return True
    if (form.startswith("ت") and form.endswith("ي") and len(form) >= 3
            and (previous in _GOVERNING or joined) and form not in JUSSIVE_EXCEPTIONS):
        return True  # after a particle, or joined to و/ف: a verb in a row (أن تفتحي، وتعرفي)
    return form.startswith("لت") and form.endswith("ي") and len(form) >= 4 and form[1:] not in JUSSIVE_EXCEPTIONS


def feminine_forms(text: str) -> list[str]:
    """The words of an Arabic text that address a woman (see the module's rule), in order."""
    found = []
    previous, previous_word, before = "", "", ""
    for match in _WORD.finditer(text or ""):
        word = match.group()
        plain = bare(word)
        hit = False
        for suffix in ("", *OBJECT_SUFFIXES):  # افتحيها، لتفتحيه، تُنهينها، حذفتِها
            if suffix and not (plain.endswith(suffix) and len(plain) > len(suffix) + 3):
                continue
            core = word
            if suffix:
                core = _strip_letters(word, len(suffix))
            core_plain = bare(core)
            if core.endswith(("ك" + KASRA, "ت" + KASRA)) and not _DEFINITE.match(core_plain):
                if not any(p in KASRA_EXCEPTIONS for p in _without_conjunction(core_plain)):
                    hit = True
            if not hit:
                passive = core.startswith("أ" + DAMMA)  # أُلغي: "was cancelled", not the imperative ألغي
                hit = any(_verb_hit(form, "لا" if passive else previous, form is not core_plain)
                          for form in _without_conjunction(core_plain))
            if hit:
                break
        if not hit:
            hit = plain in FEMININE_WORDS or (
                plain in FEMININE_ADJECTIVES
                and (previous in PERSON_WORDS or previous_word.endswith("ك" + KASRA)
                     or (previous == "غير" and before in PERSON_WORDS)))
        if hit:
            found.append(word)
        before, previous, previous_word = previous, plain, word
    return found


def _strip_letters(word: str, count: int) -> str:
    """The word without its last `count` letters (and their marks)."""
    letters = 0
    index = len(word)
    while index > 0 and letters < count:
        index -= 1
        if not _DIACRITICS.match(word[index]):
            letters += 1
    return word[:index]


def addresses_a_woman(text) -> bool:
    """True when a text (or any plural form of it) has a form that addresses a woman."""
    forms = text if isinstance(text, (tuple, list)) else (text,)
    return any(feminine_forms(form) for form in forms if form)
