"""Finnish payment data: reference numbers, RF references, IBANs and the virtual barcode.

The worked examples are the ones in shared/domain-finland.md (Finance Finland's barcode guide);
hypothesis checks the rules on thousands of made-up numbers.
"""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.sims.bank import finance as f

V4 = "437159030000007760000122500000000000000000011112161221"
V5 = "537159030000007760000011098000000000000000011112170101"
IBAN = "FI3715903000000776"


def test_reference_examples():
    assert f.build_reference("1662") == "16625"
    assert f.build_reference("1111") == "11112"
    assert f.validate_reference("1 6625") == "16625"
    assert f.format_reference("123456789012") == "12 34567 89012"
    with pytest.raises(f.FinanceError) as e:
        f.validate_reference("16624")
    assert e.value.code == "reference_check"
    with pytest.raises(f.FinanceError) as e:
        f.validate_reference("123")
    assert e.value.code == "reference_length"
    with pytest.raises(f.FinanceError) as e:
        f.validate_reference("12a45")
    assert e.value.code == "reference_format"


@pytest.mark.parametrize("base, reference", [
    # worked by hand, weights from the right: 3·7 + 2·3 + 1·1 = 28 → 2 (from the left it would be 4)
    ("123", "1232"),
    # 1·7 + 6·3 + 5·1 + 4·7 + 3·3 + 2·1 + 1·7 = 76 → 4 (from the left: 1·7+2·3+3·1+4·7+5·3+6·1+1·7 = 72 → 8)
    ("1234561", "12345614"),
    # the electricity bill's: 3·7 + 7·3 + 0·1 + 1·7 + 1·3 + 6·1 + 2·7 = 72 → 8 (from the left: 68 → 2)
    ("2611073", "26110738"),
])
def test_reference_check_digit_weights_run_from_the_right(base, reference):
    """The domain guide's examples (1662, 1111) read the same from either end, so these do not."""
    assert f.build_reference(base) == reference
    assert f.validate_reference(reference) == reference


def test_rf_examples():
    assert f.build_rf("11112") == "RF9811112"
    assert f.validate_rf("rf98 1111 2") == "RF9811112"
    assert f.validate_any_reference("RF98 11112") == "RF9811112"
    with pytest.raises(f.FinanceError):
        f.validate_rf("RF9711112")


def test_iban():
    assert f.validate_iban("FI37 1590 3000 0007 76") == IBAN
    assert f.format_iban(IBAN) == "FI37 1590 3000 0007 76"
    with pytest.raises(f.FinanceError):
        f.validate_iban("FI37 1590 3000 0007 77")


def test_amounts_and_dates():
    assert f.parse_amount("1 234,56") == 123456
    assert f.parse_amount("12.25 €") == 1225
    assert f.parse_amount("40") == 4000
    assert f.format_amount(123456) == "1\u00a0234,56\u00a0€"
    assert f.format_amount(-4000) == "-40,00\u00a0€"
    for bad in ("", "0", "abc", "1,234", "-5", "12,3,4"):
        with pytest.raises(f.FinanceError):
            f.parse_amount(bad)
    assert f.parse_date("21.12.2016") == date(2016, 12, 21)
    assert f.parse_date("2016-12-21") == date(2016, 12, 21)
    assert f.format_date(date(2017, 1, 1)) == "1.1.2017"
    with pytest.raises(f.FinanceError):
        f.parse_date("31.2.2017")


def test_worked_examples_round_trip_exactly():
    v4 = f.parse_barcode(V4)
    assert v4 == f.Barcode(4, IBAN, 1225, "11112", date(2016, 12, 21))
    assert f.build_barcode(IBAN, 1225, "11112", date(2016, 12, 21)) == V4
    v5 = f.parse_barcode(V5)
    assert v5 == f.Barcode(5, IBAN, 110, "RF9811112", date(2017, 1, 1))
    assert f.build_barcode(IBAN, 110, "RF98 11112", date(2017, 1, 1)) == V5


@pytest.mark.parametrize("code, error", [
    (V4[:-1], "barcode_length"),
    (V4 + "1", "barcode_length"),
    ("6" + V4[1:], "barcode_version"),
    ("2" + V4[1:], "barcode_version"),
    (V4[:10] + "x" + V4[11:], "barcode_format"),
    (V4[:6] + "1" + V4[7:], "barcode_iban"),
    (V4[:-4] + "1399", "barcode_date"),
])
def test_barcode_errors(code, error):
    with pytest.raises(f.FinanceError) as e:
        f.parse_barcode(code)
    assert e.value.code == error


def test_barcode_without_due_date():
    code = f.build_barcode(IBAN, 0, "11112", None)
    assert code.endswith("000000")
    assert f.parse_barcode(code).due is None


bases = st.integers(min_value=100, max_value=10**19 - 1).map(str)
finnish_ibans = st.text(alphabet="0123456789", min_size=14, max_size=14).map(
    lambda bban: "FI" + f.mod_97_10.calc_check_digits(bban + "FI") + bban)
due_dates = st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
amounts = st.integers(min_value=0, max_value=f.MAX_EUROS * 100 + 99)


@given(bases)
def test_built_references_validate(base):
    ref = f.build_reference(base)
    assert f.validate_reference(ref) == ref
    assert f.validate_reference(f.format_reference(ref)) == ref
    rf = f.build_rf(ref)
    assert f.validate_rf(rf) == rf
    assert f.validate_rf(f.format_rf(rf)) == rf


@given(bases, st.data())
def test_a_changed_digit_is_caught(base, data):
    ref = f.build_reference(base)
    position = data.draw(st.integers(min_value=0, max_value=len(ref) - 1))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != ref[position]]))
    if position == 0 and digit == "0":
        digit = "1" if ref[0] != "1" else "2"  # a leading zero would only shorten the number
    changed = ref[:position] + digit + ref[position + 1:]
    assert not f.is_valid_reference(changed)
    rf = f.build_rf(ref)
    with pytest.raises(f.FinanceError):
        f.validate_rf(rf[:4] + changed)


@settings(max_examples=300)
@given(finnish_ibans, amounts, bases, st.booleans(), due_dates)
def test_barcodes_parse_back_to_the_same_fields(account, amount, base, rf, due):
    reference = f.build_reference(base)
    if rf:
        reference = f.build_rf(reference)
    code = f.build_barcode(account, amount, reference, due)
    assert len(code) == 54 and code.isdigit()
    assert f.parse_barcode(code) == f.Barcode(5 if rf else 4, account, amount, reference, due)
