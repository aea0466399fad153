"""The words for the keys the counselling tables store, translated where they are shown (lazy: each
reader gets her own language). One place, so the instructor's forms, her own plan and the outcomes
report name a direction the same way."""
from __future__ import annotations

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from .models import TOPIC_LANGUAGES, Direction, Result, SessionKind, Topic

SESSION_KINDS = {
    SessionKind.LIGHT: _l("Light guidance"),
    SessionKind.PERSONAL: _l("Personal counselling"),
}

# The direction agreed in the plan, as the instructor reads it.
DIRECTIONS = {
    Direction.FINNISH_COURSE: _l("Finnish language training"),
    Direction.BASIC_EDUCATION: _l("Adult basic education"),
    Direction.VOCATIONAL: _l("Vocational education"),
    Direction.OTHER_TRAINING: _l("Other training"),
    Direction.WORK: _l("Working life"),
    Direction.HOME_CARE: _l("Caring for the children at home for now"),
    Direction.PARENTAL_LEAVE: _l("Parental leave first"),
    Direction.OTHER: _l("Other"),
}

# The same directions as the learner reads them on her own plan: plain words, one idea.
DIRECTIONS_FOR_HER = {
    Direction.FINNISH_COURSE: _l("A Finnish language course"),
    Direction.BASIC_EDUCATION: _l("School for adults (basic education)"),
    Direction.VOCATIONAL: _l("Studying for a job (vocational school)"),
    Direction.OTHER_TRAINING: _l("Another course or training"),
    Direction.WORK: _l("Looking for work"),
    Direction.HOME_CARE: _l("Staying at home with the children for now"),
    Direction.PARENTAL_LEAVE: _l("Parental leave first"),
    Direction.OTHER: _l("Something else"),
}

RESULTS = {
    Result.REACHED: _l("Reached the direction"),
    Result.IN_PROGRESS: _l("In progress"),
    Result.CHANGED: _l("Changed"),
    Result.NOT_REACHED: _l("Not reached"),
}

RESULTS_FOR_HER = {
    Result.REACHED: _l("Reached"),
    Result.IN_PROGRESS: _l("Still in progress"),
    Result.CHANGED: _l("The plan changed"),
    Result.NOT_REACHED: _l("Not reached this time"),
}

SEEDED_TOPIC_LABELS = {
    "education": _l("Education"),
    "employment": _l("Employment"),
    "language_training": _l("Language training"),
    "services": _l("Services"),
    "family": _l("Family"),
    "housing": _l("Housing"),
    "health": _l("Health"),
    "other": _l("Other topic"),
}


# Where her label is missing in the reader's language, the first of these she gave.
TOPIC_FALLBACK = ("en", "fi", "so", "ar")


def topic_label(topic: Topic, language: str | None = None) -> str:
    """A topic in the reader's language (or `language`): a seeded one translated by its key; one the
    coordinator added, in the label she gave in that language, else in the first of TOPIC_FALLBACK
    she gave."""
    language = language or str(get_locale())
    own = topic.own_labels()
    if own:
        return own.get(language) or next(own[other] for other in TOPIC_FALLBACK if other in own)
    if language == str(get_locale()):
        return str(SEEDED_TOPIC_LABELS.get(topic.key, topic.key))
    with force_locale(language):
        return str(SEEDED_TOPIC_LABELS.get(topic.key, topic.key))


def topic_labels(topics) -> list[str]:
    """Each topic's label in the reader's language, for a list written with her comma (the `listing` filter)."""
    return [topic_label(topic) for topic in topics]


def topic_missing(topic: Topic) -> list[str]:
    """The languages a topic of her own has no label in yet (none for a seeded topic)."""
    if topic.seeded:
        return []
    own = topic.own_labels()
    return [language for language in TOPIC_LANGUAGES if language not in own]
