"""Checking and importing the rows of a spreadsheet.

`import_preview` reads an upload, checks every row and records an ImportRun holding the rows
and what the check found; nothing else is written. `import_commit` checks the stored rows
again (records may have changed since the preview) and writes every valid row in one
transaction — or, "all or nothing", none if any row has an error. Lookups (districts, groups,
existing members) are read once per check into dicts, and members are written in bulk with
their change history, so 20,000 rows take seconds, not minutes.
"""

import functools
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from groups.models import ActivityType, District, GroupCodeCounter, Jamoat, SelfHelpGroup
from imports import columns as cols
from imports.models import ImportRun
from imports.reader import MAX_ROWS, ImportFileError, Table, read_upload
from members.models import Member
from members.selectors import name_duplicates
from rmp_portal.core import access
from rmp_portal.core import cache as data_cache
from rmp_portal.core.history import format_value
from rmp_portal.core.phones import normalize_phone
from rmp_portal.core.text import search_key

logger = logging.getLogger(__name__)
# Names are folded several times per row (matching, duplicates); a file repeats them too.
_folded = functools.lru_cache(maxsize=65536)(search_key)

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
BATCH = 1000
# Words that name the kind of place, not the place: "Ноҳияи Ашт", "Аштский район", "г. Худжанд".
# Kept as search keys, since the names they are taken from are (rayon -> raen, town -> tovn).
_PLACE_WORDS = {search_key(word) for word in (
    "nohiyai", "nohiya", "ноҳияи", "ноҳия", "rayon", "rayoni", "raion", "район", "district",
    "shahri", "shahr", "шаҳри", "g", "г", "gorod", "город", "city", "town", "jamoati",
    "jamoat", "ҷамоати", "shahraki", "dj", "j")}  # fmt: skip
# Relations are looked up by the checker (a foreign key's own check is a query per row);
# derived fields are set on saving.
MEMBER_NOT_CHECKED = ["group", "transferred_from", "created_by", "updated_by", "search_key",
                      "name_key", "phone_digits"]  # fmt: skip
_PARENTHESES = re.compile(r"\([^)]*\)")
OUTSIDE = _("This record is outside your districts.")
GROUP_FIELDS = ("name", "district", "jamoat", "village", "established_on", "status",
                "dissolved_on", "notes")  # fmt: skip
MEMBER_FIELDS = ("surname", "given_name", "patronymic", "sex", "birth_year", "phone",
                 "role", "joined_on", "left_on", "head_of_household", "migration_link",
                 "skills")  # fmt: skip


@dataclass
class RowResult:
    number: int  # the row's number in the spreadsheet (headings are row 1)
    status: str = NEW
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column key or "", message)
    warnings: list[str] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new)
    label: str = ""
    target: Any = None  # the record to save (not stored)
    activities: list | None = None
    duplicate_suspect: bool = False
    source: str = ""  # the id the row was made with elsewhere (rows not from a file)

    def error(self, key: str, message) -> None:
        self.errors.append((key, str(message)))

    def as_json(self) -> dict:
        data: dict = {"n": self.number, "s": self.status, "l": self.label}
        if self.errors:
            data["e"] = [list(e) for e in self.errors]
        if self.warnings:
            data["w"] = self.warnings
        if self.changes:
            data["c"] = [list(c) for c in self.changes]
        if self.source:
            data["src"] = self.source
        return data


@dataclass
class Check:
    kind: str
    positions: dict[str, int]  # column key -> index in the file
    results: list[RowResult]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def errors(self) -> int:
        return self.count(ERROR)


# Reading and headings -------------------------------------------------------------------


def read_headers(kind: str, table: Table) -> dict[str, int]:
    positions, unknown, repeated = cols.match_headers(kind, table.headers)
    if repeated:
        raise ImportFileError(
            _("These columns appear twice: %(names)s.") % {"names": ", ".join(repeated)}
        )
    required = [c for c in cols.COLUMNS[kind] if c.required]
    missing = [str(c.label) for c in required if c.key not in positions]
    if kind == "members" and "full_name" not in positions:
        missing += [
            str(c.label)
            for c in cols.MEMBER_COLUMNS
            if c.key in ("surname", "given_name") and c.key not in positions
        ]
    if missing:
        message = _(
            "The file does not have the columns this import needs: %(missing)s. "
            "Download the template to see the expected headings."
        ) % {"missing": ", ".join(missing)}
        if unknown:
            message += " " + gettext("Headings not recognised: %(names)s.") % {
                "names": ", ".join(h[:40] for h in unknown[:10])
            }
        raise ImportFileError(message)
    return positions


@transaction.atomic
def import_preview(*, user, kind: str, upload) -> ImportRun:
    """Read and check an upload; raises ImportFileError when the file as a whole is unusable
    (nothing is recorded then)."""
    table = read_upload(upload)
    read_headers(kind, table)
    run = ImportRun(user=user, kind=kind, file_name=(upload.name or "")[:255])
    run.headers = table.headers
    run.rows = table.rows
    check = check_rows(user=user, kind=kind, headers=run.headers, rows=run.rows)
    _record(run, check)
    run.save()
    return run


def _record(run: ImportRun, check: Check) -> None:
    run.results = [r.as_json() for r in check.results]
    run.new_count = check.count(NEW)
    run.updated_count = check.count(UPDATE)
    run.unchanged_count = check.count(UNCHANGED)
    run.error_count = check.errors


def check_rows(
    *, user, kind: str, headers: list, rows: list, source_ids: list | None = None
) -> Check:
    positions = read_headers(kind, Table(headers=headers, rows=rows))
    checker = (GroupChecker if kind == "groups" else MemberChecker)(user, positions, rows)
    results = checker.run()
    if source_ids:
        _link_sources(checker, kind, results, source_ids)
    return Check(kind=kind, positions=positions, results=results)


# Rows from another system (source ids) ----------------------------------------------------

SOURCE_TAKEN = _("This submission was already imported: a record has its source id.")


def _model(kind: str):
    return SelfHelpGroup if kind == "groups" else Member


def _taken_source_ids(kind: str, source_ids) -> dict[str, int]:
    """Source id -> pk of the record of this kind that has it."""
    wanted = sorted({s for s in source_ids if s})
    taken: dict[str, int] = {}
    for chunk in _chunks(wanted, BATCH):
        records = _model(kind).objects.filter(source_id__in=chunk)
        taken.update(records.values_list("source_id", "pk"))
    return taken


def _link_sources(checker, kind: str, results: list[RowResult], source_ids: list) -> None:
    """Each row's source id goes onto the record it creates (or updates, when that record has
    none yet); a row whose id another record already has is an error: imported before (a
    pending run confirmed meanwhile). Unchanged rows write nothing, so they link nothing."""
    taken = _taken_source_ids(kind, source_ids)
    seen: dict[str, int] = {}
    for result in results:
        index = result.number - 2
        source = source_ids[index] if index < len(source_ids) else None
        if not source:
            continue
        result.source = source
        target = result.target
        owner = taken.get(source)
        if source in seen:
            result.error("", _("Duplicate of row %(row)d.") % {"row": seen[source]})
        elif owner is not None and (target is None or target.pk != owner):
            result.error("", SOURCE_TAKEN)
        seen.setdefault(source, result.number)
        if result.errors:
            result.status = ERROR
            continue
        if result.status in (NEW, UPDATE) and target.source_id is None:
            target.source_id = source
            if target.pk:
                field = target._meta.get_field("source_id")
                result.changes.append((str(field.verbose_name), "—", source))
        result.status = checker.status(result)


def known_source_ids(*, kind: str, source_ids) -> set[str]:
    """Those of `source_ids` already on a record of this kind, or waiting in an open run."""
    wanted = {s for s in source_ids if s}
    known = set(_taken_source_ids(kind, wanted))
    pending = ImportRun.objects.filter(kind=kind, status=ImportRun.Status.PREVIEWED).exclude(
        source_ids=[]
    )
    for ids in pending.values_list("source_ids", flat=True):
        known.update(wanted.intersection(ids))
    return known


@transaction.atomic
def import_rows(
    *,
    user,
    kind: str,
    headers: list[str],
    rows: list[list],
    source_ids: list[str],
    file_name: str,
    into: ImportRun | None = None,
) -> tuple[ImportRun | None, int]:
    """Rows that come from another system with their source ids, not from a file: those whose
    id is already known (on a record, or waiting in an open run) or repeated are left out and
    counted as skipped; the rest are checked like a file's and wait in an open run for the
    user to confirm — a new run, or `into`, an open run with the same headings, re-checked as
    a whole. Returns the run (None when nothing was left and no `into`) and the skipped count.
    """
    known = known_source_ids(kind=kind, source_ids=source_ids)
    fresh_rows, fresh_ids = [], []
    for row, source in zip(rows, source_ids, strict=True):
        if source and source in known:
            continue
        if source:
            known.add(source)
        fresh_rows.append(row)
        fresh_ids.append(source)
    skipped = len(rows) - len(fresh_rows)
    if not fresh_rows:
        return into, skipped
    if into is not None:
        run = ImportRun.objects.select_for_update().get(pk=into.pk)
        if not run.is_open:
            raise ImportRefused(_("This import was already confirmed or discarded."))
        if run.headers != headers or run.kind != kind:
            raise ValueError("rows added to a run must have its kind and headings")
        if len(run.source_ids) != len(run.rows):
            # A file's run has no ids: the new ids would line up with its first rows.
            raise ValueError("rows with source ids are added only to a run of such rows")
    else:
        run = ImportRun(user=user, kind=kind, file_name=file_name[:255], headers=headers)
    if len(run.rows) + len(fresh_rows) > MAX_ROWS:
        raise ImportFileError(
            _("More than %(max)d rows in one import: confirm or discard the waiting one first.")
            % {"max": MAX_ROWS}
        )
    run.rows = [*run.rows, *fresh_rows]
    # A run's rows and their ids stay aligned: a file run has no ids (an empty list).
    run.source_ids = [*run.source_ids, *fresh_ids]
    run.skipped_count += skipped
    check = check_rows(
        user=run.user, kind=kind, headers=run.headers, rows=run.rows, source_ids=run.source_ids
    )
    _record(run, check)
    run.save()
    return run, skipped


# Shared ------------------------------------------------------------------------------------


def phone_value(cell) -> str:
    """A phone cell as the member form stores it (E.164, rmp_portal.core.phones): a number a
    spreadsheet keeps as a number (921234567) too; a cell that is not a valid number is the
    row's error, and the row is not imported."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    try:
        return normalize_phone(cols.text(cell))
    except ValidationError as error:
        raise cols.CellError(error.error_list[0].message) from None


class Checker:
    columns: list[cols.ImportColumn] = []

    def __init__(self, user, positions: dict[str, int], rows: list):
        self.user = user
        self.scope = access.scope_for(user)
        self.positions = positions
        self.rows = rows
        self.parsers = cols.Parsers.build()
        self.today = timezone.localdate()
        self.by_key = {c.key: c for c in self.columns}

    def cells(self, row: list) -> dict[str, Any]:
        return {key: row[index] for key, index in self.positions.items()}

    def parse(self, result: RowResult, raw: dict[str, Any]) -> dict[str, Any]:
        """The row's present columns as values; a cell that cannot be read is an error."""
        values = {}
        for key, cell in raw.items():
            column = self.by_key[key]
            try:
                values[key] = self.parse_cell(column, cell)
            except cols.CellError as error:
                result.error(key, error.message)
        return values

    def parse_cell(self, column: cols.ImportColumn, cell):
        if column.kind == "date":
            return cols.date_value(cell)
        if column.kind == "year":
            return cols.year_value(cell)
        if column.kind == "choice":
            return self.parsers.choice(column.key)(cell)
        if column.kind == "bool":
            return cols.bool_value(cell, self.parsers.bools)
        if column.key == "phone":
            return phone_value(cell)
        return cols.text(cell)

    def validate(self, result: RowResult, instance, exclude: list[str]) -> None:
        """The model's own field checks (lengths, choices) and rules, as cell errors."""
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            self.add_errors(result, error)

    def add_errors(self, result: RowResult, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                key = name if name in self.positions else ""
                for message in errors:
                    result.error(key, " ".join(message.messages))
        else:
            for message in error.messages:
                result.error("", message)

    def compare(self, result: RowResult, instance, values: dict[str, Any], fields) -> None:
        """Set the row's values on the record, noting what changes (for an existing one)."""
        if instance.pk is None:
            for name in fields:
                if name in values:
                    setattr(instance, name, values[name])
            return
        for name in fields:
            if name not in values:
                continue
            model_field = instance._meta.get_field(name)
            old = getattr(instance, model_field.attname)
            new = values[name]
            if model_field.is_relation:
                new_id = new.pk if new is not None else None
                if old != new_id:
                    result.changes.append(
                        (
                            str(model_field.verbose_name),
                            str(getattr(instance, name)) if old is not None else "—",
                            str(new or "—"),
                        )
                    )
                setattr(instance, name, new)
                continue
            if old != new:
                result.changes.append(
                    (
                        str(model_field.verbose_name),
                        format_value(model_field, old),
                        format_value(model_field, new),
                    )
                )
            setattr(instance, name, new)

    def blank_to_default(self, values: dict[str, Any], instance, fields) -> None:
        """An empty cell leaves an existing record's field as it is (a sheet with a few
        columns filled in never wipes the rest); for a new record it means "none", or the
        default of a choice or a yes/no."""
        for name in fields:
            if name not in values or values[name] not in (None, ""):
                continue
            if instance.pk:
                del values[name]
                continue
            model_field = instance._meta.get_field(name)
            if model_field.has_default():
                values[name] = model_field.get_default()
            elif model_field.get_internal_type() in ("CharField", "TextField"):
                values[name] = ""
            else:
                values[name] = None

    def required(self, result: RowResult, values: dict[str, Any], names) -> None:
        for name in names:
            if name in values and values[name] in (None, ""):
                result.error(name, _("This cell cannot be empty."))

    def status(self, result: RowResult) -> str:
        if result.target is None or result.target.pk is None:
            result.changes = []  # every value is new: the row itself shows them
        if result.errors:
            return ERROR
        if result.target.pk is None:
            return NEW
        return UPDATE if result.changes else UNCHANGED

    def run(self) -> list[RowResult]:
        raise NotImplementedError


def district_lookup() -> dict[str, set[int]]:
    """Every way a district is written, folded: current name in the three languages, former
    names, with and without words such as "district" or "Ноҳияи"."""
    lookup: dict[str, set[int]] = defaultdict(set)
    for district in District.objects.all():
        names = [district.name, district.name_ru, district.name_tg]
        names += district.former_names.split(";")
        for name in names:
            key = search_key(_PARENTHESES.sub(" ", name or ""))
            if not key:
                continue
            lookup[key].add(district.pk)
            short = " ".join(w for w in key.split() if w not in _PLACE_WORDS)
            if short:
                lookup[short].add(district.pk)
    return lookup


def name_lookup(objects) -> dict[str, list]:
    lookup: dict[str, list] = defaultdict(list)
    for obj in objects:
        keys = set()
        for name in (obj.name, obj.name_ru, obj.name_tg):
            key = search_key(name or "")
            if key:
                keys.add(key)
                short = " ".join(w for w in key.split() if w not in _PLACE_WORDS)
                if short:
                    keys.add(short)
        for key in keys:
            lookup[key].append(obj)
    return lookup


def _place_key(value: str) -> list[str]:
    key = search_key(value)
    short = " ".join(w for w in key.split() if w not in _PLACE_WORDS)
    return [key, short] if short and short != key else [key]


# Groups -----------------------------------------------------------------------------------


class GroupChecker(Checker):
    columns = cols.GROUP_COLUMNS

    def __init__(self, user, positions, rows):
        super().__init__(user, positions, rows)
        self.districts = {d.pk: d for d in District.objects.select_related("province")}
        self.district_keys = district_lookup()
        self.jamoats = defaultdict(dict)
        for district_id, jamoats in _group_by(Jamoat.objects.all(), "district_id").items():
            self.jamoats[district_id] = name_lookup(jamoats)
        self.activity_keys = name_lookup(ActivityType.objects.all())
        codes = set()
        if "code" in positions:
            for row in rows:
                if row is not None and isinstance(row[positions["code"]], str):
                    codes.add(row[positions["code"]].strip().upper())
        self.existing = {}
        for chunk in _chunks(sorted(codes), BATCH):
            for group in (
                SelfHelpGroup.objects.filter(code__in=chunk)
                .select_related("district__province", "jamoat")
                .prefetch_related("activities")
            ):
                self.existing[group.code] = group

    def run(self) -> list[RowResult]:
        results = []
        seen_codes: dict[str, int] = {}
        seen_new: dict[tuple, int] = {}
        for index, row in enumerate(self.rows):
            if row is None:
                continue
            result = RowResult(number=index + 2)
            results.append(result)
            self.check_row(result, row)
            key = None
            if result.target is not None and result.target.pk:
                key = ("code", result.target.code)
                seen = seen_codes
            elif result.target is not None and result.target.district_id:
                key = (result.target.district_id, search_key(result.target.name))
                seen = seen_new
            if key is not None:
                if key in seen:
                    result.error(
                        "code" if key[0] == "code" else "name",
                        _("Duplicate of row %(row)d.") % {"row": seen[key]},
                    )
                else:
                    seen[key] = result.number
            result.status = self.status(result)
        return results

    def check_row(self, result: RowResult, row: list) -> None:
        raw = self.cells(row)
        values = self.parse(result, raw)
        code = (values.pop("code", "") or "").upper()
        group = None
        if code:
            group = self.existing.get(code)
            if group is None:
                result.error(
                    "code",
                    _("No group has the code %(code)s. Leave the code empty for a new group.")
                    % {"code": code[:20]},
                )
                return
        result.label = code or values.get("name", "")
        if group is not None and not self.scope.may_read_province(group.district.province_id):
            # Another province's registry: the user may not read it, so the row says nothing
            # of the stored group (no changes, no "unchanged"), whatever the file holds.
            result.error("code", OUTSIDE)
            return
        district = None
        if "district" in values and not values["district"] and group is not None:
            del values["district"]  # an empty cell keeps the group where it is
        elif "district" in values:
            district = self.find_district(result, values["district"])
            values["district"] = district
        jamoat_name = values.pop("jamoat", None)
        activities_text = values.pop("activities", None)
        if group is None:
            group = SelfHelpGroup(created_by=self.user)
        original_district_id = group.district_id
        self.blank_to_default(values, group, GROUP_FIELDS)
        self.required(result, values, ("name", "established_on"))
        target_district = district or (group.district if group.district_id else None)
        if (
            "jamoat" in self.positions
            and target_district is not None
            and (jamoat_name or group.pk is None)
        ):
            values["jamoat"] = self.find_jamoat(result, target_district, jamoat_name)
        activities = None
        if activities_text or (activities_text is not None and group.pk is None):
            activities = self.find_activities(result, activities_text)
        old_activities = {a.pk for a in group.activities.all()} if group.pk else set()
        if result.errors and group.pk is None:
            result.target = group
            return
        self.compare(result, group, {k: v for k, v in values.items() if k in GROUP_FIELDS},
                     GROUP_FIELDS)  # fmt: skip
        if activities is not None and {a.pk for a in activities} != old_activities:
            result.changes.append(
                (
                    str(_("Activities")),
                    _activity_names(old_activities, self.activity_keys),
                    ", ".join(sorted(str(a) for a in activities)) or "—",
                )
            )
            result.activities = activities
        result.target = group
        if group.pk and not result.changes:
            return  # unchanged: written nowhere, so no scope or rule to check
        in_scope = self.scope.may_edit_district(group.district_id) and (
            original_district_id is None or self.scope.may_edit_district(original_district_id)
        )
        if group.district_id and not in_scope:
            result.error("district", OUTSIDE)
            return
        self.validate(result, group, exclude=["code", "district", "jamoat", "created_by",
                                               "updated_by", "search_key"])  # fmt: skip
        if not any(k == "established_on" for k, _m in result.errors) and group.district_id:
            try:
                group.clean()
            except ValidationError as error:
                self.add_errors(result, error)

    def find_district(self, result: RowResult, value: str) -> District | None:
        if not value:
            result.error("district", _("Give the district."))
            return None
        ids = set()
        for key in _place_key(value):
            ids = self.district_keys.get(key, set())
            if ids:
                break
        if len(ids) != 1:
            result.error(
                "district",
                _("Unknown district “%(value)s”.") % {"value": value[:60]}
                if not ids
                else _("“%(value)s” names more than one district.") % {"value": value[:60]},
            )
            return None
        return self.districts[next(iter(ids))]

    def find_jamoat(self, result: RowResult, district: District, value: str | None):
        if not value:
            return None
        for key in _place_key(value):
            found = self.jamoats[district.pk].get(key)
            if found:
                if len(found) == 1:
                    return found[0]
                break
        result.error(
            "jamoat",
            _("There is no jamoat “%(value)s” in %(district)s.")
            % {"value": value[:60], "district": district},
        )
        return None

    def find_activities(self, result: RowResult, value: str) -> list:
        found = []
        for part in re.split(r"[;,\n]", value):
            if not part.strip():
                continue
            matches = self.activity_keys.get(search_key(part))
            if not matches:
                result.error(
                    "activities",
                    _("Unknown activity type “%(value)s”.") % {"value": part.strip()[:60]},
                )
            else:
                found.append(matches[0])
        return found


def _activity_names(pks: set, lookup: dict) -> str:
    names = {obj.pk: str(obj) for objs in lookup.values() for obj in objs}
    return ", ".join(sorted(names.get(pk, f"#{pk}") for pk in pks)) or "—"


# Members ----------------------------------------------------------------------------------


class MemberChecker(Checker):
    columns = cols.MEMBER_COLUMNS

    def __init__(self, user, positions, rows):
        super().__init__(user, positions, rows)
        codes = set()
        for row in rows:
            if row is not None and isinstance(row[positions["group"]], str):
                codes.add(cols.text(row[positions["group"]]).upper())
        self.groups: dict[str, SelfHelpGroup] = {}
        for chunk in _chunks(sorted(codes), BATCH):
            for group in SelfHelpGroup.objects.filter(code__in=chunk).select_related("district"):
                self.groups[group.code] = group
        # Existing members of those groups, by group and folded name.
        self.members: dict[tuple, list[Member]] = defaultdict(list)
        self.leaders: dict[int, set[int]] = defaultdict(set)
        group_ids = [g.pk for g in self.groups.values()]
        for chunk in _chunks(group_ids, BATCH):
            for member in Member.objects.filter(group_id__in=chunk).order_by("pk"):
                key = (member.group_id, _folded(member.surname, member.given_name))
                self.members[key].append(member)
                if member.role == Member.Role.LEADER and member.left_on is None:
                    self.leaders[member.group_id].add(member.pk)
        self.by_pk = {m.pk: m for ms in self.members.values() for m in ms}
        self.claimed: set[int] = set()  # records matched by earlier rows

    def run(self) -> list[RowResult]:
        results = []
        seen: dict[tuple, int] = {}
        matched: dict[int, int] = {}
        for index, row in enumerate(self.rows):
            if row is None:
                continue
            result = RowResult(number=index + 2)
            results.append(result)
            self.check_row(result, row)
            member = result.target
            if member is None:
                continue
            if member.pk:
                if member.pk in matched:
                    result.error("", _("Duplicate of row %(row)d.") % {"row": matched[member.pk]})
                else:
                    matched[member.pk] = result.number
            else:
                key = (
                    member.group_id,
                    _folded(member.surname, member.given_name),
                    member.birth_year,
                    member.joined_on,
                )
                if key in seen:
                    result.error("", _("Duplicate of row %(row)d.") % {"row": seen[key]})
                else:
                    seen[key] = result.number
        self.check_leaders(results)
        self.check_possible_duplicates(results)
        for result in results:
            result.status = self.status(result)
        return results

    def check_row(self, result: RowResult, row: list) -> None:
        raw = self.cells(row)
        values = self.parse(result, raw)
        code = (values.pop("group", "") or "").upper()
        full_name = values.pop("full_name", None)
        if full_name is not None and "surname" not in values and "given_name" not in values:
            surname, _space, given = full_name.partition(" ")
            values["surname"], values["given_name"] = surname.strip(), given.strip()
        result.label = " ".join(v for v in (values.get("surname"), values.get("given_name")) if v)
        group = self.groups.get(code)
        if not code:
            result.error("group", _("Give the group's registry code."))
        elif group is None:
            result.error("group", _("No group has the code %(code)s.") % {"code": code[:20]})
        for name in ("surname", "given_name"):
            if not values.get(name):
                key = name if name in self.positions else "full_name"
                result.error(key, _("This cell cannot be empty."))
        if group is None or result.errors and not values.get("surname"):
            return
        if not self.scope.may_read_province(group.district.province_id):
            # Another province's registry: nothing of its members is matched or shown (no
            # changes, no "unchanged"), so the answer is the same whoever the row names.
            result.error("group", OUTSIDE)
            return
        if not self.scope.may_see_personal_data(group.district_id):
            # An export leaves these empty where the user may not see them: not "none".
            for column in self.columns:
                if column.personal:
                    values.pop(column.key, None)
        member = self.match(result, group, values)
        if member is None and result.errors:
            return
        if member is not None and full_name == f"{member.surname} {member.given_name}":
            # The export's one name column: keep the record's split into surname and name.
            values["surname"], values["given_name"] = member.surname, member.given_name
        if member is None:
            member = Member(group=group, created_by=self.user)
        else:
            member.group = group  # the same group, already read: no query per row
        self.blank_to_default(values, member, MEMBER_FIELDS)
        self.required(result, values, ("sex", "joined_on"))
        result.target = member
        if result.errors:
            return
        self.compare(result, member, values, MEMBER_FIELDS)
        if member.pk and not result.changes:
            return
        if not self.scope.may_edit_district(group.district_id):
            result.error("group", OUTSIDE)
            return
        if member.pk is None and group.status == SelfHelpGroup.Status.DISSOLVED:
            result.error("group", _("This group is dissolved."))
        self.validate(result, member, exclude=MEMBER_NOT_CHECKED)
        self.rules(result, member)

    def match(self, result: RowResult, group, values) -> Member | None:
        """The existing membership the row describes: same group and name (in either
        script); then the same birth year (or one side without), the same date of joining,
        and — between records alike in all that — the one equal to the row."""
        candidates = self.members.get(
            (group.pk, _folded(values.get("surname"), values.get("given_name"))), []
        )
        if "birth_year" in values:
            year = values["birth_year"]
            candidates = [m for m in candidates if m.birth_year == year] or [
                m for m in candidates if m.birth_year is None or year is None
            ]
        if len(candidates) > 1 and values.get("joined_on"):
            candidates = [m for m in candidates if m.joined_on == values["joined_on"]]
        if len(candidates) > 1:
            given = {f: v for f, v in values.items() if f in MEMBER_FIELDS and v not in (None, "")}
            alike = [
                m
                for m in candidates
                if m.pk not in self.claimed and all(getattr(m, f) == v for f, v in given.items())
            ]
            candidates = alike[:1] or candidates
        if len(candidates) > 1:
            result.error(
                "",
                _(
                    "This row matches %(count)d members of the group; add the birth year "
                    "and the date of joining to tell them apart."
                )
                % {"count": len(candidates)},
            )
            return None
        if candidates:
            self.claimed.add(candidates[0].pk)
            return candidates[0]
        return None

    def rules(self, result: RowResult, member: Member) -> None:
        """Member.clean()'s rules (Member.rule_errors: dates in the future, leaving before
        joining, a man as leader, the age) without its query per row: leaders are checked for
        the whole file at once."""
        for name, message in member.rule_errors(self.today).items():
            result.error(name, message)

    def check_leaders(self, results: list[RowResult]) -> None:
        """At most one current leader per group once the file is imported."""
        leaders = {group_id: set(pks) for group_id, pks in self.leaders.items()}
        file_leaders: dict[int, list[RowResult]] = defaultdict(list)
        for result in results:
            member = result.target
            if member is None or result.errors:
                continue
            if member.pk and member.pk in leaders.get(member.group_id, set()):
                leaders[member.group_id].discard(member.pk)
            if member.role == Member.Role.LEADER and member.left_on is None:
                file_leaders[member.group_id].append(result)
        for group_id, rows in file_leaders.items():
            others = leaders.get(group_id, set())
            if len(rows) == 1 and not others:
                continue
            for result in rows:
                if others:
                    names = ", ".join(
                        f"{self.by_pk[pk].surname} {self.by_pk[pk].given_name}" for pk in others
                    )
                    message = _(
                        "The group already has a current leader (%(name)s): a group has one "
                        "leader. Make her an ordinary member in this file, or use “Make "
                        "leader” on the member's page."
                    ) % {"name": names}
                else:
                    message = _("Two leaders for one group: rows %(rows)s.") % {
                        "rows": ", ".join(str(r.number) for r in rows)
                    }
                result.error("role", message)

    def check_possible_duplicates(self, results: list[RowResult]) -> None:
        """A new member with the name (and, where the user may see it, the birth year) of a
        current member of another group may be the same person registered twice: the row is
        held back unless the user confirms. Who is named follows members.selectors'
        rule: a member the user may read by name and group, anyone else not at all."""
        new = [r for r in results if r.target is not None and r.target.pk is None and not r.errors]
        if not new:
            return
        found = name_duplicates(
            user=self.user,
            people=[
                (r.target.surname, r.target.given_name, r.target.birth_year, r.target.group_id)
                for r in new
            ],
        )
        for result, duplicates in zip(new, found, strict=True):
            if not duplicates:
                continue
            other = next((d.member for d in duplicates if d.member is not None), None)
            result.duplicate_suspect = True
            if other is None:
                result.warnings.append(
                    gettext(
                        "Possible duplicate of a current member of a group outside your area. "
                        "Imported only if you confirm these are different people."
                    )
                )
                continue
            result.warnings.append(
                gettext(
                    "Possible duplicate of an existing member: %(name)s in group %(code)s. "
                    "Imported only if you confirm these are different people."
                )
                % {"name": f"{other.surname} {other.given_name}", "code": other.group.code}
            )


# Committing --------------------------------------------------------------------------------


class ImportRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def import_commit(
    *, run: ImportRun, user, all_or_nothing: bool = False, accept_duplicates: bool = False
) -> ImportRun:
    """Check the run's rows again and write the valid ones in one transaction. Raises
    ImportRefused (and writes nothing) in all-or-nothing mode when a row has an error, and
    when the database refuses a write; the run then records why. A row clashing on the
    unique source id (a race between two runs holding one submission) is checked again and
    becomes that row's error."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                run = ImportRun.objects.select_for_update().get(pk=run.pk)
                if not run.is_open:
                    raise ImportRefused(_("This import was already confirmed or discarded."))
                check = check_rows(
                    user=user,
                    kind=run.kind,
                    headers=run.headers,
                    rows=run.rows,
                    source_ids=run.source_ids,
                )
                for result in check.results:
                    if result.duplicate_suspect and not accept_duplicates and not result.errors:
                        result.error("", _("Possible duplicate not confirmed: not imported."))
                        result.status = ERROR
                _record(run, check)
                run.all_or_nothing = all_or_nothing
                if all_or_nothing and check.errors:
                    run.save()
                    raise _AllOrNothing(check.errors)
                _write(run, check, user)
                run.status = ImportRun.Status.COMMITTED
                run.finished_at = timezone.now()
                run.save()
                # Bulk writes send no post_save signal: the dashboards' cache is dropped here.
                data_cache.invalidate()
        except _AllOrNothing as refusal:
            # The run's fresh counts were saved in the rolled-back transaction: save them again.
            ImportRun.objects.filter(pk=run.pk).update(
                results=run.results,
                new_count=run.new_count,
                updated_count=run.updated_count,
                unchanged_count=run.unchanged_count,
                error_count=run.error_count,
            )
            raise ImportRefused(
                _("Nothing was imported: %(count)d rows have errors (all or nothing).")
                % {"count": refusal.count}
            ) from None
        except DatabaseError as error:
            if attempt == 1 and _source_clash(run, error):
                # Another run holding the same submission was confirmed meanwhile (the unique
                # index on source_id): checking the rows again makes that row an error.
                continue
            logger.warning("Import #%s refused by the database: %s", run.pk, error)
            message = gettext(
                "Nothing was imported: the database refused a row (someone may have changed "
                "the same records meanwhile). Upload the file again to check it afresh."
            )
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportRun.Status.FAILED, message=message, finished_at=timezone.now()
            )
            raise ImportRefused(message) from error
        return run
    raise AssertionError("the second attempt returns or raises")


def _source_clash(run: ImportRun, error: DatabaseError) -> bool:
    return isinstance(error, IntegrityError) and bool(run.source_ids) and "source_id" in str(error)


class _AllOrNothing(Exception):
    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


def import_discard(*, run: ImportRun) -> ImportRun:
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if not run.is_open:
            raise ImportRefused(_("This import was already confirmed or discarded."))
        run.status = ImportRun.Status.DISCARDED
        run.finished_at = timezone.now()
        run.rows = []  # the upload's personal data is not kept once it is not needed
        run.save()
    return run


def _write(run: ImportRun, check: Check, user) -> None:
    writable = [r for r in check.results if r.status in (NEW, UPDATE)]
    if check.kind == "groups":
        _write_groups(run, writable, user)
    else:
        _write_members(run, writable, user)


def _write_groups(run: ImportRun, results: list[RowResult], user) -> None:
    """Groups one by one: a new one takes its registry code from the province's counter, and
    its activities' history follows the save (simple-history's m2m tracking)."""
    for result in results:
        group = result.target
        group.updated_by = user
        group._change_reason = run.change_reason
        group._history_user = user
        if group.pk is None:
            group.code = GroupCodeCounter.next_code(group.district.province)
        group.save()
        if result.activities is not None:
            group.activities.set(result.activities)


def _write_members(run: ImportRun, results: list[RowResult], user) -> None:
    now = timezone.now()
    new, changed = [], []
    for result in results:
        member = result.target
        member.updated_by = user
        member.refresh_derived()  # bulk_update/bulk_create do not call save()
        if member.pk is None:
            new.append(member)
        else:
            member.updated_at = now
            changed.append(member)
    # A leader stepping down must be written before the one taking over (one current leader
    # per group is a unique index, checked row by row).
    fields = [*MEMBER_FIELDS, "updated_by", "updated_at", "search_key", "name_key",
              "phone_digits", "source_id"]  # fmt: skip
    leads = [m.role == Member.Role.LEADER and m.left_on is None for m in changed]
    leading = [m for m, lead in zip(changed, leads, strict=True) if lead]
    others = [m for m, lead in zip(changed, leads, strict=True) if not lead]
    for batch in (others, leading):
        if batch:
            bulk_update_with_history(
                batch,
                Member,
                fields,
                batch_size=500,
                default_user=user,
                default_change_reason=run.change_reason,
            )
    if new:
        bulk_create_with_history(
            new,
            Member,
            batch_size=500,
            default_user=user,
            default_change_reason=run.change_reason,
        )


# Helpers ----------------------------------------------------------------------------------


def _chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _group_by(objects, attribute: str) -> dict:
    grouped = defaultdict(list)
    for obj in objects:
        grouped[getattr(obj, attribute)].append(obj)
    return grouped
