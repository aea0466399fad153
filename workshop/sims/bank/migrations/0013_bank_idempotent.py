"""practice bank: a payment is made once per form and booked once (form key, unique booking), and
remembers its verification-of-payee answer

Revision ID: 0013_bank
Revises: 0003_bank
"""
from alembic import op
import sqlalchemy as sa

revision = "0013_bank"
down_revision = "0003_bank"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sim_bank_payments") as batch:
        batch.add_column(sa.Column("form_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("payee_check", sa.String(length=16), server_default="", nullable=False))
        batch.create_unique_constraint("uq_sim_bank_payments_form_key", ["learner_id", "form_key"])
    with op.batch_alter_table("sim_bank_transactions") as batch:
        batch.add_column(sa.Column("payment_id", sa.Integer(), nullable=True))
        batch.create_unique_constraint("uq_sim_bank_transactions_payment_id", ["payment_id"])
        batch.create_foreign_key("fk_sim_bank_transactions_payment_id", "sim_bank_payments",
                                 ["payment_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("sim_bank_transactions") as batch:
        batch.drop_constraint("fk_sim_bank_transactions_payment_id", type_="foreignkey")
        batch.drop_constraint("uq_sim_bank_transactions_payment_id", type_="unique")
        batch.drop_column("payment_id")
    with op.batch_alter_table("sim_bank_payments") as batch:
        batch.drop_constraint("uq_sim_bank_payments_form_key", type_="unique")
        batch.drop_column("payee_check")
        batch.drop_column("form_key")
