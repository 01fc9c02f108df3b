"""Checksums and formats shared by forms, imports and services. Messages are for clerks, in Chinese."""

import re

from django.core.exceptions import ValidationError

# GB 32100-2015 统一社会信用代码: 18 characters from this alphabet (no I, O, Z, S, V).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def credit_code_format_ok(code: str) -> bool:
    return bool(USCC_RE.match(code))


def credit_code_checksum_ok(code: str) -> bool:
    """True when the 18th character is the GB 32100 check character of the first 17."""
    if not credit_code_format_ok(code):
        return False
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


def validate_credit_code_format(value: str) -> None:
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError("统一社会信用代码应为18位（当前%(n)d位）。", params={"n": len(code)}, code="length")
    if not credit_code_format_ok(code):
        raise ValidationError("统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）。", code="charset")


# GB 11643-1999 公民身份号码: ISO 7064 MOD 11-2.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_RE = re.compile(r"^\d{17}[\dX]$")


def id_number_ok(value: str) -> bool:
    value = (value or "").strip().upper()
    if not ID_RE.match(value):
        return False
    total = sum(int(ch) * w for ch, w in zip(value[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != value[17]:
        return False
    month, day = int(value[10:12]), int(value[12:14])
    return 1 <= month <= 12 and 1 <= day <= 31


def validate_id_number(value: str) -> None:
    if not id_number_ok(value):
        raise ValidationError("身份证号码无效（应为18位，校验位须正确）。", code="id_number")


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalize_phone(value: str) -> str:
    """Strip spaces and a +86/86 prefix from a mobile number; keep a landline's single dash."""
    raw = (value or "").strip().replace(" ", "")
    if raw.startswith("+86"):
        raw = raw[3:]
    elif raw.startswith("86") and len(raw) == 13:
        raw = raw[2:]
    compact = raw.replace("-", "")
    if MOBILE_RE.match(compact):
        return compact
    return raw


def validate_phone(value: str) -> None:
    phone = normalize_phone(value)
    if MOBILE_RE.match(phone) or LANDLINE_RE.match(phone):
        return
    raise ValidationError("联系电话格式不正确：手机号为11位（如13812345678），固定电话如0351-1234567。", code="phone")


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if MOBILE_RE.match(value):
        return value[:3] + "****" + value[-4:]
    if len(value) > 4:
        return "*" * (len(value) - 4) + value[-4:]
    return "*" * len(value)


#: the largest primary key (DEFAULT_AUTO_FIELD is BigAutoField: a signed 64-bit integer)
MAX_PK = 2**63 - 1


def parse_bounded_int(raw, *, low: int = 0, high: int = MAX_PK) -> int | None:
    """A whole number from a query string within [low, high]; None for anything else.

    Only ASCII digits count ("²".isdigit() is true, int("²") fails), and the length is checked before
    int() runs (int() refuses more than 4,300 digits with a ValueError), so that ?year=99…9, a NUL
    byte or SQL-ish text is "no value", never a 500.
    """
    text = (raw if isinstance(raw, str) else "").strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > len(str(high)):
        return None
    value = int(text)
    return value if low <= value <= high else None
