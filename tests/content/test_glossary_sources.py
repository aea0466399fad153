"""Every Finnish label in every glossary names where it was checked (a public guide by a bank, a
city or the service), so the next person can check it again (issue 13, item 10). A source that
shows only the word, not this exact screen label, says so."""
from __future__ import annotations



def test_every_glossary_label_names_a_source(app):
    glossary = app.extensions["askel_catalogue"].glossary
    missing = [f"{t.key} ({t.fi})" for t in glossary.terms.values() if not t.source.startswith(("https://", "http://"))]
    assert missing == [], f"glossary labels without a source: {missing}"


def test_the_bank_shows_the_labels_real_banks_use(app):
    glossary = app.extensions["askel_catalogue"].glossary
    for label in ("Maksut", "Uusi maksu", "Saajan nimi", "Erääntyvät maksut", "Maksunsaajan tarkistus"):
        term = glossary.by_finnish[label]
        assert "the word in this use" not in term.source or label == "Maksut", label
    assert "Maksa lasku" not in glossary.by_finnish  # the old, made-up button
