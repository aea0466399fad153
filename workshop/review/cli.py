"""`flask review export`: the wording reviewed in the browser, written back into the gettext
catalogs (translations/<locale>/LC_MESSAGES/lessons.po), so it reaches version control and every
other installation. Run `make i18n` afterwards to compile the catalogs.

`flask review prune`: recordings of lesson texts that are gone (a step, an answer or a lesson
removed from the lesson files, a step id changed) are deleted with their sounds; run after each
release's `flask db upgrade heads` (docs/deploying.md). It is a command rather than something the
site does as it starts, so a lesson file broken or renamed by mistake on one host never costs an
instructor her recordings: it lists what it would delete and asks, unless told `--yes`.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from babel.messages.pofile import read_po, write_po

from ..config import ROOT
from ..extensions import db
from ..web import catalogue
from . import narration, state
from .models import Wording

MARK = "reviewed in Askel by "


def export_catalogs(translations: Path, wordings, english_of) -> dict[str, int]:
    """Writes each reviewed text into its locale's lessons.po; returns how many per locale.

    `english_of(context)` is today's English source (None when the text no longer exists); a
    reviewed text whose English changed since its review is skipped (it needs a new review).
    """
    by_locale: dict[str, list[Wording]] = {}
    for wording in wordings:
        by_locale.setdefault(wording.locale, []).append(wording)
    written: dict[str, int] = {}
    for locale, items in sorted(by_locale.items()):
        path = translations / locale / "LC_MESSAGES" / "lessons.po"
        if not path.is_file():
            continue
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        count = 0
        for wording in items:
            english = english_of(wording.context)
            if english is None or state.source_hash(english) != wording.source_hash:
                continue
            message = catalog.get(english, context=wording.context)
            if message is None:
                continue
            message.string = wording.text
            message.flags.discard("fuzzy")
            who = wording.reviewer
            # reviewed by a speaker of the language: the machine-assisted note has served its purpose
            comments = [c for c in message.user_comments
                        if not c.startswith(MARK) and not c.startswith("review: machine-assisted")]
            comments.append(f"{MARK}{who} on {wording.reviewed_at:%Y-%m-%d}")
            message.user_comments = comments
            count += 1
        with path.open("wb") as fh:
            write_po(fh, catalog, width=0, ignore_obsolete=True)
        written[locale] = count
    return written


@click.command("export")
@with_appcontext
@click.option("--translations", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=ROOT / "translations", show_default=True, help="The gettext catalogs folder.")
def export(folder: Path) -> None:
    """Write the reviewed lesson wording into translations/<locale>/LC_MESSAGES/lessons.po."""
    texts = {context: english for context, english, _note in catalogue().texts()}
    wordings = db.session.scalars(db.select(Wording).order_by(Wording.locale, Wording.context)).all()
    written = export_catalogs(folder, wordings, texts.get)
    stale = len(wordings) - sum(written.values())
    for locale, count in written.items():
        click.echo(f"{locale}: {count} reviewed texts written to {folder / locale / 'LC_MESSAGES' / 'lessons.po'}")
    if stale:
        click.echo(f"{stale} reviewed texts were not written: their English changed since (review them again) or the catalog has no such text.")
    if not written:
        click.echo("Nothing reviewed yet.")


@click.command("prune")
@with_appcontext
@click.option("--yes", is_flag=True, help="Delete without asking.")
def prune(yes: bool) -> None:
    """Delete the recordings of lesson texts that no longer exist, with their sounds."""
    gone, loose = narration.orphans()
    if not gone and not loose:
        click.echo("Every recording belongs to a lesson text: nothing to delete.")
        return
    for row in gone:
        click.echo(f"{row.locale} {row.context}: its text is gone")
    for name in loose:
        click.echo(f"{name}: no recording names this sound")
    if not yes and not click.confirm(f"Delete these {len(gone) + len(loose)}?", default=False):
        click.echo("Nothing deleted.")
        return
    gone, loose = narration.prune()
    click.echo(f"Deleted {len(gone)} recordings of texts that are gone and {len(loose)} loose sounds.")


def register(bp) -> None:
    """`flask review export` and `flask review prune`: the review blueprint's commands
    (review/__init__.py calls this)."""
    bp.cli.add_command(export)
    bp.cli.add_command(prune)
