"""Photos a learner sends in a practice (a document she photographed with her phone's camera).

Any service can take one: its page has a file input (`templates/sims/_photo.html`: `accept="image/*"
capture="environment"`, so a phone or tablet opens its camera), its view is marked `@takes_photo`
(the request may then be 10 MB and a bit, not the site's 2 MB) and calls

    name = photos.save("<sim>", current_user, request.files.get("photo"))   # PhotoError: tell her .message

then commits. What is kept is never what was sent: the file is read up to `MAX_BYTES` (more is
refused before decoding), must be a JPEG, PNG, WebP or HEIC by its content (its name and type say
nothing; HEIC/HEIF, an iPhone's own format, is read through pillow-heif), at most `MAX_PIXELS` (a decompression bomb is refused from its header, before decoding),
is turned upright by its EXIF orientation, shrunk to `LONG_SIDE` pixels and re-encoded as a new
JPEG with no metadata at all (no GPS location, camera or time). She keeps at most `MAX_KEPT` in one
service (starting the practice again empties it) and may send `SENDS` in an hour. It is stored through
`workshop.storage.files()` under `sims/<sim>/<learner id>/`, so it belongs to her sandbox: `Sim.reset`
and `Sim.delete` remove it, `Sim.photos(learner)` lists it, `Sim.photo_response(learner, name)`
serves it (`Cache-Control: private, no-store`) to her (`/practice/photos/<sim>/<name>`) and to her
instructor (`teach.learner_photos`), never to anyone else.
"""
from __future__ import annotations

import io
import re
import secrets

from flask import make_response
from flask_babel import lazy_gettext as _l
from limits import parse
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from ..clock import utcnow
from ..storage import files
from ..web import counted

MAX_BYTES = 10 * 1024 * 1024  # what she may send (a phone's camera makes 2-6 MB)
REQUEST_BYTES = MAX_BYTES + 256 * 1024  # the whole form: the photo and a few small fields
MAX_PIXELS = 40_000_000  # larger than any phone camera: a decompression bomb
MAX_KEPT = 20  # photos she may keep in one service: a lesson asks for one or two; this bounds what a
               # script sending photo after photo could store (each up to ~1 MB)
# Photos she may send in an hour, kept or refused, in every service together: decoding one takes up to a
# second of the server's time, and a file that fails late in decoding is never kept (MAX_KEPT does not
# count it). Counted in the limiter's storage (shared by every process), per learner, never per address:
# a room of tablets shares one.
SENDS = parse("30 per hour")
LONG_SIDE = 1600  # readable text on a document, about 200-400 KB: kind to a small data plan
QUALITY = 82
FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")  # HEIF: an iPhone's photos (HEIC), made a JPEG like the rest
# The browser checks the same before sending (static/js/photo.js): these file types and MAX_BYTES.
BROWSER_TYPES = "image/jpeg,image/png,image/webp,image/heic,image/heif"

register_heif_opener()
NAME = re.compile(r"[0-9]{14}-[A-Za-z0-9_-]{16}\.jpg")
ATTRIBUTE = "askel_takes_photo"

TOO_BIG = _l("The photo is too big (more than 10 MB). Please take it again, or choose a smaller photo.")
NOT_A_PHOTO = _l("This file is not a photo. Please take a photo, or choose a JPEG, PNG, WebP or HEIC picture.")
NO_PHOTO = _l("No photo came. Press the button, take a photo of the document, then press Send.")
TOO_OFTEN = _l("You sent many photos in a short time. Please wait a while, then send the photo again.")
TOO_MANY = _l("You have already sent as many photos as this practice keeps. To send another, tap "
              "“Start this practice again” at the end of the page.")


class PhotoError(ValueError):
    """A photo refused: `message` tells her why, in her language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def takes_photo(view):
    """Mark a view that receives a photo: its request may be REQUEST_BYTES (workshop.sims sets the limit
    before the form is read, also for the CSRF check), and a larger one tells her TOO_BIG."""
    setattr(view, ATTRIBUTE, True)
    return view


def is_photo_view(view) -> bool:
    while view is not None:
        if getattr(view, ATTRIBUTE, False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def prefix(sim: str, learner) -> str:
    """Where her photos of `sim` are kept (`learner`: a User, her snapshot or her id)."""
    learner_id = learner if isinstance(learner, int) else learner.id
    return f"sims/{sim}/{learner_id}/"


def clean(data: bytes) -> bytes:
    """The photo as kept: upright, at most LONG_SIDE, a fresh JPEG without any metadata. PhotoError if
    `data` is not a JPEG, PNG, WebP or HEIC picture of a sensible size."""
    if len(data) > MAX_BYTES:
        raise PhotoError(TOO_BIG)
    if not data:
        raise PhotoError(NO_PHOTO)
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as image:  # reads the header only
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError(NOT_A_PHOTO)
            image.seek(0)  # an animated picture: its first frame
            upright = ImageOps.exif_transpose(image)  # decodes; a broken file raises here
            upright.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
            if upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info):
                rgba = upright.convert("RGBA")
                upright = Image.new("RGB", rgba.size, "white")
                upright.paste(rgba, mask=rgba.getchannel("A"))
            fresh = Image.new("RGB", upright.size)  # a new picture: nothing of the file's info comes along
            fresh.paste(upright.convert("RGB"))
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError, EOFError):
        raise PhotoError(NOT_A_PHOTO) from None
    out = io.BytesIO()
    fresh.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def browser_check() -> dict:
    """What the page's own check (static/js/photo.js) refuses before anything is sent, with the same
    messages as the server's, in her language. The server's check stays the one that decides."""
    return {"max_bytes": MAX_BYTES, "types": BROWSER_TYPES, "too_big": str(TOO_BIG), "not_a_photo": str(NOT_A_PHOTO)}


def read(upload) -> bytes:
    """The bytes of an uploaded file (a werkzeug FileStorage or None), at most MAX_BYTES + 1."""
    if upload is None or (not upload.filename and not upload.content_length):
        raise PhotoError(NO_PHOTO)
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoError(TOO_BIG)
    return data


def save(sim: str, learner, upload) -> str:
    """Keep her photo in her sandbox of `sim` (in the caller's transaction: commit afterwards); its name.
    At most MAX_KEPT in one service: one more is refused before it is read or decoded."""
    if len(files().names(prefix(sim, learner))) >= MAX_KEPT:
        raise PhotoError(TOO_MANY)
    data = read(upload)
    if not _may_send(learner if isinstance(learner, int) else learner.id):
        raise PhotoError(TOO_OFTEN)
    data = clean(data)
    name = f"{utcnow():%Y%m%d%H%M%S}-{secrets.token_urlsafe(12)}.jpg"
    files().put(prefix(sim, learner) + name, data)
    return name


def _may_send(learner_id: int) -> bool:
    """Counts one photo she sends; False when she has sent SENDS within the hour."""
    return counted(SENDS, "askel-photo", learner_id, "Practice photos")


def names(sim: str, learner) -> list[str]:
    """Her photos in `sim`, oldest first (names start with the time they came)."""
    start = prefix(sim, learner)
    return [n.removeprefix(start) for n in files().names(start) if NAME.fullmatch(n.removeprefix(start))]


def get(sim: str, learner, name: str) -> bytes | None:
    if not NAME.fullmatch(name or ""):
        return None
    return files().get(prefix(sim, learner) + name)


def delete_all(sim: str, learner) -> None:
    """Every photo of hers in `sim` (in the caller's transaction)."""
    store = files()
    for name in store.names(prefix(sim, learner)):
        store.delete(name)


def response(data: bytes):
    """A photo as a response only the person asking keeps: never cached on the way, nor on the device."""
    reply = make_response(data)
    reply.mimetype = "image/jpeg"
    reply.headers["Cache-Control"] = "private, no-store"
    reply.headers["Content-Disposition"] = "inline"
    return reply


def size_limit(endpoint: str | None, views: dict) -> int | None:
    """The request size of a photo view (workshop.sims applies it before any form is read)."""
    return REQUEST_BYTES if endpoint and is_photo_view(views.get(endpoint)) else None

