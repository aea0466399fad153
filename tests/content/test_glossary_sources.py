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


def test_the_kela_labels_checked_against_a_public_guide(app):
    """Issue 17: a label a source confirms carries no "the word in this use" mark; a label no source
    used was replaced by the one a source gives (lessons/kela/glossary.toml says where each was checked)."""
    glossary = app.extensions["askel_catalogue"].glossary
    assert glossary.by_finnish["Maksupäivä"].source == "https://www.kela.fi/maksupaivat"
    assert "Vahvistuskoodi" not in glossary.by_finnish
    # The Suomi.fi identification page's own published text says "tapahtumatunnus"; a news report's
    # retelling ("tapahtumatunniste") is not a screen label.
    assert glossary.by_finnish["Tapahtumatunnus"].source.startswith("https://github.com/vrk-kpa/")
    assert "Tapahtumatunniste" not in glossary.by_finnish
    # Kela's own guide names where decisions are; "Asiakirjat" was no screen label.
    assert "Asiakirjat" not in glossary.by_finnish
    assert "the word in this use" not in glossary.by_finnish["Päätökset ja muut asiakirjasi"].source
