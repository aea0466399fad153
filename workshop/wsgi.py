"""The production entry point: `gunicorn --preload workshop.wsgi:app`.

With --preload the app is built once, in gunicorn's master process, before the workers fork: the
lessons are validated, every template compiled and the four locales' catalogs read there, so the
first learners of a workshop, signing in all at once, do not wait while each worker does it.
"""
from __future__ import annotations

from flask import g
from flask_babel import force_locale, get_translations

from . import address, create_app, i18n
from .extensions import db


def warm_up(app) -> None:
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    with app.test_request_context():
        for locale in i18n.LOCALES:
            with force_locale(locale):
                get_translations()  # the interface's catalog
                i18n.lessons_domain.get_translations()  # the lessons' catalog
        g.askel_address = address.MASCULINE  # and the masculine overlays (Arabic)
        for locale in address.OVERLAY_LOCALES:
            with force_locale(locale):
                get_translations()
                i18n.lessons_domain.get_translations()
    with app.app_context():
        db.engine.dispose()  # no connection may cross the fork: each worker opens its own


app = create_app()
warm_up(app)
