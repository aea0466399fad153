from workshop.models import CODE_ALPHABET, CODE_LENGTH, format_code, new_code, normalise_code


def test_codes_use_an_unambiguous_alphabet():
    """Written out here, not read from the module: a letter that can be misread (0/O, 1/I/L, 5/S,
    2/Z, 8/B) added to the constant or used by the generator fails, and so does a generator that
    uses only part of the alphabet (fewer codes than the length promises)."""
    expected = set("ACDEFGHJKMNPQRTUVWXY34679")
    seen = set()
    for _ in range(400):
        code = new_code()
        assert len(code) == CODE_LENGTH == 8
        assert set(code) <= expected, code
        seen |= set(code)
    assert seen == expected  # 3,200 draws from 25 symbols: every one turns up
    assert set(CODE_ALPHABET) == expected


def test_code_normalisation_accepts_what_people_type():
    assert normalise_code(" kx7m - p2qd ") == "KX7MP2QD"
    assert normalise_code(format_code("KX7MP2QD")) == "KX7MP2QD"
    assert normalise_code("") == ""
    assert normalise_code("ÄÖ<script>") == "SCRIPT"
