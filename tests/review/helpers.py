"""Helpers for the review tests: staff with a lesson language, a signed-in world, narrations."""
from __future__ import annotations

import io

from tests.conftest import csrf_token, sign_in, staff_client
from tests.review import sounds
from workshop.extensions import db
from workshop.models import Role, User

LESSON = ("start", "01-welcome")
STEP = "welcome"


def set_locale(app, user_id: int, locale: str | None) -> None:
    with app.app_context():
        db.session.get(User, user_id).locale = locale
        db.session.commit()


def grant(app, user_id: int, *locales: str, rights=("wording", "narration")) -> None:
    """The coordinator's grant: she may correct wording and record narrations in these languages."""
    from workshop.review.models import set_grants

    with app.app_context():
        set_grants(user_id, {(loc, right) for loc in locales for right in rights})
        db.session.commit()


def make_world(app, factory) -> dict:
    deeqa = factory.staff("deeqa")
    rasha = factory.staff("rasha")
    liisa = factory.staff("liisa", role=Role.COORDINATOR)
    set_locale(app, deeqa, "so")
    set_locale(app, rasha, "ar")
    grant(app, deeqa, "so")
    grant(app, rasha, "ar")
    somali = factory.workshop("so", name="Somali group", instructor=deeqa)
    arabic = factory.workshop("ar", name="Arabic group", instructor=rasha)
    amina, amina_code, _ = factory.learner(somali, name="Amina", locale="so")
    layla, layla_code, _ = factory.learner(arabic, name="Layla", locale="ar")
    clients = {"anonymous": app.test_client(), "learner": app.test_client()}
    assert sign_in(clients["learner"], amina_code).status_code == 303
    clients["instructor"] = staff_client(app, "deeqa")
    clients["other_instructor"] = staff_client(app, "rasha")
    clients["coordinator"] = staff_client(app, "liisa")
    arabic_learner = app.test_client()
    assert sign_in(arabic_learner, layla_code).status_code == 303
    return {"app": app, "deeqa": deeqa, "rasha": rasha, "liisa": liisa, "clients": clients,
            "arabic_learner": arabic_learner}


def upload(client, locale: str, data: bytes, filename: str = "narration.wav", step: str = STEP):
    course, lesson = LESSON
    return client.post(f"/review/{locale}/{course}/{lesson}/{step}/narration",
                       data={"csrf_token": csrf_token(client), "audio": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def main_text(app, step: str = STEP, lesson=LESSON) -> str:
    """The context of a step's main text (the one "Listen" reads), which the step's page records."""
    return app.extensions["askel_catalogue"].lesson(*lesson).step(step).spoken().context


def narration_url(app, locale: str, step: str = STEP, context: str | None = None) -> str | None:
    """The URL of the recording of a text (by default the step's main text), or None."""
    from workshop.review.models import Narration

    context = context or main_text(app, step)
    with app.app_context():
        row = db.session.scalar(db.select(Narration).where(Narration.locale == locale, Narration.context == context))
        return f"/review/narrations/{locale}/{row.filename}" if row else None


def a_narration(world) -> str:
    """A stored Somali narration of the first step, made by the coordinator; its URL."""
    url = narration_url(world["app"], "so")
    if url is None:
        assert upload(world["clients"]["coordinator"], "so", sounds.wav(1)).status_code == 303
        url = narration_url(world["app"], "so")
    return url


def said(app, locale: str, text: str, **variables) -> str:
    """The interface's words for `text` in `locale`, as the page shows them (autoescaped)."""
    from flask_babel import force_locale, gettext
    from markupsafe import escape

    with app.test_request_context(), force_locale(locale):
        return str(escape(gettext(text, **variables)))


def said_n(app, locale: str, singular: str, plural: str, num: int, **variables) -> str:
    """The interface's words for a count in `locale` (ngettext), as the page shows them."""
    from flask_babel import force_locale, ngettext
    from markupsafe import escape

    with app.test_request_context(), force_locale(locale):
        return str(escape(ngettext(singular, plural, num, **variables)))


def stored_narration(app, locale: str, context: str, text_hash: str | None = None) -> None:
    """A recording of one text put straight into the database (a second of silence)."""
    import hashlib

    from workshop import storage
    from workshop.review import state
    from workshop.review.models import Narration

    data = sounds.wav(1)
    with app.app_context():
        name = hashlib.sha256(f"{locale}/{context}".encode()).hexdigest()[:16] + ".wav"
        storage.files().put(f"narrations/{locale}/{name}", data)
        db.session.add(Narration(locale=locale, context=context, filename=name, mimetype="audio/wav", size=len(data),
                                 duration_ms=1000, digest=hashlib.sha256(data).hexdigest(), text_hash=text_hash))
        state.bump()
        db.session.commit()
