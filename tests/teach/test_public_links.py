"""Links that leave the browser (cards, QR codes, the demo sign-ins) follow the port the site runs on,
or ASKEL_PUBLIC_URL behind a proxy (issue 15, item 21)."""
from __future__ import annotations

from tests.teach.test_teach_groups_cards_exports import cards_from, post


def test_cards_follow_the_port_the_site_is_reached_on(app, factory, teacher):
    client, _uid, wid = teacher
    amina, _c, _ = factory.learner(wid, name="Amina")
    url = f"/teach/groups/{wid}/cards"
    sheet = post(client, url, {"learner": str(amina), "confirm": "yes"},
                 base_url="http://localhost:5101").get_data(as_text=True)
    (_name, _code, qr), = cards_from(sheet)
    assert qr.startswith("http://localhost:5101/card/") and "http://localhost:5101/sign-in" in sheet


def test_cards_behind_a_proxy_use_the_public_url(app, factory, teacher, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://askel.example.fi")
    client, _uid, wid = teacher
    amina, _c, _ = factory.learner(wid, name="Amina")
    sheet = post(client, f"/teach/groups/{wid}/cards", {"learner": str(amina), "confirm": "yes"}).get_data(as_text=True)
    (_name, _code, qr), = cards_from(sheet)
    assert qr.startswith("https://askel.example.fi/card/") and "https://askel.example.fi/sign-in" in sheet


def test_demo_sign_ins_follow_the_port_of_each_run(app, monkeypatch):
    """`make run PORT=5101` printed every link with port 5000, and a second run showed the first run's links."""
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo-data", "--if-empty", "--served-at", "http://127.0.0.1:5101"])
    assert first.exit_code == 0, first.output
    assert "http://127.0.0.1:5101/staff/sign-in" in first.output and ":5000" not in first.output
    assert "card: http://127.0.0.1:5101/card/" in first.output
    again = runner.invoke(args=["demo-data", "--if-empty", "--served-at", "http://127.0.0.1:5102"])
    assert "http://127.0.0.1:5102/sign-in" in again.output and ":5101" not in again.output
    assert again.output.count("code: ") == first.output.count("code: ")  # the same sign-ins, shown again
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://askel.example.fi")
    proxied = runner.invoke(args=["demo-data", "--if-empty", "--served-at", "http://127.0.0.1:5102"])
    assert "https://askel.example.fi/sign-in" in proxied.output and "127.0.0.1" not in proxied.output
