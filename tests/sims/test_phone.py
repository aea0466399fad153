"""The practice pad of the Phone basics course: every page opens, every check reads what she did in
her sandbox (what she typed, pasted, sent, opened, chose), bad input gets a message and a retry, her
barcode is one the practice bank takes, and her photos are hers only and go with her sandbox."""
from __future__ import annotations

import io
import re

import pytest
from PIL import ExifTags, Image

from tests.conftest import csrf_token, sign_in
from workshop.curriculum import TASKS
from workshop.extensions import db
from workshop.models import User
from workshop.sims.bank import finance
from workshop.sims.phone import pad
from workshop.sims.phone.models import PhoneState

BASE = "/practice/phone"
PAGES = ["/", "/scroll", "/type", "/barcode", "/pay", "/photo", "/qr", "/address"]


def learner(app, factory, name="Amina", locale="en", language="so"):
    uid, code, _ = factory.learner(factory.workshop(language), name=name, locale=locale)
    client = app.test_client()
    assert sign_in(client, code).status_code == 303
    assert client.get(BASE + "/").status_code == 200  # her sandbox is seeded on the first visit
    return client, uid


def check(app, uid, name):
    with app.test_request_context():
        return TASKS[name](db.session.get(User, uid))


def state(app, uid) -> PhoneState:
    with app.app_context():
        row = db.session.get(PhoneState, uid)
        db.session.expunge(row)
        return row


def post(client, path, **data):
    return client.post(BASE + path, data={"csrf_token": csrf_token(client, BASE + path), **data})


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", (60.0, 10.0, 5.0)
    out = io.BytesIO()
    Image.new("RGB", (300, 400), "white").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize("locale", ["en", "so", "ar", "fi"])
def test_every_page_opens_in_every_locale(app, factory, locale):
    client, _uid = learner(app, factory, locale=locale)
    for page in PAGES:
        response = client.get(BASE + page)
        assert response.status_code == 200, page
        assert "Practice" in response.get_data(as_text=True) or locale != "en"


def test_every_check_before_the_practice_is_opened_says_open_it_first(app, factory):
    uid, _code, _ = factory.learner(factory.workshop())
    for name in ("phone.tapped_button", "phone.typed_text", "phone.pasted_barcode", "phone.sent_photo",
                 "phone.scanned_qr", "phone.chose_real_address"):
        result = check(app, uid, name)
        assert not result.done and "First open the practice" in result.hint, name


def test_tapping_the_button_at_the_end_of_the_long_page(app, factory):
    client, uid = learner(app, factory)
    page = client.get(BASE + "/scroll").get_data(as_text=True)
    assert page.index("Tap here") > page.rindex("Keep scrolling")  # the button is at the very end
    assert not check(app, uid, "phone.tapped_button").done
    assert post(client, "/scroll").status_code == 303
    assert check(app, uid, "phone.tapped_button").done
    first = state(app, uid).tapped_at
    post(client, "/scroll")
    assert state(app, uid).tapped_at == first  # tapped twice: the first time counts


@pytest.mark.parametrize("address, email, hint", [
    ("", "", "The box is empty"),
    ("männikkötie 5 b 12, 02230 espoo", pad.EMAIL, "capital letters"),
    ("Mannikkotie 5 B 12, 02230 Espoo", pad.EMAIL, "ä and ö"),
    (pad.ADDRESS, "hodan.farah.esimerkki.fi", "The @ sign is missing"),
    ("Männikkötie  5 B 12, 02230 Espoo", pad.EMAIL, "the spaces"),
    ("Männikkötie 5 B 12, 02230 Esbo", pad.EMAIL, "letter by letter"),
])
def test_typing_must_be_exact_and_says_what_to_look_at(app, factory, address, email, hint):
    client, uid = learner(app, factory)
    assert post(client, "/type", address=address, email=email).status_code == 303
    result = check(app, uid, "phone.typed_text")
    assert not result.done and hint in result.hint
    page = client.get(BASE + "/type").get_data(as_text=True)
    assert hint in page and 'aria-invalid="true"' in page  # she sees why on the page, and tries again


def test_typing_exactly_is_done_however_the_keyboard_encodes_a_umlaut(app, factory):
    client, uid = learner(app, factory)
    decomposed = pad.ADDRESS.replace("ä", "a\u0308").replace("ö", "o\u0308")
    post(client, "/type", address=f" {decomposed} ", email=pad.EMAIL)
    assert check(app, uid, "phone.typed_text").done
    assert "Right: exactly the same." in client.get(BASE + "/type").get_data(as_text=True)


def test_her_barcode_is_one_the_practice_bank_reads(app, factory):
    _client, uid = learner(app, factory)
    code = state(app, uid).barcode
    parsed = finance.parse_barcode(code)  # the bank's own parser: raises on a wrong barcode
    assert parsed.version == 4 and parsed.iban == pad.iban() and parsed.amount_cents == pad.AMOUNT_CENTS
    assert finance.validate_iban(pad.iban()) == pad.iban()
    assert code == finance.build_barcode(parsed.iban, parsed.amount_cents, parsed.reference, parsed.due)


def test_pasting_the_barcode_is_checked_exactly(app, factory):
    client, uid = learner(app, factory)
    code = state(app, uid).barcode
    assert code in client.get(BASE + "/barcode").get_data(as_text=True)
    for wrong, message in (("", "The box is empty"), (code[:27], "not the same number")):
        post(client, "/pay", barcode=wrong)
        assert not check(app, uid, "phone.pasted_barcode").done
        assert message in client.get(BASE + "/pay").get_data(as_text=True)
    post(client, "/pay", barcode=code)
    assert check(app, uid, "phone.pasted_barcode").done
    other, other_id = learner(app, factory, name="Sahra")  # her own barcode: Amina's does not do for her
    post(other, "/pay", barcode=code)
    assert check(app, other_id, "phone.pasted_barcode").done == (state(app, other_id).barcode == code)


def test_a_photo_is_checked_from_what_arrived_and_stored_only_in_her_sandbox(app, factory):
    client, uid = learner(app, factory)
    other, other_id = learner(app, factory, name="Sahra")
    assert not check(app, uid, "phone.sent_photo").done
    token = csrf_token(client, BASE + "/photo")
    refused = client.post(BASE + "/photo", data={"csrf_token": token, "photo": (io.BytesIO(b"%PDF-1.4"), "photo.jpg")})
    assert refused.status_code == 422 and "This file is not a photo" in refused.get_data(as_text=True)
    empty = client.post(BASE + "/photo", data={"csrf_token": token})
    assert empty.status_code == 422 and "No photo came" in empty.get_data(as_text=True)
    assert not check(app, uid, "phone.sent_photo").done
    sent = client.post(BASE + "/photo", data={"csrf_token": token, "photo": (io.BytesIO(jpeg_with_gps()), "IMG_1.jpg")})
    assert sent.status_code == 303
    assert check(app, uid, "phone.sent_photo").done and not check(app, other_id, "phone.sent_photo").done
    page = client.get(BASE + "/photo").get_data(as_text=True)
    url = re.search(r'src="(/practice/photos/phone/[^"]+)"', page).group(1)
    photo = client.get(url)
    assert photo.status_code == 200 and photo.headers["Cache-Control"] == "private, no-store"
    assert b"Exif" not in photo.data
    assert other.get(url).status_code == 404
    token = csrf_token(client, "/practice/reset/phone")
    client.post("/practice/reset/phone", data={"csrf_token": token, "confirm": "yes"})
    assert client.get(url).status_code == 404
    client.get(BASE + "/")
    assert not check(app, uid, "phone.sent_photo").done


def test_a_photo_too_big_comes_back_with_her_message_in_her_language(app, factory):
    client, _uid = learner(app, factory, locale="so")
    token = csrf_token(client, BASE + "/photo")
    big = io.BytesIO(b"\xff\xd8" + b"\0" * (11 * 1024 * 1024))
    answer = client.post(BASE + "/photo", data={"csrf_token": token, "photo": (big, "big.jpg")})
    assert answer.status_code == 303 and answer.location.endswith(BASE + "/photo")
    assert "Sawirku aad buu u weyn yahay" in client.get(answer.location).get_data(as_text=True)


def test_the_qr_code_opens_her_practice_and_only_its_own_address_counts(app, factory):
    client, uid = learner(app, factory)
    picture = client.get("/media/phone/practice-qr.svg")
    assert picture.status_code == 200 and picture.mimetype == "image/svg+xml"
    assert client.get(BASE + "/qr/guess").status_code == 404
    assert not check(app, uid, "phone.scanned_qr").done
    assert pad.QR_CODE not in client.get(BASE + "/qr").get_data(as_text=True)  # no link to tap instead
    assert client.get(f"{BASE}/qr/{pad.QR_CODE}").status_code == 200
    assert check(app, uid, "phone.scanned_qr").done


def test_choosing_the_real_address(app, factory):
    client, uid = learner(app, factory)
    post(client, "/address", address="nonsense")
    assert "Please choose one of the three addresses." in client.get(BASE + "/address").get_data(as_text=True)
    post(client, "/address", address="maksu")
    result = check(app, uid, "phone.chose_real_address")
    assert not result.done and "kela.fi" in result.hint
    post(client, "/address", address=pad.REAL_ADDRESS)
    assert check(app, uid, "phone.chose_real_address").done


def test_deleting_her_deletes_her_practice_and_photos(app, factory, auth):
    teacher_client, tid = auth.staff("deeqa", locale="en")
    wid = factory.workshop(instructor=tid)
    uid, code, _ = factory.learner(wid)
    client = app.test_client()
    sign_in(client, code)
    client.get(BASE + "/")
    token = csrf_token(client, BASE + "/photo")
    client.post(BASE + "/photo", data={"csrf_token": token, "photo": (io.BytesIO(jpeg_with_gps()), "a.jpg")})
    with app.app_context():
        assert app.extensions["askel_sims"]["phone"].photos(uid)
    listing = teacher_client.get(f"/teach/groups/{wid}/learners/{uid}/photos").get_data(as_text=True)
    assert "/photos/phone/" in listing
    url = f"/teach/groups/{wid}/learners/{uid}/delete"
    assert teacher_client.post(url, data={"csrf_token": csrf_token(teacher_client, url)}).status_code == 303
    with app.app_context():
        assert db.session.get(PhoneState, uid) is None
        assert app.extensions["askel_sims"]["phone"].photos(uid) == []


def test_a_double_tap_on_send_keeps_one_photo(app, factory):
    client, uid = learner(app, factory)
    page = client.get(BASE + "/photo").get_data(as_text=True)
    key = re.search(r'name="once" value="([0-9a-f]+)"', page).group(1)  # web.once_field, drawn with the form
    token = csrf_token(client, BASE + "/photo")
    for _ in range(2):
        sent = client.post(BASE + "/photo", data={"csrf_token": token, "once": key,
                                                  "photo": (io.BytesIO(jpeg_with_gps()), "IMG_1.jpg")})
        assert sent.status_code == 303 and sent.location.endswith(BASE + "/photo")
    with app.app_context():
        assert len(app.extensions["askel_sims"]["phone"].photos(uid)) == 1


def test_a_camera_that_opens_another_browser_comes_back_to_the_qr_address_after_sign_in(app, factory):
    """Her camera app may open the address in a browser where she is not signed in: she signs in there,
    and lands on the practice QR address, which then counts."""
    uid, code, _ = factory.learner(factory.workshop())
    client = app.test_client()
    assert client.get(f"{BASE}/qr/{pad.QR_CODE}").status_code == 302
    signed_in = sign_in(client, code)
    assert signed_in.status_code == 303 and signed_in.location.endswith(f"{BASE}/qr/{pad.QR_CODE}")
    assert client.get(signed_in.location).status_code == 200
    assert check(app, uid, "phone.scanned_qr").done


def test_a_father_types_a_mans_e_mail_address(app, factory):
    """The practice family's e-mail address is a woman's; a father, whom the texts address as a man, types
    a man's (the page shows it, and the check asks for it)."""
    from workshop import address

    client, uid = learner(app, factory, name="Abdi")
    with app.app_context():
        db.session.get(User, uid).address = address.MASCULINE
        db.session.commit()
    assert pad.EMAIL_MASCULINE in client.get(BASE + "/type").get_data(as_text=True)
    post(client, "/type", address=pad.ADDRESS, email=pad.EMAIL)
    assert not check(app, uid, "phone.typed_text").done
    post(client, "/type", address=pad.ADDRESS, email=pad.EMAIL_MASCULINE)
    assert check(app, uid, "phone.typed_text").done
    page = client.get(BASE + "/type").get_data(as_text=True)
    assert pad.EMAIL not in page and "Right: exactly the same." in page
