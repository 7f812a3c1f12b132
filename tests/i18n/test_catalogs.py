"""The translation catalogues are complete, and the compiled .mo files that are committed
(a fresh machine has no gettext to compile them) say the same as the .po files.

makemessages, when gettext is installed, is run on a copy of the sources into a temporary
folder, to check that every marked string has reached the catalogues."""

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# Django's own plural rules for these languages; a catalogue with another rule would
# pluralise our strings differently from Django's.
NPLURALS = {"ru": 4, "tg": 2}
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
# What makemessages reads: the apps and templates, not the tests or the vendored front end.
_SOURCE_IGNORED = {".venv", ".git", "locale", "tests", "static", "staticfiles", "docs"}


def po(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def entries(catalogue) -> list:
    return [e for e in catalogue if not e.obsolete]


def describe(entry) -> str:
    return f"{entry.msgid[:70]!r} ({entry.occurrences[0][0] if entry.occurrences else '?'})"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated(language):
    untranslated = [
        describe(e)
        for e in entries(po(language))
        if not e.msgstr
        and (not e.msgid_plural or not all(e.msgstr_plural.values()) or not e.msgstr_plural)
    ]

    assert not untranslated, f"{len(untranslated)} untranslated in {language}: {untranslated}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_translation_is_fuzzy(language):
    catalogue = po(language)
    fuzzy = [describe(e) for e in entries(catalogue) if "fuzzy" in e.flags]

    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language}: {fuzzy}"
    # msgfmt leaves out a fuzzy header, and with it the plural rule.
    assert not _header_is_fuzzy(language), f"the header of locale/{language} is marked fuzzy"


def _header_is_fuzzy(language: str) -> bool:
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    return bool(re.search(r'^#,[^\n]*\bfuzzy\b[^\n]*\nmsgid ""\nmsgstr ""', text, re.M))


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_plural_rule_is_the_languages(language):
    rule = po(language).metadata.get("Plural-Forms", "")

    assert f"nplurals={NPLURALS[language]};" in rule.replace(" ", ""), rule
    plural = [e for e in entries(po(language)) if e.msgid_plural]
    wrong = [describe(e) for e in plural if len(e.msgstr_plural) != NPLURALS[language]]
    assert not wrong, f"plural entries without {NPLURALS[language]} forms: {wrong}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language):
    """A placeholder missing from, or added to, a translation is a KeyError on the page."""
    wrong = []
    for entry in entries(po(language)):
        expected = set(_PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in filter(None, translations):
            found = set(_PLACEHOLDER.findall(text))
            # A plural form may leave out the number ("одна группа"), nothing else.
            if not found <= expected or (not entry.msgid_plural and found != expected):
                wrong.append(f"{describe(entry)}: {sorted(found)} != {sorted(expected)}")

    assert not wrong, f"placeholders changed in {language}: {wrong}"


def _compiled(catalogue) -> dict:
    """(context, msgid) -> the translations that msgfmt compiles (no fuzzy, no empty)."""
    out = {}
    for e in entries(catalogue):
        if not e.msgid or "fuzzy" in e.flags:
            continue
        if e.msgid_plural:
            forms = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural))
            if all(forms):
                out[(e.msgctxt, e.msgid, e.msgid_plural)] = forms
        elif e.msgstr:
            out[(e.msgctxt, e.msgid, "")] = (e.msgstr,)
    return out


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_matches_the_po(language):
    mo_path = LOCALE / language / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), f"{mo_path.relative_to(ROOT)} is missing: run compilemessages"
    source, compiled = _compiled(po(language)), _compiled(polib.mofile(str(mo_path)))

    missing = [k[1][:60] for k in source if k not in compiled]
    different = [k[1][:60] for k in source if k in compiled and compiled[k] != source[k]]
    extra = [k[1][:60] for k in compiled if k not in source]
    assert not (missing or different or extra), (
        f"locale/{language}/LC_MESSAGES/django.mo is out of date (run `manage.py "
        f"compilemessages -l {language}`): missing {missing[:10]}, different "
        f"{different[:10]}, no longer in the .po {extra[:10]}"
    )
    mo_rule = polib.mofile(str(mo_path)).metadata.get("Plural-Forms", "")
    assert mo_rule == po(language).metadata.get("Plural-Forms", "")


@pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msguniq") is None,
    reason="GNU gettext (xgettext) is not installed: cannot run makemessages",
)
def test_every_marked_string_is_in_the_catalogues(tmp_path):
    """makemessages on a copy of the sources, into a temporary locale folder (never into
    locale/, which translators edit), finds no msgid the catalogues lack."""
    copy = tmp_path / "src"
    for item in ROOT.iterdir():
        if item.is_dir() and item.name not in _SOURCE_IGNORED and not item.name.startswith("."):
            shutil.copytree(item, copy / item.name, ignore=shutil.ignore_patterns("__pycache__"))
    fresh = tmp_path / "locale"
    fresh.mkdir()
    cwd = Path.cwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[str(fresh)], STATIC_ROOT=str(tmp_path / "static")):
            call_command("makemessages", locale=TRANSLATED, verbosity=0, add_location="file")
    finally:
        os.chdir(cwd)

    for language in TRANSLATED:
        found = polib.pofile(str(fresh / language / "LC_MESSAGES" / "django.po"))
        known = {(e.msgctxt, e.msgid) for e in entries(po(language))}
        missing = [describe(e) for e in entries(found) if (e.msgctxt, e.msgid) not in known]
        assert not missing, (
            f"{len(missing)} marked strings are not in locale/{language} (run makemessages "
            f"-l {language}): {missing}"
        )
