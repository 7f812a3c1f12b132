"""Phone numbers: checked, and stored in one format (E.164, "+992921234567").

Every way a number comes in (the member form, Django admin through the model, the import,
demo data, the offline outbox) calls `normalize_phone`: the number is read with the
`phonenumbers` library, Tajikistan being the default country, so officers type it as they
say it ("92 123 4567", "921234567", "+992 92 123-45-67", "00992 92 123 4567"); a labour
migrant's foreign number ("+7 916 123 45 67") is accepted when it is a valid number of its
country. Anything else is refused with one message saying what a number looks like.

Numbers saved before they were checked may still be anything: `invalid_phone` is the
database condition the data-quality page lists them by.
"""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "TJ"
TAJIKISTAN = "+992"
MESSAGE = _(
    "Enter a phone number: a Tajik mobile number has nine digits after +992 (for example "
    "+992 92 123 4567); a foreign number starts with + and its country code."
)
# What a typed number may hold besides digits: spaces, dashes, brackets, dots and slashes.
# Letters are refused: phonenumbers would read "92 ABC 4567" as a keypad word and a name
# after the number ("921234567 Akbar") is not part of it.
_SEPARATORS = frozenset("+()./")
# 00 is the international prefix on mobiles and in most countries ("00992..."); Tajikistan's
# own (810) phonenumbers reads itself.
_INTERNATIONAL_00 = re.compile(r"^00(?=[1-9])")


def _plain(raw: str) -> str | None:
    """The digits and '+' signs of `raw`, or None when it holds anything else than
    digits (of any script) and separators."""
    text = unicodedata.normalize("NFKC", raw)
    out = []
    for char in text:
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            out.append(str(digit))
        elif char == "+":
            out.append(char)
        elif not (char.isspace() or char in _SEPARATORS or unicodedata.category(char) == "Pd"):
            return None
    return "".join(out)


def normalize_phone(raw: str | None) -> str:
    """The number in E.164 ("+992921234567"), or "" for an empty value. Raises
    ValidationError (code "invalid_phone") for what is not a valid number."""
    if raw is None or not str(raw).strip():
        return ""
    plain = _plain(str(raw))
    if not plain or "+" in plain[1:]:  # a '+' only in front
        raise ValidationError(MESSAGE, code="invalid_phone")
    plain = _INTERNATIONAL_00.sub("+", plain)
    try:
        number = phonenumbers.parse(plain, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(MESSAGE, code="invalid_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(MESSAGE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    """A validator (for a model or form field): refuses what normalize_phone refuses."""
    normalize_phone(value)


def normalized_or_as_is(raw: str | None) -> str:
    """The number in E.164 if it is a valid one, else `raw` as it is: for paths that store
    what they were given (a save, the migration of old values) and must not refuse it."""
    try:
        return normalize_phone(raw)
    except ValidationError:
        return raw or ""


def format_phone(value: str | None) -> str:
    """A stored number for reading: "+992 92 123 4567"; a value that is not a valid number
    is shown as it is."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _tajik_pattern() -> str:
    """A stored Tajik number that is valid, as a regular expression both SQLite (Python's re)
    and PostgreSQL read: "+992" and a national number of one of the kinds phonenumbers knows
    for Tajikistan (mobile, fixed line), taken from its metadata so both always agree."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(DEFAULT_REGION)
    kinds = [
        desc.national_number_pattern
        for desc in (metadata.mobile, metadata.fixed_line)
        if desc is not None and desc.national_number_pattern
    ]
    # \d would also match other scripts' digits on PostgreSQL: ASCII digits only.
    national = "|".join(f"(?:{p})" for p in kinds).replace(r"\d", "[0-9]")
    return rf"^\+992(?:{national})$"


TAJIK_STORED = _tajik_pattern()
# A foreign number as normalize_phone stores it: '+', a country code, 6 to 15 digits in all.
FOREIGN_STORED = r"^\+[1-9][0-9]{5,14}$"


def invalid_phone(field: str = "phone") -> Q:
    """Records whose stored phone is not a number normalize_phone would store: not empty,
    and neither a valid Tajik number in E.164 nor a foreign one in E.164's form.

    Exact for Tajik numbers (the library's own patterns); a foreign number is only checked
    for its form, since every country's patterns would not fit one query: a value in E.164
    form that is not a valid number abroad was not typed in the portal since numbers are
    checked (they all went through normalize_phone), only, at worst, before."""
    tajik = Q(**{f"{field}__regex": TAJIK_STORED})
    foreign = Q(**{f"{field}__regex": FOREIGN_STORED}) & ~Q(**{f"{field}__startswith": TAJIKISTAN})
    return ~Q(**{field: ""}) & ~tajik & ~foreign
