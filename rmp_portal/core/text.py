"""Search keys for names typed in Latin or Cyrillic, in one place.

Records keep names exactly as typed. For search, every name is folded into a key: Tajik (or
Russian) Cyrillic is transliterated to Latin, diacritics and case are dropped, and the usual
spelling variants of Tajik names in Latin are merged (Rakhimova / Rahimova, Dzhabbor / Jabbor,
Usmonova / Usmonov). The same function folds the search query, so both scripts find each
other on SQLite and PostgreSQL alike (SQLite's LIKE folds ASCII case only).
"""

import re
import unicodedata

from unidecode import unidecode

# Tajik and Russian Cyrillic to a plain Latin spelling. Letters that differ between the two
# languages' conventions (х/ҳ, ж/ҷ, қ/к, ғ/г) are already folded here to one spelling.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "j", "з": "z", "и": "i", "ӣ": "i", "й": "y", "к": "k", "қ": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ӯ": "u", "ф": "f", "х": "h", "ҳ": "h", "ц": "ts", "ч": "ch", "ҷ": "j", "ш": "sh",
    "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

# Latin spelling variants, applied in order after transliteration.
_LATIN_VARIANTS = [
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("q", "k"),
    ("x", "h"),
    ("yo", "e"),
    ("iy", "i"),
    ("w", "v"),
]
# -ova/-eva and -ov/-ev are the same family name for a woman and a man.
_FEMININE_ENDING = re.compile(r"(ov|ev)a\b")
_NOT_WORD = re.compile(r"[^a-z0-9+]+")


def transliterate(text: str) -> str:
    """Cyrillic (Tajik or Russian) to plain Latin, keeping other characters."""
    out = []
    for char in text:
        lower = char.lower()
        latin = _CYRILLIC.get(lower)
        if latin is None:
            out.append(char)
        elif char != lower and latin:
            out.append(latin[0].upper() + latin[1:])
        else:
            out.append(latin)
    return "".join(out)


def search_key(*parts: str | None) -> str:
    """A name or phrase folded for search: Latin, lower case, variants merged, words
    separated by single spaces. Digits and '+' survive so phone numbers can be searched."""
    text = " ".join(p for p in parts if p)
    text = unicodedata.normalize("NFC", text).casefold()
    text = unidecode(transliterate(text)).lower()
    for variant, canonical in _LATIN_VARIANTS:
        text = text.replace(variant, canonical)
    text = _FEMININE_ENDING.sub(r"\1", text)
    return " ".join(_NOT_WORD.sub(" ", text).split())


def phone_key(phone: str | None) -> str:
    """ASCII digits only, for matching phone numbers however they were written."""
    # str.isdigit() also accepts superscripts and circled digits, which would leak into the
    # key as they are: NFKC folds those and full-width digits to plain ones, and digits of
    # other scripts (Arabic-Indic, as some phone keyboards type) are written as their value.
    text = unicodedata.normalize("NFKC", phone or "")
    return "".join(
        str(unicodedata.decimal(ch)) for ch in text if unicodedata.decimal(ch, None) is not None
    )
