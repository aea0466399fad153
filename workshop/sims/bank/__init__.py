"""Harjoituspankki: a fictional Finnish online bank to practise in (design.md, "Simulations").

Signing in as Finnish banks do (a user id, then "confirm in the app"), accounts and transactions,
paying a bill from its paper picture or with the virtual barcode, e-invoices, payments waiting for
their due date, and tricks that pretend to be the bank. Each learner has her own sandbox, seeded
from lessons/bank/scenarios/bank.toml the first time she opens it.
"""
from __future__ import annotations

from ..contract import Sim
from . import accounts, checks, models, pictures, views  # noqa: F401  (checks and pictures register themselves)

sim = Sim("bank", blueprint=views.bp, state=models.BankState, seed=accounts.seed, tables=(
    models.Transaction, models.Payment, models.Bill, models.Message, models.Account, models.BankState))
