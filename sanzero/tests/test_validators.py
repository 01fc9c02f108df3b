import pytest

from sanzero.validators import (
    credit_code_checksum_ok,
    id_number_ok,
    mask_id_number,
    mask_phone,
    normalize_phone,
    validate_phone,
)


def test_published_credit_code_passes_the_checksum():
    assert credit_code_checksum_ok("91350100M000100Y43")


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # check character changed
        "91350100M000101Y43",  # a body character changed
        "91350100M00010Y43",  # one character short
        "91350100M000100Y4I",  # forbidden letter I
        "",
    ],
)
def test_altered_credit_codes_fail_the_checksum(code):
    assert not credit_code_checksum_ok(code)


def test_lowercase_credit_code_is_not_valid_until_normalised():
    assert not credit_code_checksum_ok("91350100m000100y43")


def test_id_number_checksum():
    assert id_number_ok("11010519491231002X")
    assert not id_number_ok("110105194912310021")
    assert not id_number_ok("1101051949123100")


def test_masking():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13812341234") == "138****1234"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("0351-1234567", "0351-1234567"),
    ],
)
def test_phone_normalisation(raw, expected):
    validate_phone(raw)
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345678901", "1381234567", "abc", "021-12"])
def test_bad_phones_are_refused_in_chinese(raw):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="联系电话格式不正确"):
        validate_phone(raw)
