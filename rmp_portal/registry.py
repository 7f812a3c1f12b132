"""What every registry page shares: filters from the query string, sorting, pagination with
one COUNT, and CSV/XLSX export of exactly the filtered rows.

A registry view names its columns once; the same list drives the table header (sort links),
the export headers (in the user's language) and the export cells. Personal-data columns are
left empty in rows the user may not see them for (rmp_portal.access decides)."""

import csv
import datetime
import functools
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from openpyxl import Workbook

from rmp_portal.access import scope_for

PAGE_SIZE = 50
EXPORT_CHUNK = 2000  # rows fetched at a time by an export
CSV_CHUNK = 64 * 1024  # characters sent at a time by a CSV export
# A search finding at most this many rows sorts them rather than walking the sort column's
# index (see _sorted_not_walked): sorting 50,000 rows takes about 0.1 s.
SORTED_SEARCH_ROWS = 50_000
# Spreadsheet programs run a cell starting with these as a formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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

    def get_filterset(self):
        if not hasattr(self, "_filterset"):
            self._filterset = self.filterset_class(
                self.request.GET, queryset=self.base_queryset(), request=self.request
            )
        return self._filterset

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
        paginator = Paginator(queryset, page_size)
        # get_page clamps bad or out-of-range page numbers instead of failing.
        page = paginator.get_page(self.request.GET.get("page"))
        page.object_list = self._page_rows(queryset, page, paginator.count)
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
        query = self.request.GET.copy()
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
        for obj in queryset.iterator(chunk_size=EXPORT_CHUNK):
            district_id = _dig(obj, attr)
            personal_ok = scope.may_see_personal_data(district_id)
            labels.attach(obj)
            yield [
                neutralise(column.value(obj) if personal_ok or not column.personal else "")
                for column in columns
            ]

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
    """XLSX built in openpyxl's write-only mode (rows are not kept in memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=force_str(view.title)[:31] or "Export")
    sheet.append(view.export_headers())
    for row in view.export_rows():
        sheet.append(
            [v if isinstance(v, int | float | datetime.date) else force_str(v) for v in row]
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=view.filename("xlsx"),
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
