"""practice bank tables (sim_bank_*)

Revision ID: 0003_bank
Revises: 0001_core
Create Date: 2026-11-23 13:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0003_bank"
down_revision = "0001_core"
branch_labels = ("bank",)
depends_on = None


def _learner():
    return sa.Column("learner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


def upgrade():
    op.create_table(
        "sim_bank_state",
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seeded_on", sa.Date(), nullable=False),
        sa.Column("user_id_ok", sa.Boolean(), nullable=False),
        sa.Column("signed_in", sa.Boolean(), nullable=False),
        sa.Column("signed_in_at", sa.DateTime(), nullable=True),
        sa.Column("checked_balance", sa.Boolean(), nullable=False),
        sa.Column("opened_transaction", sa.Boolean(), nullable=False),
        sa.Column("typed_into_fake_page", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("learner_id"),
    )
    op.create_table(
        "sim_bank_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner(),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name_fi", sa.String(length=80), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("balance_cents", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_sim_bank_accounts_learner_id"), "sim_bank_accounts", ["learner_id"])
    op.create_table(
        "sim_bank_bills",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner(),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_sim_bank_bills_learner_id"), "sim_bank_bills", ["learner_id"])
    op.create_table(
        "sim_bank_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner(),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("scam", sa.Boolean(), nullable=False),
        sa.Column("reported", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_sim_bank_messages_learner_id"), "sim_bank_messages", ["learner_id"])
    op.create_table(
        "sim_bank_transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner(),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("sim_bank_accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("counterparty", sa.String(length=120), nullable=False),
        sa.Column("kind_fi", sa.String(length=60), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_sim_bank_transactions_learner_id"), "sim_bank_transactions", ["learner_id"])
    op.create_index(op.f("ix_sim_bank_transactions_account_id"), "sim_bank_transactions", ["account_id"])
    op.create_table(
        "sim_bank_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner(),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("sim_bank_accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("bill_id", sa.Integer(), sa.ForeignKey("sim_bank_bills.id", ondelete="SET NULL"), nullable=True),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_sim_bank_payments_learner_id"), "sim_bank_payments", ["learner_id"])


def downgrade():
    for table in ("sim_bank_payments", "sim_bank_transactions", "sim_bank_messages", "sim_bank_bills",
                  "sim_bank_accounts", "sim_bank_state"):
        op.drop_table(table)
