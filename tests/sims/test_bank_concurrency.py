"""Two tabs of the same learner submit the same payment form, and then confirm the same payment in
the app, at the same moment, 50 times, against the served app (threads, real HTTP): nothing is made
or booked twice, nothing answers 5xx, and the balance always equals the opening balance plus the
transactions. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL (issue 12, item 13)."""
from __future__ import annotations

import re
import threading

from bench.client import CSRF, Client, Stats
from workshop.extensions import db
from workshop.sims.bank.models import Account, Payment, Transaction

ROUNDS = 50
B = "/practice/bank"
FORM_KEY = re.compile(r'name="form_key" value="([^"]*)"')


def _both(a: Client, b: Client, method: str, path: str, label: str, data: dict) -> list[tuple[int, dict]]:
    """The same request from two tabs at the same moment."""
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def send(n: int, client: Client):
        barrier.wait()
        status, _body, headers = client.request(method, path, label, data)
        answers[n] = (status, headers)

    threads = [threading.Thread(target=send, args=(n, c)) for n, c in enumerate((a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers


def test_two_tabs_pay_and_confirm_the_same_payment_at_once(app, factory, live_server):
    port = int(live_server.rsplit(":", 1)[1])
    workshop = factory.workshop("so")
    uid, code, _ = factory.learner(workshop, locale="en")
    stats = Stats()
    tab = Client(port, stats)
    _s, html, _ = tab.request("GET", "/sign-in", "sign-in page")
    assert tab.request("POST", "/sign-in", "sign-in", {"code": code, "csrf_token": CSRF.search(html).group(1)})[0] == 303
    _s, html, _ = tab.request("GET", B + "/", "bank")
    token = CSRF.search(html).group(1)
    assert tab.request("POST", B + "/sign-in", "bank user id", {"user_id": "12345678", "csrf_token": token})[0] == 303
    assert tab.request("POST", B + "/sign-in/app", "bank app", {"pin": "1234", "answer": "confirm", "csrf_token": token})[0] == 303
    with app.app_context():
        account = db.session.scalars(db.select(Account).where(Account.learner_id == uid, Account.key == "current")).one()
        opening, account_id = account.balance_cents, account.id
    other = Client(port, stats)
    failures: list[str] = []
    for n in range(ROUNDS):
        other.cookies = dict(tab.cookies)  # the second tab of the same browser
        _s, html, _ = tab.request("GET", B + "/pay", "pay form")
        form = {"csrf_token": CSRF.search(html).group(1), "form_key": FORM_KEY.search(html).group(1),
                "account": str(account_id), "recipient": "Valovirta Energia Oy", "iban": "FI44 7990 0030 0789 01",
                "amount": f"1,{n:02d}", "reference": "261 10783", "message": "", "due": "", "barcode": ""}
        from workshop.sims.bank import finance
        from workshop.sims.bank.accounts import today

        with app.app_context():
            form["due"] = finance.format_date(today())
        answers = _both(tab, other, "POST", B + "/pay", "pay twice", form)
        reviews = {h.get("Location") for status, h in answers if status == 303}
        if [s for s, _h in answers if s != 303] or len(reviews) != 1:
            failures.append(f"round {n}: the same form made {answers}")
            continue
        review = reviews.pop()
        assert tab.request("POST", review, "review", {"csrf_token": form["csrf_token"]})[0] == 303
        confirm = review.replace("/review", "/app")
        answers = _both(tab, other, "POST", confirm, "confirm twice",
                        {"csrf_token": form["csrf_token"], "pin": "1234", "answer": "confirm"})
        if [s for s, _h in answers if s != 303]:
            failures.append(f"round {n}: confirming answered {[s for s, _h in answers]}")
    assert not failures, failures[:5]
    assert sum(stats.errors.values()) == 0, dict(stats.errors)
    with app.app_context():
        payments = db.session.scalars(db.select(Payment).where(Payment.learner_id == uid)).all()
        booked = db.session.scalars(db.select(Transaction).where(Transaction.learner_id == uid,
                                                                 Transaction.payment_id.is_not(None))).all()
        balance = db.session.get(Account, account_id).balance_cents
    assert len(payments) == ROUNDS  # one payment per form, though each form was sent twice
    assert all(p.status == "paid" for p in payments)
    assert len(booked) == ROUNDS and len({t.payment_id for t in booked}) == ROUNDS  # 0 booked twice
    assert balance == opening + sum(t.amount_cents for t in booked)
    assert balance == opening - sum(100 + n for n in range(ROUNDS))
