"""A topic the coordinator adds has a label in each language (so, ar, fi, en; at least one): every
instructor reads it in her interface language, else in another one the coordinator gave; the seeded
topics stay translated by their key (issue 18, item 2)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.conftest import csrf_token
from workshop import create_app
from workshop.counsel import rules
from workshop.counsel.models import Topic
from workshop.extensions import db
from workshop.models import Role

ONCE_RE = re.compile(r'name="once" value="([^"]+)"')
TOPICS = "/admin/counselling/topics"


@pytest.fixture
def liisa(auth):
    return auth.staff("liisa", role=Role.COORDINATOR, locale="en")


def add_topic(client, **labels):
    html = client.get(TOPICS).get_data(as_text=True)
    data = {"csrf_token": csrf_token(client, TOPICS), "once": ONCE_RE.search(html).group(1)}
    return client.post(TOPICS, data=data | labels, follow_redirects=True)


def own_topics(app) -> list[dict]:
    with app.app_context():
        return [t.own_labels() for t in rules.topics(include_retired=True) if not t.seeded]


def session_form(app, auth, factory, locale: str) -> str:
    """The new-session form as an instructor reading `locale` sees it (her own group, her consent)."""
    client, staff = auth.staff(f"staff{locale}", locale=locale)
    wid = factory.workshop("so", name=f"Group {locale}", instructor=staff)
    uid, _code, _token = factory.learner(wid, name="Hodan")
    with app.app_context():
        rules.give_consent(uid, staff)
        db.session.commit()
    response = client.get(f"/teach/groups/{wid}/learners/{uid}/sessions/new")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_each_instructor_reads_a_topic_in_her_language_or_another_one_given(app, auth, factory, liisa):
    coord, _id = liisa
    response = add_topic(coord, label_so="Kaalmada Kela", label_fi="Kelan tuet")
    assert response.status_code == 200 and "Topic added." in response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert "Not written yet in: Arabic, English." in page  # what the form still lacks, by name
    row = next(r for r in page.split("<tr>") if "Kelan tuet" in r or "Kaalmada Kela" in r)
    assert "Missing:" in row and "Arabic, English" in row
    assert own_topics(app) == [{"so": "Kaalmada Kela", "fi": "Kelan tuet"}]
    forms = {locale: session_form(app, auth, factory, locale) for locale in ("so", "ar", "fi", "en")}
    assert "Kaalmada Kela" in forms["so"] and "Kelan tuet" not in forms["so"]
    assert "Kelan tuet" in forms["fi"] and "Kaalmada Kela" not in forms["fi"]
    # not given in Arabic or English: the first one given of English, Finnish, Somali, Arabic
    assert "Kelan tuet" in forms["ar"] and "Kelan tuet" in forms["en"]
    # the seeded topics are still translated by their key
    assert "السكن" in forms["ar"] and "Guryaha" in forms["so"] and "Asuminen" in forms["fi"] and "Housing" in forms["en"]


def test_she_gives_the_missing_languages_later(app, auth, factory, liisa):
    coord, _id = liisa
    add_topic(coord, label_fi="Kelan tuet")
    with app.app_context():
        topic = next(t for t in rules.topics() if not t.seeded)
        housing = next(t for t in rules.topics() if t.key == "housing")
    url = f"{TOPICS}/{topic.id}"
    assert f'href="{url}"' in coord.get(TOPICS).get_data(as_text=True)
    html = coord.get(url).get_data(as_text=True)
    assert "Not written yet in: Somali, Arabic, English" in html and 'value="Kelan tuet"' in html
    assert 'lang="ar" ' in html and 'dir="rtl"' in html  # her Arabic is written right to left
    token = csrf_token(coord, url)
    response = coord.post(url, data={"csrf_token": token, "label_so": "Kaalmada Kela", "label_ar": "مساعدات كيلا",
                                     "label_fi": "Kelan tuet", "label_en": "Kela benefits"})
    assert response.status_code == 303
    assert own_topics(app) == [{"so": "Kaalmada Kela", "ar": "مساعدات كيلا", "fi": "Kelan tuet", "en": "Kela benefits"}]
    assert "All four languages" in coord.get(TOPICS).get_data(as_text=True)
    assert "مساعدات كيلا" in session_form(app, auth, factory, "ar")
    # every label emptied: refused, the labels stay
    response = coord.post(url, data={"csrf_token": token})
    assert response.status_code == 422
    assert "Please write the topic in at least one language." in response.get_data(as_text=True)
    assert own_topics(app)[0]["en"] == "Kela benefits"
    # a seeded topic is translated with the site: not changed here
    assert coord.get(f"{TOPICS}/{housing.id}").status_code == 404
    assert coord.post(f"{TOPICS}/{housing.id}", data={"csrf_token": token, "label_en": "Homes"}).status_code == 404
    assert coord.get(f"{TOPICS}/999999").status_code == 404


def test_a_topic_with_no_label_or_one_already_on_the_list_is_refused(app, liisa):
    coord, _id = liisa
    response = add_topic(coord)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Please write the topic in at least one language." in html
    assert 'aria-describedby="topic-labels-error"' in html
    response = add_topic(coord, label_fi="asuminen", label_en="Tenancy")  # Housing, in Finnish
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and html.count("This topic is already on the list.") == 1
    assert 'id="label_fi-error"' in html
    assert add_topic(coord, label_en=" Tenancy ").status_code == 200
    response = add_topic(coord, label_so="Kirada", label_en="tenancy")
    assert response.status_code == 422 and 'id="label_en-error"' in response.get_data(as_text=True)
    assert own_topics(app) == [{"en": "Tenancy"}]
    response = add_topic(coord, label_ar="س" * 81)
    assert response.status_code == 422 and "The name is too long." in response.get_data(as_text=True)


def test_only_the_coordinator_changes_a_topic(app, auth, factory, liisa):
    coord, _id = liisa
    add_topic(coord, label_fi="Kelan tuet")
    with app.app_context():
        topic_id = next(t.id for t in rules.topics() if not t.seeded)
    instructor, staff = auth.staff("deeqa", locale="fi")
    factory.workshop("so", instructor=staff)
    url = f"{TOPICS}/{topic_id}"
    assert instructor.get(url).status_code == 403
    assert instructor.post(url, data={"csrf_token": csrf_token(instructor, "/teach/"),
                                      "label_fi": "Minun"}).status_code == 403
    assert app.test_client().get(url).status_code == 302  # not signed in: to the sign-in page
    assert own_topics(app) == [{"fi": "Kelan tuet"}]


def test_the_upgrade_keeps_a_label_in_the_language_it_was_most_likely_typed_in(tmp_path, monkeypatch):
    """0031: an Arabic-script label goes to Arabic, any other to the coordinator's interface language."""
    url = f"sqlite:///{tmp_path / 'topics.sqlite3'}"
    monkeypatch.setenv("ASKEL_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="0023_counsel")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO users (id, role, display_name, username, password_hash, active, session_version, "
                "created_at, locale) VALUES (1, 'coordinator', 'Liisa', 'liisa', 'x', :t, 1, '2026-01-05', 'fi')"),
                {"t": True})
            conn.execute(sa.text("INSERT INTO counsel_topics (key, label, position, active) VALUES "
                                 "('own-1', 'Kelan tuet', 90, :t), ('own-2', 'مساعدات كيلا', 100, :t)"), {"t": True})
        upgrade(revision="heads")
        rows = {t.key: t.own_labels() for t in db.session.scalars(sa.select(Topic))}
        assert rows["own-1"] == {"fi": "Kelan tuet"} and rows["own-2"] == {"ar": "مساعدات كيلا"}
        assert rows["housing"] == {}
        db.session.remove()
        db.engine.dispose()
