"""counsel: a topic the coordinator adds has its label in each language (so, ar, fi, en) instead of one

Revision ID: 0031_topic_labels
Revises: 0023_counsel

A topic she added was shown to every instructor as she typed it, in one language. It now has
`label_so`, `label_ar`, `label_fi` and `label_en` (at least one; an instructor reads hers, else
another: `counsel/labels.py`). The seeded topics keep no label (translated by their key).

Which language an existing label is in was never recorded. The upgrade puts it where it most
likely belongs: Arabic when it is written in Arabic letters, else the interface language of the
first coordinator's account (the one who keeps the list), else English. The topics page then says
which languages are missing, and she can correct it. The downgrade keeps one label per topic: the
English one, else Finnish, Somali, Arabic.
"""
import re

from alembic import op
import sqlalchemy as sa


revision = "0031_topic_labels"
down_revision = "0023_counsel"
branch_labels = None
depends_on = None

LANGUAGES = ("so", "ar", "fi", "en")
ARABIC_LETTERS = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")


def upgrade():
    with op.batch_alter_table("counsel_topics", schema=None) as batch_op:
        for language in LANGUAGES:
            batch_op.add_column(sa.Column(f"label_{language}", sa.String(length=80), nullable=True))
    conn = op.get_bind()
    coordinator = conn.execute(sa.text(
        "SELECT locale FROM users WHERE role = 'coordinator' ORDER BY id LIMIT 1")).scalar()
    typed_in = coordinator if coordinator in LANGUAGES else "en"
    rows = conn.execute(sa.text("SELECT id, label FROM counsel_topics WHERE label IS NOT NULL")).all()
    for topic_id, label in rows:
        language = "ar" if ARABIC_LETTERS.search(label) else typed_in
        conn.execute(sa.text(f"UPDATE counsel_topics SET label_{language} = :label WHERE id = :id"),
                     {"label": label, "id": topic_id})
    with op.batch_alter_table("counsel_topics", schema=None) as batch_op:
        batch_op.drop_column("label")


def downgrade():
    with op.batch_alter_table("counsel_topics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(length=80), nullable=True))
    op.execute("UPDATE counsel_topics SET label = COALESCE(label_en, label_fi, label_so, label_ar)")
    with op.batch_alter_table("counsel_topics", schema=None) as batch_op:
        for language in LANGUAGES:
            batch_op.drop_column(f"label_{language}")
