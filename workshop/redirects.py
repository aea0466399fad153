"""The one check for every redirect to a place the browser named (?next=, a form's "back" field, ...).

A browser reading a Location header first drops tab, CR and LF anywhere in it and treats a backslash
as a slash, so `/\tevil.example`, `/\\evil.example` and `\\/evil.example` all become
`//evil.example`: another site. The target is normalised the same way before it is judged, and only
a path on this site (no scheme, no host, starting with a single slash) is accepted.
"""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

_DROPPED = str.maketrans("", "", "\t\r\n")


def _browser_form(text: str) -> str | None:
    """What a browser makes of `text` as a URL, or None if it is not a path on this site."""
    cleaned = text.translate(_DROPPED).replace("\\", "/").strip()
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in cleaned):
        return None
    if not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    return None if parts.scheme or parts.netloc else cleaned


def same_site_path(target: object, default: str) -> str:
    """`target` as the browser would read it if it is a path on this site, else `default`.

    The percent-decoded form is judged too (`/%09/evil.example`), since a proxy in between or a
    second redirect may decode it; no path of this site needs an encoded control character."""
    if not isinstance(target, str) or not target or len(target) > 2000:
        return default
    cleaned = _browser_form(target)
    if cleaned is None or _browser_form(unquote(cleaned)) is None:
        return default
    return cleaned
