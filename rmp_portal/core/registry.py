"""What every registry page shares: filters from the query string, sorting, pagination with
one COUNT, and CSV/XLSX export of exactly the filtered rows.

A registry view names its columns once; the same list drives the table header (sort links),
the export headers (in the user's language) and the export cells. Personal-data columns are
left empty in rows the user may not see them for (rmp_portal.core.access decides).

A field officer opens a registry on their own districts: without a filter in the query
string, its district filter (core.filters.DistrictFilter) is read as "My districts", shown
pre-set on the page with a link that widens it to every district they may read."""

import csv
import datetime
import functools
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from openpyxl import Workbook

from rmp_portal.core.access import scope_for
from rmp_portal.core.filters import MY_DISTRICTS, DistrictFilter, offers_my_districts
from rmp_portal.core.models import ReferenceName

PAGE_SIZE = 50
# Query-string keys that choose how the rows are shown, not which: a registry opened with only
# these is "unfiltered" (a field officer then sees their own districts, opens_on_my_districts).
UNFILTERED_PARAMS = frozenset({"sort", "page"})
EXPORT_CHUNK = 2000  # rows fetched at a time by an export
CSV_CHUNK = 64 * 1024  # characters sent at a time by a CSV export
# A search finding at most this many rows sorts them rather than walking the sort column's
# index (see _sorted_not_walked): sorting 50,000 rows takes about 0.1 s.
SORTED_SEARCH_ROWS = 50_000
# Spreadsheet programs run a cell starting with these as a formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class CappedSelect(forms.Select):
    """A <select> for a ModelChoiceFilter over a list that grows with the registry (5,000
    cooperatives at national scale): it lists at most `cap` choices, read with one query of
    at most cap + 1 rows. Beyond that it lists only the chosen record (and says so), rather
    than rendering thousands of options into every registry page (2 s at national scale).
    Validation is the field's, against its whole queryset."""

    cap = 200

    def optgroups(self, name, value, attrs=None):
        iterator = self.choices
        queryset = getattr(iterator, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        field = iterator.field
        rows = [] if field.empty_label is None else [("", field.empty_label)]
        records = list(queryset[: self.cap + 1])
        if len(records) > self.cap:
            chosen = [v for v in value if str(v).isdigit() and len(str(v)) < 10]
            records = list(queryset.filter(pk__in=chosen)) if chosen else []
            rows.append(("", _("(too many to list: filter by district, or open the record)")))
        rows += [iterator.choice(record) for record in records]
        self.choices = rows
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    value: Callable[[Any], Any]
    order_by: str | None = None
    personal: bool = False
    # Some columns are only exported (e.g. phone); the table shows a subset.
    in_table: bool = True


def neutralise(value: Any) -> Any:
    """A value safe for a spreadsheet cell: text that would start a formula is quoted."""
    if type(value) is str:  # most cells: checked first, an export calls this per cell
        return "'" + value if value.startswith(_FORMULA_PREFIXES) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | datetime.date):
        return value
    text = force_str(value)
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


class RegistryListView(ListView):
    """A scoped, filtered, sorted, paginated registry. Subclasses set `columns`,
    `filterset_class`, `default_sort`, `export_name`, `row_template` and `base_queryset()`."""

    template_name = "registry/list.html"
    columns: list[Column] = []
    filterset_class = None
    default_sort = "pk"
    export_name = "registry"
    row_template = ""
    title = ""
    count_label: Callable[[int], str] = staticmethod(lambda n: str(n))
    district_path = "district_id"  # where a row's district is, for personal-data rules
    search_param = "q"  # the free-text search of the filters
    export_url_name = ""  # e.g. "groups:export", a route taking <fmt>
    # A search's count and page keys in one query (_paginate_search): for registries whose
    # search is a look-up in their own trigram-indexed key (members). Not for one whose
    # search ORs in other tables (groups: district, leader), where the planner, misjudging
    # the matches, would sort the whole table first.
    search_counts_with_page = False
    # Exports read plain rows (values_list) into light objects instead of model instances:
    # for registries whose export columns use only fields, related records' fields, choice
    # labels and reference names (members), not model methods or properties.
    export_plain_rows = False

    def base_queryset(self):
        raise NotImplementedError

    def as_of(self):
        """The reporting date of `?as_of=`: it changes the counts a registry shows, so the
        selector needs it before filtering. An invalid date is reported by the filter form."""
        field = self.filterset_class.base_filters["as_of"].field
        try:
            return field.clean(self.request.GET.get("as_of") or None)
        except ValidationError:
            return None

    def my_districts_filter(self) -> str | None:
        """The name of the filter offering "My districts" (a core.filters.DistrictFilter)."""
        for name, filter_ in self.filterset_class.base_filters.items():
            if isinstance(filter_, DistrictFilter):
                return name
        return None

    def opens_on_my_districts(self) -> bool:
        """A field officer opening the registry without a filter in the query string (only a
        sort or a page, or nothing) sees their own districts: the query string is read as if
        it said `district=mine`. Any filter, even an empty one (`?district=`, "all
        districts"), is read as sent."""
        name = self.my_districts_filter()
        if name is None or not offers_my_districts(self.request.user):
            return False
        return all(key in UNFILTERED_PARAMS for key in self.request.GET)

    def filter_data(self):
        """The query string the filters, the sort and page links and the export links read:
        as sent, or with the officer's default (opens_on_my_districts) written out, so that
        every link from the page (a page, a sort, a download) shows the same rows."""
        if not hasattr(self, "_filter_data"):
            data = self.request.GET
            if self.opens_on_my_districts():
                data = data.copy()
                data[self.my_districts_filter()] = MY_DISTRICTS
            self._filter_data = data
        return self._filter_data

    def get_filterset(self):
        if not hasattr(self, "_filterset"):
            self._filterset = self.filterset_class(
                self.filter_data(), queryset=self.base_queryset(), request=self.request
            )
        return self._filterset

    def my_districts_context(self, query) -> dict:
        """Whether the rows are narrowed to the officer's districts, and the link that widens
        them to every district they may read (the other filters kept)."""
        name = self.my_districts_filter()
        filterset = self.get_filterset()
        if name is None or query.get(name) != MY_DISTRICTS or not filterset.is_valid():
            return {"my_districts_only": False}
        widened = query.copy()
        widened[name] = ""  # an explicit "all districts": no default applies
        widened["sort"] = self.sort_key()
        provinces = scope_for(self.request.user).read_province_ids
        return {
            "my_districts_only": True,
            "all_districts_url": "?" + widened.urlencode(),
            "all_districts_label": _("Show the whole province")
            if provinces is not None and len(provinces) == 1
            else _("Show all districts"),
        }

    def sort_key(self) -> str:
        wanted = self.request.GET.get("sort", "")
        keys = {c.key for c in self.columns if c.order_by}
        return wanted if wanted.lstrip("-") in keys else self.default_sort

    def get_queryset(self):
        filterset = self.get_filterset()
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        sort = self.sort_key()
        column = next(c for c in self.columns if c.key == sort.lstrip("-"))
        descending = sort.startswith("-")
        fields = [column.order_by, *self._ties(queryset.model, column.order_by), "pk"]
        return queryset.order_by(*(f"-{f}" if descending else f for f in fields))

    @staticmethod
    def _ties(model, order: str) -> list[str]:
        """Equal values are ordered the way the model orders itself after that field (members:
        surname, then given name), which is also the order of its index (members'
        surname, given_name, id), so a page of a million rows is read off the index."""
        ordering = [f for f in model._meta.ordering if isinstance(f, str)]
        if ordering[:1] != [order]:
            return []
        return [f for f in ordering[1:] if f.lstrip("-") not in ("id", "pk")]

    def paginate_queryset(self, queryset, page_size):
        searched = self._paginate_search(queryset, page_size)
        if searched is not None:
            return searched
        paginator = Paginator(queryset, page_size)
        # get_page clamps bad or out-of-range page numbers instead of failing.
        page = paginator.get_page(self.request.GET.get("page"))
        page.object_list = self._page_rows(queryset, page, paginator.count)
        return paginator, page, page.object_list, page.has_other_pages()

    def _paginate_search(self, queryset, page_size):
        """A search's page and its count in one pass over the matches: the keys of the page
        with `COUNT(*) OVER ()` (sorted, see _sorted_not_walked), then the page's rows. A
        COUNT and a separate search for the page's keys would each find every match (a
        trigram index scan, then the table's rows to recheck: 24,000 rows, ~90 ms each for
        "rahimova" at national scale). None (the usual way) when not searching, and when the
        page is empty or out of range (get_page's clamping then applies)."""
        if not self.search_counts_with_page:
            return None
        if not (self.request.GET.get(self.search_param) or "").strip():
            return None
        if queryset.query.distinct or queryset.query.combinator:
            return None
        raw = self.request.GET.get("page") or "1"
        number = int(raw) if raw.isdigit() and len(raw) < 7 and int(raw) > 0 else 1
        bottom = (number - 1) * page_size
        keys = list(
            queryset.order_by(*_sorted_not_walked(queryset))
            .annotate(registry_total=Window(Count("pk")))
            .values_list("pk", "registry_total")[bottom : bottom + page_size]
        )
        if not keys:
            return None
        paginator = Paginator(queryset, page_size)
        paginator.__dict__["count"] = keys[0][1]  # Paginator.count is a cached_property
        page = paginator.page(number)
        page.object_list = queryset.filter(pk__in=[pk for pk, _total in keys])
        return paginator, page, page.object_list, page.has_other_pages()

    def _page_rows(self, queryset, page, count: int):
        """The page's rows, in one query that finds the page's keys first and computes the
        annotations (headcounts, leader, cooperative) for those rows only: PostgreSQL
        computes the select list of every row an OFFSET skips (page 100 = 4,950 rows of
        correlated subqueries) when it is all one SELECT."""
        if count == 0 or queryset.query.distinct or queryset.query.combinator:
            return page.object_list
        keys = queryset
        if count <= SORTED_SEARCH_ROWS and (self.request.GET.get(self.search_param) or "").strip():
            keys = keys.order_by(*_sorted_not_walked(keys))
        bottom = page.start_index() - 1
        keys = keys.values("pk")[bottom : bottom + self.get_paginate_by(queryset)]
        return queryset.filter(pk__in=keys)

    def get_paginate_by(self, queryset):
        return PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.filter_data().copy()
        query.pop("page", None)
        sort = self.sort_key()
        headers = []
        for column in self.columns:
            if not column.in_table:
                continue
            sort_query = query.copy()
            active = sort.lstrip("-") == column.key
            sort_query["sort"] = (
                f"-{column.key}" if active and not sort.startswith("-") else column.key
            )
            headers.append(
                {
                    "label": column.label,
                    "sortable": bool(column.order_by),
                    "url": "?" + sort_query.urlencode(),
                    "active": active,
                    "descending": active and sort.startswith("-"),
                }
            )
        page_query = query.copy()
        page_query["sort"] = sort
        context.update(
            filter=self.get_filterset(),
            headers=headers,
            querystring=query.urlencode(),
            page_querystring=page_query.urlencode(),
            total=context["paginator"].count,
            count_text=self.count_label(context["paginator"].count),
            row_template=self.row_template,
            export_csv_url=reverse(self.export_url_name, kwargs={"fmt": "csv"}),
            export_xlsx_url=reverse(self.export_url_name, kwargs={"fmt": "xlsx"}),
            title=self.title,
            scope=scope_for(self.request.user),
            can_create=scope_for(self.request.user).can_edit,
            **self.my_districts_context(query),
        )
        return context

    # Export -----------------------------------------------------------------------------

    def export_columns(self) -> list[Column]:
        return list(self.columns)

    def export_rows(self) -> Iterator[list[Any]]:
        scope = scope_for(self.request.user)
        columns = self.export_columns()
        attr = self.district_path.replace("__", ".")
        queryset = self.get_queryset()
        # Every row is read: sorting them beats walking the sort column's index, which a
        # server-side cursor's planner favours (first rows fast), then fetching each row from
        # the table in index order: 3.9 s instead of 0.5 s for 133,000 of 1,000,000 members.
        queryset = queryset.order_by(*_sorted_not_walked(queryset))
        labels = _ChoiceLabels(queryset.model)
        queryset, shared = _SharedReferences.split(queryset)
        # "yes"/"no" in the request's language, once (a lazy string is translated on each use).
        yes, no = force_str(_("yes")), force_str(_("no"))
        personal_ok_in: dict[Any, bool] = {}
        if self.export_plain_rows:
            records = _plain_records(queryset)
        else:
            records = queryset.iterator(chunk_size=EXPORT_CHUNK)
        for obj in records:
            shared.attach(obj)
            district_id = _dig(obj, attr)
            personal_ok = personal_ok_in.get(district_id)
            if personal_ok is None:
                personal_ok = personal_ok_in[district_id] = scope.may_see_personal_data(district_id)
            labels.attach(obj)
            row = []
            for column in columns:
                value = column.value(obj) if personal_ok or not column.personal else ""
                if value is True or value is False:
                    row.append(yes if value else no)
                else:
                    row.append(neutralise(value))
            yield row

    def export_headers(self) -> list[str]:
        return [force_str(c.label) for c in self.export_columns()]

    def filename(self, extension: str) -> str:
        stamp = timezone.localdate().isoformat()
        return f"{self.export_name}-{stamp}.{extension}"


def _sorted_not_walked(queryset) -> list:
    """The queryset's order, written so that PostgreSQL cannot read it off an index: it
    finds the rows (with whatever index suits the filters) and sorts them. COALESCE(x, x)
    orders exactly like x, NULLs included, but is not the indexed expression.

    For a search: the matches lie in clusters along the name order (everyone called Rahimova
    is in one stretch of the name index), but the planner assumes they are spread evenly, so
    for the first 50 it would walk the index from "A" and test every row it passes: half a
    million rows for "rahimova", 2 s instead of 0.07 s."""
    order = []
    for field_name in queryset.query.order_by:
        name = field_name.lstrip("-")
        if not isinstance(field_name, str) or name == "pk" or name in queryset.query.annotations:
            order.append(field_name)
            continue
        expression = Coalesce(F(name), F(name))
        order.append(expression.desc() if field_name.startswith("-") else expression.asc())
    return order


class _Shared:
    """A reference record (a district, province, jamoat, activity type) shared by every row
    of an export that points at it, its name in the user's language computed once."""

    __slots__ = ("_record", "_text")

    def __init__(self, record):
        self._record = record
        self._text = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = str(self._record)
        return self._text

    def __getattr__(self, name):
        return getattr(self._record, name)


class _SharedReferences:
    """Reference data reached through `select_related` below the first level (members:
    group -> district -> province) is read once per export -- a few hundred rows -- instead
    of being joined into every row, built as two model instances per row and named twice
    per row (a language look-up each time): a third of a 100,000-row export's time.

    The queryset keeps its other joins; each row's parent record gets the shared record in
    its relation cache, where Django's descriptor reads it from."""

    def __init__(self, links):
        self.links = links  # [(path to the parent, field), ...]
        self.records: dict[type, dict[Any, _Shared]] = {}

    @classmethod
    def split(cls, queryset):

        tree = queryset.query.select_related
        if not isinstance(tree, dict) or not tree:
            return queryset, cls([])
        kept, links = [], []

        def walk(branch: dict, model, prefix: tuple[str, ...]) -> None:
            for name, below in branch.items():
                field = model._meta.get_field(name)
                target = field.related_model
                if prefix and issubclass(target, ReferenceName):
                    links.append((prefix, field))
                    continue
                path = (*prefix, name)
                if below:
                    walk(below, target, path)
                else:
                    kept.append("__".join(path))
                if below and not any(
                    k.startswith("__".join(path) + "__") for k in kept
                ):  # every join below was shared: keep this one's
                    kept.append("__".join(path))

        walk(tree, queryset.model, ())
        if not links:
            return queryset, cls([])
        shared = cls(links)
        return queryset.select_related(None).select_related(*kept), shared

    def _record(self, model, pk):
        if pk is None:
            return None
        records = self.records.get(model)
        if records is None:
            records = self.records[model] = {
                record.pk: _Shared(record) for record in model._default_manager.all()
            }
            # Their own links to reference data (a district's province), shared as well.
            for field in model._meta.concrete_fields:
                if field.is_relation and issubclass(field.related_model or object, ReferenceName):
                    for shared in records.values():
                        target = self._record(
                            field.related_model, getattr(shared._record, field.attname)
                        )
                        shared._record._state.fields_cache[field.name] = target
        return records.get(pk)

    def attach(self, obj) -> None:
        for prefix, field in self.links:
            parent = obj
            for part in prefix:
                parent = getattr(parent, part)
                if parent is None:
                    break
            else:
                record = self._record(field.related_model, getattr(parent, field.attname))
                if isinstance(parent, _Plain):
                    parent.__dict__[field.name] = record
                else:
                    parent._state.fields_cache[field.name] = record


class _Plain:
    """A row of an export read with values_list(): the record's fields (and its related
    records', as nested _Plain objects) as attributes. Building a model instance costs more
    than writing its row to CSV (two instances per member row: the member and its group)."""


def _plain_records(queryset) -> Iterator[_Plain]:
    """The queryset's rows (its select_related records included) as _Plain objects, read in
    chunks with a server-side cursor like QuerySet.iterator()."""
    layout = []  # (path to the record, [attribute names])
    names = []

    def walk(model, prefix: tuple[str, ...], branch: dict) -> None:
        attnames = [f.attname for f in model._meta.concrete_fields]
        layout.append((prefix, attnames))
        names.extend("__".join((*prefix, a)) for a in attnames)
        for name, below in branch.items():
            walk(model._meta.get_field(name).related_model, (*prefix, name), below)

    tree = queryset.query.select_related
    walk(queryset.model, (), tree if isinstance(tree, dict) else {})
    annotations = list(queryset.query.annotation_select)
    for values in queryset.values_list(*names, *annotations).iterator(chunk_size=EXPORT_CHUNK):
        position = 0
        root = None
        for prefix, attnames in layout:
            record = _Plain()
            end = position + len(attnames)
            record.__dict__.update(zip(attnames, values[position:end], strict=True))
            position = end
            if root is None:
                root = record
            else:
                parent = root
                for part in prefix[:-1]:
                    parent = parent.__dict__[part] or _Plain()
                # A nullable relation without a record (LEFT JOIN): None, as Django gives.
                parent.__dict__[prefix[-1]] = record if record.__dict__["id"] is not None else None
        root.__dict__.update(zip(annotations, values[position:], strict=True))
        yield root


class _ChoiceLabels:
    """The labels of a model's choice fields, translated once per export (in the request's
    language). Django's get_<field>_display() builds a dict of lazily translated labels on
    every call: tens of microseconds, several times a row, most of the time of a
    100,000-row export."""

    def __init__(self, model):
        self.fields = {
            f"get_{field.name}_display": (
                field.attname,
                {value: force_str(label) for value, label in field.flatchoices},
            )
            for field in model._meta.concrete_fields
            if field.choices
        }

    def attach(self, obj) -> None:
        """Give the record get_<field>_display() methods that look the label up here (for a
        value that is not a choice, the value itself, as Django's do)."""
        for name, (attname, labels) in self.fields.items():
            value = getattr(obj, attname)
            obj.__dict__[name] = functools.partial(labels.get, value, value)


def _dig(obj, dotted: str):
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def csv_response(view: RegistryListView) -> StreamingHttpResponse:
    """CSV streamed in chunks of about CSV_CHUNK characters (constant memory; one write to
    the socket per chunk, not per row), UTF-8 with BOM so Excel reads Cyrillic."""

    def chunks() -> Iterable[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(view.export_headers())
        for row in view.export_rows():
            writer.writerow([_csv_cell(v) for v in row])
            if buffer.tell() >= CSV_CHUNK:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{view.filename("csv")}"'
    return response


def _csv_cell(value):
    if type(value) is str:
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return force_str(value)


def xlsx_response(view: RegistryListView) -> FileResponse:
    """The registry's filtered rows as XLSX."""
    rows = (
        [v if isinstance(v, int | float | datetime.date) else force_str(v) for v in row]
        for row in view.export_rows()
    )
    return workbook_response(
        filename=view.filename("xlsx"),
        title=force_str(view.title) or "Export",
        headers=view.export_headers(),
        rows=rows,
    )


def workbook_response(*, filename: str, title: str, headers, rows: Iterable) -> FileResponse:
    """One sheet of `headers` and `rows` (cells already as they should be written), built in
    openpyxl's write-only mode: rows are not kept in memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=force_str(title)[:31] or "Export")
    sheet.append([force_str(h) for h in headers])
    for row in rows:
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


class RegistryExportMixin:
    """Mix into a RegistryListView subclass to serve its `<fmt>/` export route: the same
    scoped, filtered and sorted rows as the list, all pages."""

    def get(self, request, *args, **kwargs):
        fmt = kwargs.get("fmt")
        if fmt == "csv":
            return csv_response(self)
        if fmt == "xlsx":
            return xlsx_response(self)
        raise Http404
