"""Tablet sign-in: picture passwords, set-up devices, the group boundary and the rate limit."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_token, staff_client
from tests.auth.helpers import CHOSEN_RE, set_pictures, set_up_tablet, tap
from workshop.auth.tablet_models import (
    PICTURES, PicturePassword, TabletDevice, check_picture_password, set_picture_password, valid_pictures,
)
from workshop.auth.throttle import ITEMS
from workshop.extensions import db
from workshop.models import Role, User


@pytest.fixture
def room(app, factory):
    """A Somali group (Deeqa) and an Arabic group (Rasha), one learner each, pictures chosen."""
    deeqa = factory.staff("deeqa")
    rasha = factory.staff("rasha")
    somali = factory.workshop("so", name="Somali group", instructor=deeqa)
    arabic = factory.workshop("ar", name="Arabic group", instructor=rasha)
    amina, _code, _ = factory.learner(somali, name="Amina")
    layla, _code, _ = factory.learner(arabic, name="Layla")
    set_pictures(app, amina, (2, 7, 0))
    set_pictures(app, layla, (1, 1, 1))
    return {"deeqa": deeqa, "rasha": rasha, "somali": somali, "arabic": arabic, "amina": amina, "layla": layla}


# --- the picture password ------------------------------------------------------------------------

def test_picture_password_is_hashed_salted_with_the_learner_and_checked_in_order(app, room):
    with app.app_context():
        row = db.session.get(PicturePassword, room["amina"])
        assert "2-7-0" not in row.password_hash
        assert check_picture_password(row, [2, 7, 0])
        assert not check_picture_password(row, [0, 7, 2])  # order matters
        assert not check_picture_password(row, [2, 7])
        assert not check_picture_password(row, [2, 7, 0, 1])
        assert not check_picture_password(row, [2, 7, 12])
        assert not check_picture_password(None, [2, 7, 0])
        # the same pictures for another learner give a hash that does not work for her
        other = db.session.get(PicturePassword, room["layla"])
        set_picture_password(room["layla"], [2, 7, 0])
        assert other.password_hash != row.password_hash
        moved = PicturePassword(learner_id=room["layla"], password_hash=row.password_hash)
        assert not check_picture_password(moved, [2, 7, 0])


@pytest.mark.parametrize("bad", [[], [1, 2], [1, 2, 3, 4], [0, 1, 12], [-1, 0, 1], ["1", 2, 3], [True, 1, 2], "1-2-3", None])
def test_only_three_of_the_twelve_pictures_make_a_password(bad):
    assert not valid_pictures(bad)
    with pytest.raises(ValueError):
        set_picture_password(1, bad)


def test_twelve_distinct_pictures_exist_as_files(app):
    from pathlib import Path

    assert len(set(PICTURES)) == 12
    folder = Path(app.static_folder) / "img" / "pictures"
    for name in PICTURES:
        svg = (folder / f"{name}.svg").read_text()
        assert "viewBox" in svg and "<text" not in svg


# --- devices ----------------------------------------------------------------------------------

def test_without_a_set_up_tablet_picture_sign_in_is_refused(app, client, room):
    for path in ("/tablet/", f"/tablet/learners/{room['amina']}"):
        response = client.get(path)
        assert response.status_code == 403
        assert "This tablet is not set up" in response.get_data(as_text=True)
    token = csrf_token(client, "/sign-in")
    response = client.post(f"/tablet/learners/{room['amina']}", data={"picture": "2", "csrf_token": token})
    assert response.status_code == 403


def test_a_forged_or_removed_device_cookie_is_refused(app, room):
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    assert tablet.get("/tablet/").status_code == 200
    forged = app.test_client()
    forged.set_cookie("askel_tablet", "not-signed-at-all")
    assert forged.get("/tablet/").status_code == 403
    # the instructor removes the tablet from another device: its cookie stops working
    deeqa = staff_client(app, "deeqa")
    with app.app_context():
        device_id = db.session.scalar(db.select(TabletDevice.id))
    response = deeqa.post(f"/tablet/setup/{room['somali']}/devices/{device_id}/remove", data={"csrf_token": csrf_token(deeqa)})
    assert response.status_code == 303
    assert tablet.get("/tablet/").status_code == 403


def test_device_token_is_stored_hashed_and_the_cookie_is_httponly(app, room):
    deeqa = staff_client(app, "deeqa")
    response = deeqa.post(f"/tablet/setup/{room['somali']}", data={"csrf_token": csrf_token(deeqa)})
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("askel_tablet="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=" in header
    value = header.split(";")[0].split("=", 1)[1]
    with app.app_context():
        device = db.session.scalar(db.select(TabletDevice))
        assert device.workshop_id == room["somali"]
        assert device.token_digest not in value and len(device.token_digest) == 64


def test_set_up_needs_csrf_and_her_own_group(app, room):
    deeqa = staff_client(app, "deeqa")
    assert deeqa.post(f"/tablet/setup/{room['somali']}").status_code == 400
    assert deeqa.get(f"/tablet/setup/{room['arabic']}").status_code == 404
    assert deeqa.post(f"/tablet/setup/{room['arabic']}", data={"csrf_token": csrf_token(deeqa)}).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(TabletDevice.id))) == 0


def test_names_page_shows_only_her_group_and_no_progress_or_codes(app, room, factory):
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    html = tablet.get("/tablet/").get_data(as_text=True)
    assert "Amina" in html and "Layla" not in html
    for leak in ("code", "progress", "step", "done"):
        assert leak not in html.split('<main id="main"', 1)[1].lower().replace("sign in with my code", "")


# --- signing in -------------------------------------------------------------------------------

def test_learner_signs_in_with_her_three_pictures_not_remembered(app, room):
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    response = tap(tablet, room["amina"], [2, 7, 0])
    assert response.status_code == 303 and response.headers["Location"].endswith("/home")
    assert tablet.get_cookie("remember_token") is None
    assert tablet.get("/home").status_code == 200
    # signing out on the tablet brings the names back for the next learner
    response = tablet.post("/sign-out", data={"csrf_token": csrf_token(tablet)})
    assert response.headers["Location"].endswith("/tablet/")
    assert tablet.get("/home").status_code == 302


def test_each_tap_carries_a_signed_list_that_cannot_be_forged(app, room):
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    path = f"/tablet/learners/{room['amina']}"
    token = csrf_token(tablet)
    first = tablet.post(path, data={"csrf_token": token, "chosen": "", "picture": "2"})
    chosen = CHOSEN_RE.search(first.get_data(as_text=True)).group(1)
    from flask_babel import force_locale, gettext, ngettext

    with app.test_request_context(), force_locale("so"):  # the tablet speaks the group's language
        one_of_three = ngettext("%(done)s of %(num)s picture", "%(done)s of %(num)s pictures", 3, done=1)
        again = gettext("Something went wrong. Please tap your three pictures again.")
    assert chosen and one_of_three in first.get_data(as_text=True)
    # a hand-made list of two pictures is not accepted
    forged = tablet.post(path, data={"csrf_token": token, "chosen": "[2, 7]", "picture": "0"})
    assert forged.status_code == 200 and again in forged.get_data(as_text=True)  # in her group's language
    # nor is another learner's list, nor a picture out of range
    assert again in tablet.post(path, data={"csrf_token": token, "chosen": chosen, "picture": "12"}).get_data(as_text=True)
    assert tablet.get("/home").status_code == 302


def test_wrong_pictures_give_a_clear_message_in_the_groups_language(app, room):
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    tablet.set_cookie("askel_lang", "en")  # the tablet's language is not hers (issue 15 item 1)
    response = tap(tablet, room["amina"], [0, 7, 2])
    assert response.status_code == 200
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("so"):
        wrong = gettext("Those pictures are not right. Try again, or ask your instructor.")
    assert wrong in response.get_data(as_text=True) and 'lang="so"' in response.get_data(as_text=True)
    assert tablet.get("/home").status_code == 302
    tablet.delete_cookie("askel_lang")
    assert 'lang="so"' in tablet.get("/tablet/").get_data(as_text=True)  # no choice made: the group's language


def test_a_device_of_group_a_cannot_sign_in_a_learner_of_group_b(app, room):
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    assert tablet.get(f"/tablet/learners/{room['layla']}").status_code == 404
    token = csrf_token(tablet)
    for picture in (1, 1, 1):
        response = tablet.post(f"/tablet/learners/{room['layla']}", data={"csrf_token": token, "picture": str(picture)})
        assert response.status_code == 404
    assert tablet.get("/home").status_code == 302
    # and Deeqa cannot set up a tablet for Rasha's group nor set Layla's pictures
    deeqa = staff_client(app, "deeqa")
    assert deeqa.get(f"/tablet/pictures/{room['layla']}").status_code == 404


def test_wrong_pictures_are_limited_per_learner_then_429(app, room):
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    tablet.set_cookie("askel_lang", "en")
    for _ in range(ITEMS["picture-learner"].amount):
        assert tap(tablet, room["amina"], [0, 0, 0]).status_code == 200
    # 1 728 combinations are too few to go on checking: even the right pictures wait now
    blocked = tap(tablet, room["amina"], [2, 7, 0])
    assert blocked.status_code == 429
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("so"):  # hers, not the tablet's English
        title = gettext("Too many tries")
    assert title in blocked.get_data(as_text=True) and 'lang="so"' in blocked.get_data(as_text=True)
    assert tablet.get("/home").status_code == 302


def test_intermediate_taps_and_right_answers_do_not_use_up_the_limit(app, room):
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    for _ in range(12):
        assert tap(tablet, room["amina"], [2, 7, 0]).status_code == 303
        tablet.post("/sign-out", data={"csrf_token": csrf_token(tablet)})


def test_the_learner_limit_holds_on_every_tablet_of_the_group(app, room, factory):
    """A second tablet gives no new tries on the same learner; other learners still sign in."""
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    for _ in range(ITEMS["picture-learner"].amount):
        tap(tablet, room["amina"], [0, 0, 0])
    other = set_up_tablet(app, "deeqa", room["somali"])
    assert tap(other, room["amina"], [2, 7, 0]).status_code == 429
    hodan, _code, _ = factory.learner(room["somali"], name="Hodan", locale="en")  # she reads English
    set_pictures(app, hodan, (5, 5, 5))
    assert tap(other, hodan, [5, 5, 5]).status_code == 303


def test_group_limit_across_learners_and_the_instructor_allows_again(app, room, factory):
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    learners = [factory.learner(room["somali"], name=f"L{n}")[0] for n in range(ITEMS["picture-group"].amount + 1)]
    for learner in learners:
        set_pictures(app, learner, (3, 3, 3))
    for learner in learners[:-1]:  # one slip each, spread over the group
        assert tap(tablet, learner, [0, 0, 0]).status_code == 200
    assert tap(tablet, learners[-1], [3, 3, 3]).status_code == 429
    deeqa = staff_client(app, "deeqa")
    page = deeqa.get(f"/tablet/setup/{room['somali']}").get_data(as_text=True)
    assert "Picture sign-in is paused for this group" in page
    response = deeqa.post(f"/tablet/setup/{room['somali']}",
                          data={"csrf_token": csrf_token(deeqa), "allow_pictures": "1"})
    assert response.status_code == 303
    assert "Picture sign-in is paused" not in deeqa.get(f"/tablet/setup/{room['somali']}").get_data(as_text=True)
    assert tap(tablet, learners[-1], [3, 3, 3]).status_code == 303


def test_new_pictures_may_be_tried_at_once(app, room):
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    for _ in range(ITEMS["picture-learner"].amount):
        tap(tablet, room["amina"], [0, 0, 0])
    deeqa = staff_client(app, "deeqa")
    deeqa.post(f"/tablet/pictures/{room['amina']}", data={
        "csrf_token": csrf_token(deeqa), "picture1": "4", "picture2": "4", "picture3": "4"})
    assert tap(tablet, room["amina"], [4, 4, 4]).status_code == 303


def test_learner_without_pictures_is_told_to_ask(app, room, factory):
    hodan, _code, _ = factory.learner(room["somali"], name="Hodan", locale="en")  # she reads English
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    tablet.set_cookie("askel_lang", "en")
    html = tablet.get(f"/tablet/learners/{hodan}").get_data(as_text=True)
    assert "You do not have pictures yet" in html and 'name="picture"' not in html


def test_deactivated_learner_is_not_listed(app, room):
    with app.app_context():
        db.session.get(User, room["amina"]).active = False
        db.session.commit()
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    assert "Amina" not in tablet.get("/tablet/").get_data(as_text=True)
    assert tablet.get(f"/tablet/learners/{room['amina']}").status_code == 404


# --- the instructor sets pictures -----------------------------------------------------------------

def test_instructor_sets_and_resets_pictures(app, room):
    deeqa = staff_client(app, "deeqa")
    path = f"/tablet/pictures/{room['amina']}"
    response = deeqa.post(path, data={"csrf_token": csrf_token(deeqa), "picture1": "5", "picture2": "11"})
    assert response.status_code == 200 and "Please choose a picture." in response.get_data(as_text=True)
    response = deeqa.post(path, data={"csrf_token": csrf_token(deeqa), "picture1": "5", "picture2": "11", "picture3": "4"})
    html = response.get_data(as_text=True)
    assert "Saved" in html and "Star" in html and "Moon" in html and "House" in html
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    assert tap(tablet, room["amina"], [2, 7, 0]).status_code == 200  # the old pictures no longer work
    assert tap(tablet, room["amina"], [5, 11, 4]).status_code == 303


def test_random_pictures_and_bad_values_give_no_500(app, room):
    deeqa = staff_client(app, "deeqa")
    path = f"/tablet/pictures/{room['amina']}"
    assert "Saved" in deeqa.post(path, data={"csrf_token": csrf_token(deeqa), "random": "1"}).get_data(as_text=True)
    response = deeqa.post(path, data={"csrf_token": csrf_token(deeqa), "picture1": "99", "picture2": "x", "picture3": "-1"})
    assert response.status_code == 200 and "Please choose a picture." in response.get_data(as_text=True)


def test_coordinator_may_set_up_any_group(app, room, factory):
    factory.staff("liisa", role=Role.COORDINATOR)
    liisa = staff_client(app, "liisa")
    assert liisa.get(f"/tablet/setup/{room['arabic']}").status_code == 200
    assert liisa.get(f"/tablet/pictures/{room['layla']}").status_code == 200


def test_after_the_staff_member_signs_out_the_tablets_front_page_is_the_names(app, room):
    """Issue 15, item 20: `/` on a set-up tablet showed the language chooser instead of the names."""
    tablet = set_up_tablet(app, "deeqa", room["somali"])
    front = tablet.get("/", follow_redirects=True)
    assert front.request.path == "/tablet/" and "Amina" in front.get_data(as_text=True)
    assert app.test_client().get("/").request.path == "/"  # an ordinary browser still chooses a language first


def test_saving_her_first_pictures_does_not_speak_of_old_ones(app, factory):
    """Issue 15, item 20: saving a learner's first pictures said "Her old pictures no longer work"."""
    wid = factory.workshop("so", name="Somali group", instructor=factory.staff("deeqa"))
    hodan, _code, _ = factory.learner(wid, name="Hodan")
    client = staff_client(app, "deeqa")
    url = f"/tablet/pictures/{hodan}"
    first = client.post(url, data={"csrf_token": csrf_token(client), "picture1": "2", "picture2": "7", "picture3": "0"})
    assert "Saved." in first.get_data(as_text=True)
    assert "Her old pictures no longer work." not in first.get_data(as_text=True)
    again = client.post(url, data={"csrf_token": csrf_token(client), "picture1": "1", "picture2": "1", "picture3": "1"})
    assert "Her old pictures no longer work." in again.get_data(as_text=True)
