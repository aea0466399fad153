from workshop.models import CODE_ALPHABET, CODE_LENGTH, format_code, new_code, normalise_code


def test_codes_use_an_unambiguous_alphabet():
    for _ in range(200):
        code = new_code()
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    assert not set("0O1IL5S2Z8B") & set(CODE_ALPHABET)


def test_code_normalisation_accepts_what_people_type():
    assert normalise_code(" kx7m - p2qd ") == "KX7MP2QD"
    assert normalise_code(format_code("KX7MP2QD")) == "KX7MP2QD"
    assert normalise_code("") == ""
    assert normalise_code("ÄÖ<script>") == "SCRIPT"
