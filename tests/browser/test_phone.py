"""The Phone basics course in a real browser: a Somali learner on a 360-px phone and an Arabic learner
on a tablet, with JavaScript on and off, each finishes a lesson through its practice: the photo of a
document sent through the file input (Playwright's set_input_files), and the barcode copied on one
screen and pasted on another with the keyboard's copy and paste. axe on every practice page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from PIL import ExifTags, Image

from tests.browser.conftest import PHONE, TABLET, sign_in, staff_page, walk_lesson
from workshop.sims import discover

discover()  # the practice steps' task checks exist before the app loads the lessons

pytestmark = pytest.mark.browser
BASE = "/practice/phone"
PAGES = ["/", "/scroll", "/type", "/barcode", "/pay", "/photo", "/qr", "/address"]
DEVICES = {"so": PHONE, "ar": TABLET}


def document_photo(folder) -> str:
    """A photo of a 'document', as a phone's camera makes it: a JPEG with a GPS location."""
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", (60.0, 12.0, 1.0)
    path = folder / "IMG_0001.jpg"
    Image.new("RGB", (1200, 1600), "white").save(path, "JPEG", exif=exif.tobytes())
    return str(path)


def play(page, app, live_server, lesson_id: str, practise) -> None:
    """Her way through a Phone basics lesson (walk_lesson): every step shows its picture, and Check
    before the practice is done says "not yet"."""
    def has_picture(page, step):
        assert page.locator("figure.picture img").count() >= 1, step.id

    def where_it_starts(page, step):
        page.wait_for_url(re.compile(rf".*{BASE}/{step.start}$"))
        practise(page, step)

    walk_lesson(page, app, live_server, "phone", lesson_id, where_it_starts, every_step=has_picture, check_first=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("locale", ["so", "ar"])
def test_she_photographs_a_document_and_sends_it(app, factory, live_server, browser, tmp_path, locale, javascript):
    uid, code, _ = factory.learner(factory.workshop(locale), name="Amina", locale=locale)
    context = browser.new_context(**DEVICES[locale], java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server, code)
    assert page.evaluate("document.documentElement.lang") == locale
    assert page.evaluate("document.documentElement.dir") == ("rtl" if locale == "ar" else "ltr")
    photo = document_photo(tmp_path)

    def send_photo(page, step):
        field = page.locator("input[type=file][name=photo]")
        assert field.get_attribute("accept") == "image/*" and field.get_attribute("capture") == "environment"
        # the browser's own file button (in the phone's language) is behind a button in hers
        assert field.bounding_box()["width"] <= 1 and page.locator(".photo-button").is_visible()
        assert page.locator(".photo-none").is_visible() and not page.locator(".photo-chosen").is_visible()
        page.click("form.ph-form button[type=submit]")  # nothing chosen: the browser or the server says so
        page.set_input_files("input[name=photo]", photo)
        assert page.locator(".photo-chosen").is_visible() and not page.locator(".photo-none").is_visible()
        page.click("form.ph-form button[type=submit]")
        page.wait_for_selector(".ph-photos img")
        # loaded, then measured (a function: a bare expression is evaluated with eval(), which the CSP refuses)
        page.wait_for_function("() => document.querySelector('.ph-photos img').complete")
        page.screenshot(path=f"test-results/phone-{locale}-photo-{'js' if javascript else 'nojs'}.png", full_page=True)
        width = DEVICES[locale]["viewport"]["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shown = page.evaluate("(() => { const i = document.querySelector('.ph-photos img'); return i.complete && i.naturalWidth; })()")
        assert shown == 1200  # her own photo comes back to her, re-encoded (1600 px on its long side)

    play(page, app, live_server, "04-photo", send_photo)
    with app.app_context():
        assert app.extensions["askel_sims"]["phone"].photos(uid)  # stored in her sandbox
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("locale", ["ar", "so"])
def test_she_copies_the_barcode_and_pastes_it_on_the_other_screen(app, factory, live_server, browser, locale, javascript):
    _uid, code, _ = factory.learner(factory.workshop(locale), name="Fatima", locale=locale)
    context = browser.new_context(**DEVICES[locale], java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server, code)

    def copy_and_paste(page, step):
        barcode = page.inner_text("#barcode").strip()
        assert len(barcode) == 54
        page.click("#barcode", click_count=3)  # select all of it, as a long press does
        page.keyboard.press("Control+C")
        page.click("a.button-primary[href$='/pay']")
        page.wait_for_url(re.compile(rf".*{BASE}/pay$"))
        page.fill("#barcode-field", barcode[:20])  # half of it first: she is told, and tries again
        page.click("form.ph-form button[type=submit]")
        page.wait_for_selector(".field-error")
        page.fill("#barcode-field", "")
        page.focus("#barcode-field")
        page.keyboard.press("Control+V")
        if page.input_value("#barcode-field") != barcode:  # a headless clipboard may be empty
            page.fill("#barcode-field", barcode)
        page.click("form.ph-form button[type=submit]")
        page.wait_for_selector(".ph-ok")

    play(page, app, live_server, "03-copy-paste", copy_and_paste)
    context.close()


@pytest.mark.parametrize("locale", ["so", "ar"])
def test_no_serious_violations_on_any_phone_practice_page(app, factory, live_server, browser, axe, locale):
    _uid, code, _ = factory.learner(factory.workshop(locale), locale=locale)
    context = browser.new_context(**DEVICES[locale], bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    sign_in(page, live_server, code)
    found = {}
    for path in PAGES:
        page.goto(live_server + BASE + path)
        found[path] = axe(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= DEVICES[locale]["viewport"]["width"], path
    page.goto(live_server + BASE + "/type")
    page.fill("#address", "mannikkotie")
    page.click("form.ph-form button[type=submit]")
    page.wait_for_selector(".field-error")
    found["type with errors"] = axe(page)
    page.goto(live_server + BASE + "/photo")
    page.set_input_files("input[name=photo]", {"name": "a.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"})
    page.click("form.ph-form button[type=submit]")
    page.wait_for_selector(".field-error")
    found["photo refused"] = axe(page)
    page.goto(live_server + BASE + "/qr/harjoitus")
    found["scanned"] = axe(page)
    page.screenshot(path=f"test-results/phone-{locale}-scanned.png", full_page=True)
    for lesson in app.extensions["askel_catalogue"].course("phone").lessons:
        page.goto(f"{live_server}/learn/phone/{lesson.id}/")
        found[lesson.id] = axe(page)
    context.close()
    bad = {name: v for name, v in found.items() if v}
    assert not bad, bad


def test_her_instructor_sees_her_photo_and_nobody_else_does(app, factory, live_server, browser, axe, tmp_path):
    instructor = factory.staff("deeqa")
    wid = factory.workshop("so", instructor=instructor)
    uid, code, _ = factory.learner(wid, name="Amina", locale="so")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, code)
    page.goto(live_server + BASE + "/photo")
    page.set_input_files("input[name=photo]", document_photo(tmp_path))
    page.click("form.ph-form button[type=submit]")
    page.wait_for_selector(".ph-photos img")
    context.close()
    staff, page = staff_page(browser, live_server, "deeqa", "/teach/", bypass_csp=True)
    page.goto(f"{live_server}/teach/groups/{wid}/learners/{uid}")
    page.click(f"a[href$='/learners/{uid}/photos']")
    page.wait_for_selector(".photo-list img")
    # the picture is in the page before it has loaded (lazily): wait for it, then read its size
    page.wait_for_function("() => document.querySelector('.photo-list img').complete")
    assert page.evaluate("document.querySelector('.photo-list img').naturalWidth") == 1200
    assert not axe(page)
    staff.close()
    factory.staff("liisa")
    other, page = staff_page(browser, live_server, "liisa", "/teach/")
    response = page.goto(f"{live_server}/teach/groups/{wid}/learners/{uid}/photos")
    assert response.status == 404
    other.close()


def test_a_photo_too_big_is_refused_with_her_message_through_a_real_server(app, factory, live_server, browser):
    """12 MB through the file input: the server stops reading at its limit and she is back on the form,
    told in Somali that the photo is too big (no 413 page, no broken connection)."""
    _uid, code, _ = factory.learner(factory.workshop("so"), locale="so")
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, code)
    page.goto(live_server + BASE + "/photo")
    page.set_input_files("input[name=photo]", {"name": "big.jpg", "mimeType": "image/jpeg",
                                               "buffer": b"\xff\xd8" + b"\0" * (12 * 1024 * 1024)})
    page.click("form.ph-form button[type=submit]")
    page.wait_for_selector(".notice-error[role=status]")
    assert page.url.endswith(BASE + "/photo")
    assert "Sawirku aad buu u weyn yahay" in page.inner_text(".notice-error[role=status]")
    context.close()


def test_the_page_refuses_a_wrong_file_before_sending_it(app, factory, live_server, browser):
    """With JavaScript, a file that is not a picture, or too big, is refused on her tablet before it is
    sent (static/js/photo.js): her language's message beside the button, and no request leaves."""
    from workshop.sims import photos

    _uid, code, _ = factory.learner(factory.workshop("ar"), locale="ar")
    context = browser.new_context(**TABLET)
    page = context.new_page()
    sign_in(page, live_server, code)
    page.goto(live_server + BASE + "/photo")
    page.wait_for_load_state("load")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        from flask_babel import force_locale

        with force_locale("ar"):
            not_a_photo, too_big = str(photos.NOT_A_PHOTO), str(photos.TOO_BIG)
    for file, message in [({"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}, not_a_photo),
                          ({"name": "big.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8" + b"\0" * (photos.MAX_BYTES + 1)}, too_big)]:
        page.set_input_files("input[name=photo]", file)
        page.wait_for_selector("#photo-check:not([hidden])")
        assert page.inner_text("#photo-check") == message
        page.click("form.ph-form button[type=submit]")  # sending it anyway: refused again, nothing sent
        assert page.inner_text("#photo-check") == message
        expect(page.locator("#photo-input")).to_be_focused()
    assert posts == [] and page.url.endswith(BASE + "/photo")
    context.close()
