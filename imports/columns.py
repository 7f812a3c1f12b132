"""The columns an import reads, and how a cell becomes a value.

The columns are those of the registry exports (same headings, in any of the portal's three
languages), so a downloaded registry can be brought back in as it is; read-only columns of the
export (counts, the province, a group's leader) are recognised and ignored. A few more columns
(surname and given name apart, a group's activities and notes) come with the templates.
"""

import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from groups.models import SelfHelpGroup
from members.models import Member
from rmp_portal.core.text import search_key

LANGUAGES = ("en", "ru", "tg")
# The export quotes text that a spreadsheet would run as a formula (rmp_portal.core.registry):
# the quote is taken off again so a registry comes back unchanged.
_QUOTED_FORMULA = re.compile(r"^'[=+\-@\t\r]")
_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y", "%Y-%m-%d %H:%M:%S")


class CellError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportColumn:
    key: str
    label: object  # lazy translation: the heading written in templates
    kind: str = "text"  # text, date, year, choice, bool, ref (district, jamoat, ...)
    required: bool = False
    readonly: bool = False  # in the export only: recognised, never read
    personal: bool = False
    aliases: tuple[str, ...] = ()  # other headings accepted (Russian, Tajik, older names)
    in_template: bool = True


GROUP_COLUMNS = [
    ImportColumn("code", _("Code"), aliases=("Registry code", "Код", "Рамз")),
    ImportColumn("name", _("Name"), required=True, aliases=("Название", "Ном", "Номи гурӯҳ")),
    ImportColumn("district", _("District"), "ref", required=True, aliases=("Район", "Ноҳия")),
    ImportColumn("province", _("Province"), readonly=True, aliases=("Область", "Вилоят")),
    ImportColumn("status", _("Status"), "choice", aliases=("Статус", "Вазъият", "Ҳолат")),
    ImportColumn(
        "established_on",
        _("Established"),
        "date",
        required=True,
        aliases=("Established on", "Дата создания", "Создана", "Таъсис", "Санаи таъсис"),
    ),
    ImportColumn("women", _("Women"), readonly=True, aliases=("Женщины", "Занон")),
    ImportColumn("men", _("Men"), readonly=True, aliases=("Мужчины", "Мардон")),
    ImportColumn("cooperative", _("Cooperative"), readonly=True, aliases=("Кооператив",)),
    ImportColumn("leader", _("Leader"), readonly=True, aliases=("Лидер", "Роҳбар")),
    ImportColumn("jamoat", _("Jamoat"), "ref", aliases=("Джамоат", "Ҷамоат")),
    ImportColumn("village", _("Village"), aliases=("Село", "Деҳа", "Кишлак")),
    ImportColumn(
        "dissolved_on",
        _("Dissolved"),
        "date",
        aliases=("Dissolved on", "Дата роспуска", "Распущена", "Барҳам хӯрд"),
    ),
    ImportColumn("activities", _("Activities"), "ref", aliases=("Виды деятельности", "Фаъолият")),
    ImportColumn("notes", _("Notes"), aliases=("Примечания", "Қайдҳо", "Эзоҳ")),
]

MEMBER_COLUMNS = [
    # The export writes "surname given name" in one column; the templates have two.
    ImportColumn("full_name", _("Name"), in_template=False, aliases=("ФИО", "Ному насаб")),
    ImportColumn("surname", _("Surname"), aliases=("Фамилия", "Насаб")),
    ImportColumn("given_name", _("Given name"), aliases=("Имя", "Номи худ")),
    ImportColumn("sex", _("Sex"), "choice", required=True, aliases=("Пол", "Ҷинс")),
    ImportColumn(
        "group",
        _("Group"),
        "ref",
        required=True,
        aliases=("Group code", "Группа", "Код группы", "Гурӯҳ", "Рамзи гурӯҳ"),
    ),
    ImportColumn("district", _("District"), readonly=True, aliases=("Район", "Ноҳия")),
    ImportColumn("role", _("Role"), "choice", aliases=("Роль", "Нақш", "Вазифа")),
    ImportColumn(
        "joined_on",
        _("Joined"),
        "date",
        required=True,
        aliases=("Joined on", "Дата вступления", "Вступила", "Санаи узвият", "Аъзо шуд"),
    ),
    ImportColumn(
        "left_on", _("Left"), "date", aliases=("Left on", "Дата выхода", "Вышла", "Баромад")
    ),
    ImportColumn(
        "migration_link",
        _("Migration link"),
        "choice",
        aliases=("Связь с миграцией", "Миграция", "Робита бо муҳоҷират"),
    ),
    ImportColumn("group_name", _("Group name"), readonly=True, aliases=("Название группы",)),
    ImportColumn("province", _("Province"), readonly=True, aliases=("Область", "Вилоят")),
    ImportColumn("patronymic", _("Patronymic"), personal=True, aliases=("Отчество", "Номи падар")),
    ImportColumn(
        "birth_year",
        _("Birth year"),
        "year",
        personal=True,
        aliases=("Год рождения", "Соли таваллуд"),
    ),
    ImportColumn("phone", _("Phone"), personal=True, aliases=("Телефон",)),
    ImportColumn(
        "head_of_household",
        _("Head of household"),
        "bool",
        aliases=("Глава домохозяйства", "Сарвари хонавода"),
    ),
    ImportColumn(
        "skills",
        _("Skills and professional interests"),
        aliases=("Skills", "Навыки", "Малака"),
    ),
]

COLUMNS = {"groups": GROUP_COLUMNS, "members": MEMBER_COLUMNS}


def template_columns(kind: str) -> list[ImportColumn]:
    return [c for c in COLUMNS[kind] if c.in_template and not c.readonly]


def in_every_language(label) -> set[str]:
    """The label in each UI language (as the export writes it), folded for matching."""
    keys = set()
    for language in LANGUAGES:
        with translation.override(language):
            keys.add(search_key(str(label)))
    return keys


def match_headers(kind: str, headers: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """Which column of the file holds which field: ({key: index}, unknown headings,
    repeated headings). A heading matches a column's label in any language or an alias."""
    lookup: dict[str, ImportColumn] = {}
    # The labels (as templates and exports write them) before the aliases, the template's
    # columns before the export's combined name.
    ordered = sorted(COLUMNS[kind], key=lambda c: not c.in_template)
    for column in ordered:
        for key in in_every_language(column.label):
            lookup.setdefault(key, column)
    for column in ordered:
        for key in {search_key(a) for a in column.aliases}:
            lookup.setdefault(key, column)
    found: dict[str, int] = {}
    unknown, repeated = [], []
    for index, heading in enumerate(headers):
        if not heading:
            continue
        column = lookup.get(search_key(heading))
        if column is None:
            unknown.append(heading)
        elif column.key in found:
            repeated.append(heading)
        elif not column.readonly:
            found[column.key] = index
    return found, unknown, repeated


# Cells -----------------------------------------------------------------------------------


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        raise CellError(_error_cell(value))
    if isinstance(value, bool):
        return str(value)
    text = str(value).strip()
    if _QUOTED_FORMULA.match(text):
        text = text[1:]
    return text


def _error_cell(value: dict) -> str:
    if value.get("error") == "formula":
        return str(_("This cell holds a formula without a saved value: type the value instead."))
    return str(
        _("This cell holds a formula giving an error (%(error)s): type the value instead.")
        % {"error": value.get("error", "?")}
    )


def date_value(value) -> datetime.date | None:
    raw = text(value)
    if not raw:
        return None
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
        if parsed.year < 1900:
            break
        return parsed
    raise CellError(
        _("“%(value)s” is not a date: write it as 31.12.2019 or 2019-12-31.") % {"value": raw[:40]}
    )


def year_value(value) -> int | None:
    raw = text(value)
    if not raw:
        return None
    if isinstance(value, float) and value.is_integer():
        raw = str(int(value))
    if not re.fullmatch(r"\d{4}", raw):
        raise CellError(_("“%(value)s” is not a year (four digits).") % {"value": raw[:40]})
    return int(raw)


# Choices: the stored code, the label in any language, and what people write by hand.
_CHOICE_ALIASES = {
    "sex": {
        "F": ("f", "w", "woman", "female", "ж", "жен", "женский", "женщина", "з", "зан", "занона"),
        "M": ("m", "man", "male", "м", "муж", "мужской", "мужчина", "мард", "мардона"),
    },
    "role": {
        "leader": ("лидер", "руководитель", "роҳбар", "сарвар"),
        "deputy": ("заместитель", "муовин"),
        "treasurer": ("казначей", "хазинадор"),
        "member": ("участник", "член", "аъзо"),
    },
    "status": {
        "active": ("активная", "действующая", "фаъол"),
        "inactive": ("неактивная", "ғайрифаъол"),
        "dissolved": ("распущена", "распущенная", "барҳамхӯрда"),
    },
    "migration_link": {
        "migrant_family": ("семья мигранта", "оилаи муҳоҷир"),
        "returnee": ("вернувшийся мигрант", "возвращенец", "муҳоҷири баргашта"),
        "migrant": ("мигрант", "трудовой мигрант", "муҳоҷир"),
        "none": ("нет", "не", "-", "—"),
    },
}
_CHOICE_FIELDS = {
    "sex": Member._meta.get_field("sex"),
    "role": Member._meta.get_field("role"),
    "migration_link": Member._meta.get_field("migration_link"),
    "status": SelfHelpGroup._meta.get_field("status"),
}
_BOOL_WORDS = {
    True: ("yes", "y", "true", "1", "да", "д", "ҳа", "x", "✓", "+"),
    False: ("no", "n", "false", "0", "нет", "н", "не", "-", "—"),
}


@functools.lru_cache(maxsize=4096)
def _fold(raw: str) -> str:
    """A choice as typed, folded (a file repeats the same few spellings thousands of times);
    a word of punctuation only ("-") stays as it is."""
    return search_key(raw) or raw


def choice_lookup(key: str) -> dict[str, str]:
    """Folded spelling -> stored value, for one choice field."""
    field = _CHOICE_FIELDS[key]
    lookup: dict[str, str] = {}
    for value, label in field.flatchoices:
        lookup[search_key(value)] = value
        for folded in in_every_language(label):
            lookup.setdefault(folded, value)
        for alias in _CHOICE_ALIASES.get(key, {}).get(value, ()):
            lookup.setdefault(search_key(alias), value)
    return lookup


def bool_lookup() -> dict[str, bool]:
    lookup: dict[str, bool] = {}
    for value, words in _BOOL_WORDS.items():
        for word in (_("yes") if value else _("no"), *words):
            for folded in in_every_language(word) if not isinstance(word, str) else [word]:
                lookup.setdefault(search_key(folded) or folded, value)
    return lookup


def choice_value(value, lookup: dict[str, str], allowed: list[str]) -> str | None:
    raw = text(value)
    if not raw:
        return None
    found = lookup.get(_fold(raw))
    if found is None:
        raise CellError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": raw[:40], "allowed": ", ".join(allowed)}
        )
    return found


def bool_value(value, lookup: dict[str, bool]) -> bool | None:
    if isinstance(value, bool):
        return value
    raw = text(value)
    if not raw:
        return None
    found = lookup.get(_fold(raw))
    if found is None:
        raise CellError(_("“%(value)s” is not yes or no.") % {"value": raw[:40]})
    return found


@dataclass(frozen=True)
class Parsers:
    """Lookups built once per import (choice labels in three languages)."""

    choices: dict[str, dict[str, str]]
    bools: dict[str, bool]
    allowed: dict[str, list[str]]

    @classmethod
    def build(cls) -> "Parsers":
        return cls(
            choices={key: choice_lookup(key) for key in _CHOICE_FIELDS},
            bools=bool_lookup(),
            allowed={
                key: [str(label) for _value, label in field.flatchoices]
                for key, field in _CHOICE_FIELDS.items()
            },
        )

    def choice(self, key: str) -> Callable:
        return lambda value: choice_value(value, self.choices[key], self.allowed[key])
