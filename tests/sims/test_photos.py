"""Photos a learner sends in a practice (workshop/sims/photos.py): only pictures, not too big, re-encoded
without any metadata (no GPS location), shown only to her and her instructor, gone with her sandbox."""
from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from PIL import ExifTags, Image

from tests.conftest import csrf_token
from workshop.extensions import db
from workshop.sims import photos
from workshop.storage import StoredFile

SIM = "mail"  # any registered service: photos are kept per service and learner


def picture(fmt="JPEG", size=(64, 48), gps=False, orientation=None, color=(200, 30, 30)) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    if gps:
        exif[ExifTags.Base.Make] = "PhoneMaker"
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps_ifd[ExifTags.GPS.GPSLatitude] = (60.0, 12.0, 30.0)
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps_ifd[ExifTags.GPS.GPSLongitude] = (25.0, 4.0, 10.0)
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes()) if (gps or orientation) else image.save(out, fmt)
    return out.getvalue()


class Upload:
    """What request.files gives a view (werkzeug's FileStorage, as far as photos.read looks)."""

    def __init__(self, data: bytes, filename="photo.jpg"):
        self.stream, self.filename, self.content_length = io.BytesIO(data), filename, len(data)


def test_the_gps_location_and_every_other_tag_are_gone():
    sent = picture(gps=True)
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test's photo has one
    kept = photos.clean(sent)
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG"
    assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    assert b"Exif" not in kept and b"PhoneMaker" not in kept


def test_it_is_turned_upright_and_shrunk_for_a_small_data_plan():
    kept = Image.open(io.BytesIO(photos.clean(picture(size=(4000, 3000)))))
    assert max(kept.size) == photos.LONG_SIDE and kept.size == (1600, 1200)
    upright = Image.open(io.BytesIO(photos.clean(picture(size=(80, 40), orientation=6))))  # held sideways
    assert upright.size == (40, 80)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_taken_and_kept_as_jpeg(fmt):
    assert Image.open(io.BytesIO(photos.clean(picture(fmt)))).format == "JPEG"


def test_a_transparent_png_gets_a_white_background():
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, "PNG")
    assert Image.open(io.BytesIO(photos.clean(out.getvalue()))).getpixel((5, 5)) >= (250, 250, 250)


@pytest.mark.parametrize("data", [
    b"%PDF-1.7 not a picture", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"GIF89a" + b"\0" * 40,
    picture()[:200],  # a JPEG cut short
])
def test_what_is_not_a_jpeg_png_or_webp_picture_is_refused_by_its_content(data):
    with pytest.raises(photos.PhotoError) as refused:
        photos.clean(data)
    assert refused.value.message == photos.NOT_A_PHOTO


def test_a_gif_named_like_a_jpeg_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(photos.PhotoError):
        photos.read(Upload(out.getvalue(), "photo.jpg")) and photos.clean(out.getvalue())


def test_a_decompression_bomb_is_refused_from_its_header():
    out = io.BytesIO()
    Image.new("1", (8_000, 8_000)).save(out, "PNG")  # 64 megapixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    with pytest.raises(photos.PhotoError) as refused:
        photos.clean(out.getvalue())
    assert refused.value.message == photos.NOT_A_PHOTO


def test_too_big_and_nothing_at_all_are_refused_before_decoding():
    with pytest.raises(photos.PhotoError) as refused:
        photos.read(Upload(b"\xff\xd8" + b"\0" * photos.MAX_BYTES))
    assert refused.value.message == photos.TOO_BIG
    for nothing in (None, Upload(b"", filename="")):
        with pytest.raises(photos.PhotoError) as refused:
            photos.read(nothing)
        assert refused.value.message == photos.NO_PHOTO


def _save(app, learner_id: int, data: bytes | None = None) -> str:
    with app.test_request_context():
        name = photos.save(SIM, learner_id, Upload(data or picture(gps=True)))
        db.session.commit()
        return name


def test_only_she_and_her_instructor_see_her_photo(app, auth, teacher, other_teacher, coordinator):
    teacher_client, _tid, wid = teacher
    her, uid, _code = auth.learner(wid)
    other, _other_id, _ = auth.learner(name="Sahra")  # another group
    name = _save(app, uid)

    mine = her.get(f"/practice/photos/{SIM}/{name}")
    assert mine.status_code == 200 and mine.mimetype == "image/jpeg"
    assert mine.headers["Cache-Control"] == "private, no-store"
    assert b"Exif" not in mine.data
    assert other.get(f"/practice/photos/{SIM}/{name}").status_code == 404
    assert her.get(f"/practice/photos/nosuch/{name}").status_code == 404
    assert her.get(f"/practice/photos/{SIM}/..%2F..%2Fsecret").status_code == 404

    listing = f"/teach/groups/{wid}/learners/{uid}/photos"
    page = teacher_client.get(listing)
    assert page.status_code == 200 and name in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    shown = teacher_client.get(f"{listing}/{SIM}/{name}")
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "private, no-store"
    assert shown.data == mine.data
    assert coordinator[0].get(f"{listing}/{SIM}/{name}").status_code == 200
    other_instructor = other_teacher[0]
    assert other_instructor.get(listing).status_code == 404
    assert other_instructor.get(f"{listing}/{SIM}/{name}").status_code == 404
    assert teacher_client.get(f"/practice/photos/{SIM}/{name}").status_code == 403  # not the learners' route
    assert app.test_client().get(f"/practice/photos/{SIM}/{name}").status_code == 302  # to sign in


def test_starting_the_practice_again_deletes_her_photos_only(app, auth):
    her, uid, _ = auth.learner()
    _other, other_id, _ = auth.learner(name="Sahra")
    name, kept = _save(app, uid), _save(app, other_id)
    with app.app_context():
        assert app.extensions["askel_sims"][SIM].export(uid)["photos"] == [{"name": name}]
    token = csrf_token(her, f"/practice/reset/{SIM}")
    assert her.post(f"/practice/reset/{SIM}", data={"csrf_token": token, "confirm": "yes"}).status_code == 303
    assert her.get(f"/practice/photos/{SIM}/{name}").status_code == 404
    with app.app_context():
        assert app.extensions["askel_sims"][SIM].photos(uid) == []
        assert app.extensions["askel_sims"][SIM].photos(other_id) == [kept]


def test_deleting_her_deletes_her_photos(app, auth, teacher):
    teacher_client, _tid, wid = teacher
    _her, uid, _ = auth.learner(wid)
    _save(app, uid)
    url = f"/teach/groups/{wid}/learners/{uid}/delete"
    assert teacher_client.post(url, data={"csrf_token": csrf_token(teacher_client, url)}).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(StoredFile)
                                 .where(StoredFile.name.like(f"sims/%/{uid}/%"))) == 0


def test_a_photo_view_takes_a_photo_larger_than_the_site_limit_and_tells_her_when_too_big(app, learner_client, monkeypatch):
    """A view marked @takes_photo may receive REQUEST_BYTES (the limit is set before the CSRF check reads
    the form); more is answered with her message on the page she came from, never the 413 page."""
    client, _uid, _ = learner_client
    view = app.view_functions["mail.send"]
    monkeypatch.setattr(view, photos.ATTRIBUTE, True, raising=False)
    token = csrf_token(client, "/practice/mail/compose")
    def three_mb():
        return {"csrf_token": token, "photo": (io.BytesIO(b"\0" * 3 * 1024 * 1024), "p.jpg")}

    assert client.post("/practice/mail/compose", data=three_mb()).status_code != 413
    too_big = {"csrf_token": token, "photo": (io.BytesIO(b"\0" * (photos.REQUEST_BYTES + 1)), "p.jpg")}
    answer = client.post("/practice/mail/compose", data=too_big)
    assert answer.status_code == 303 and answer.location.endswith("/practice/mail/compose")
    assert "The photo is too big" in client.get(answer.location).get_data(as_text=True)
    monkeypatch.delattr(view, photos.ATTRIBUTE)
    assert client.post("/practice/mail/compose", data=three_mb()).status_code == 413  # elsewhere: the site's limit


def _heic(gps: bool = True, size=(96, 64)) -> bytes:
    """A photo as an iPhone keeps it (HEIC), with a GPS location in its EXIF."""
    import pillow_heif

    image = Image.open(io.BytesIO(picture(size=size, gps=gps)))
    heif = pillow_heif.from_pillow(image)
    out = io.BytesIO()
    heif.save(out, format="HEIF", quality=60, exif=image.getexif().tobytes() if gps else None)
    return out.getvalue()


def test_an_iphone_heic_photo_is_taken_and_kept_as_a_jpeg_without_its_location():
    sent = _heic()
    assert sent[4:12] in (b"ftypheic", b"ftypmif1", b"ftypheix")  # really HEIC, not a JPEG in disguise
    assert b"PhoneMaker" in sent  # the test's photo carries its EXIF (the maker, the GPS location)
    kept = photos.clean(sent)
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG" and image.size == (96, 64)
    assert not image.getexif() and b"Exif" not in kept and b"PhoneMaker" not in kept


@pytest.mark.parametrize("locale,words", [("en", "or HEIC picture"), ("so", "ama HEIC"), ("ar", "أو HEIC")])
def test_the_page_checks_a_photo_before_sending_it_in_her_language(auth, locale, words):
    """The file input carries the server's own limit and messages for static/js/photo.js (which refuses a
    file too big or not a picture, nothing sent); without JavaScript the server's answer says the same."""
    client, _uid, _code = auth.learner(locale=locale)
    html = client.get("/practice/phone/photo").get_data(as_text=True)
    assert f'data-max-bytes="{photos.MAX_BYTES}"' in html and "image/heic" in html and "js/photo.js" in html
    assert words in html  # the "not a photo" message, in her language, ready before anything is sent
    token = csrf_token(client, "/practice/phone/photo")
    answer = client.post("/practice/phone/photo", data={"csrf_token": token, "photo": (io.BytesIO(b"%PDF-1.4"), "letter.pdf")},
                         content_type="multipart/form-data")
    assert answer.status_code == 422 and words in answer.get_data(as_text=True)


def test_a_service_keeps_at_most_max_kept_photos_and_she_is_told_why_in_her_language(app, auth, monkeypatch):
    """A script sending photo after photo could fill the database (each up to ~1 MB kept) and keep the
    server decoding: one service keeps MAX_KEPT of hers; one more is refused before it is decoded, with
    the way on (starting the practice again empties it). Another service counts its own."""
    monkeypatch.setattr(photos, "MAX_KEPT", 3)
    her, uid, _ = auth.learner(locale="so")

    def send():
        token = csrf_token(her, "/practice/phone/photo")
        return her.post("/practice/phone/photo", data={"csrf_token": token, "photo": (io.BytesIO(picture()), "p.jpg")})

    assert [send().status_code for _n in range(3)] == [303, 303, 303]
    refused = send()
    assert refused.status_code == 422
    with app.test_request_context():
        with force_locale("en"):
            english = str(photos.TOO_MANY)
        with force_locale("so"):
            somali = str(photos.TOO_MANY)
        assert len(app.extensions["askel_sims"]["phone"].photos(uid)) == 3
    assert somali != english and somali in refused.get_data(as_text=True)
    assert _save(app, uid)  # another service keeps its own
    token = csrf_token(her, "/practice/reset/phone")
    assert her.post("/practice/reset/phone", data={"csrf_token": token, "confirm": "yes"}).status_code == 303
    assert send().status_code == 303


def test_sending_photo_after_photo_is_paused_per_learner_before_decoding(app, auth, monkeypatch):
    """A file that fails late in decoding is never kept, so the cap on kept photos does not stop a script
    sending one after another, each costing the server up to a second: SENDS an hour per learner, kept or
    refused, in every service together; then she is told to wait, in her language. Another learner (a
    room of tablets shares one address) sends as before."""
    from limits import parse

    monkeypatch.setattr(photos, "SENDS", parse("3 per hour"))
    decoded = []
    real_clean = photos.clean
    monkeypatch.setattr(photos, "clean", lambda data: decoded.append(1) or real_clean(data))
    her, uid, _ = auth.learner(locale="ar")
    neighbour, neighbour_id, _ = auth.learner(name="Sahra", locale="en")

    def send(client, data):
        token = csrf_token(client, "/practice/phone/photo")
        return client.post("/practice/phone/photo", data={"csrf_token": token, "photo": (io.BytesIO(data), "p.jpg")})

    assert [send(her, b"not a photo at all").status_code for _n in range(2)] == [422, 422]
    assert send(her, picture()).status_code == 303
    paused = send(her, picture())
    assert paused.status_code == 422 and len(decoded) == 3  # the fourth was never decoded
    with app.test_request_context():
        with force_locale("ar"):
            arabic = str(photos.TOO_OFTEN)
        with force_locale("en"):
            assert arabic != str(photos.TOO_OFTEN)
        assert len(app.extensions["askel_sims"]["phone"].photos(uid)) == 1
        assert len(app.extensions["askel_sims"]["phone"].photos(neighbour_id)) == 0
    assert arabic in paused.get_data(as_text=True)
    assert send(neighbour, picture()).status_code == 303
