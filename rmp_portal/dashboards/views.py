"""Dashboards: the programme page (`/`) and a province's (`/provinces/<code>/`), their table
exports and their print view. The figures come from rmp_portal.dashboards; who sees which
dashboard, and whether its figures link into the registry, from rmp_portal.core.access."""

import csv
import datetime
import io
from urllib.parse import urlencode

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.translation import gettext as _

from groups.models import Province
from groups.selectors import dashboard_provinces
from rmp_portal.core import access
from rmp_portal.core.registry import neutralise, workbook_response
from rmp_portal.dashboards import figures as dashboards

# ---- pages ---------------------------------------------------------------------------------


def home(request):
    """The site's home. A field officer's is "My work" (rmp_portal.mywork: their groups and
    changes), their province's dashboard one link away; the programme dashboard is for admins
    and programme-wide managers; other managers land on their own province's dashboard."""
    if access.scope_for(request.user).role == "field_officer":
        return redirect("mywork:home")
    province = _own_province(request.user)
    if province is not None:
        url = reverse("province_dashboard", args=[province.code])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    return _dashboard_page(request, province=None)


def province_dashboard(request, code: str):
    return _dashboard_page(request, province=_visible_province(request.user, code))


def dashboard_export(request, table: str, fmt: str, code: str | None = None):
    """A dashboard table as CSV or XLSX: the same rows and totals as on the page."""
    province = None if code is None else _visible_province(request.user, code)
    if province is None and _own_province(request.user) is not None:
        raise Http404
    if fmt not in ("csv", "xlsx"):
        raise Http404
    dates = dashboards.reporting_dates(request.GET)
    board = dashboards.dashboard(province=province, dates=dates, linkable=False)
    tables = _tables(board)
    if table not in tables:
        raise Http404
    title, headers, rows = tables[table]
    scope = province.code if province else "programme"
    filename = f"dashboard-{scope}-{table}-{dates.as_of.isoformat()}.{fmt}"
    return (_csv if fmt == "csv" else _xlsx)(filename, title, headers, rows)


# ---- scope ---------------------------------------------------------------------------------


def _own_province(user) -> Province | None:
    """The province whose dashboard a user starts from; None for the programme page."""
    scope = access.scope_for(user)
    if scope.role == "field_officer":
        return Province.objects.filter(id__in=scope.read_province_ids).order_by("code").first()
    if scope.dashboard_province_ids is not None:
        return dashboard_provinces(user).order_by("code").first()
    return None


def _visible_province(user, code: str) -> Province:
    return get_object_or_404(dashboard_provinces(user), code=code.upper())


# ---- rendering -----------------------------------------------------------------------------


def _dashboard_page(request, *, province: Province | None):
    scope = access.scope_for(request.user)
    dates = dashboards.reporting_dates(request.GET)
    # Field officers see every province's aggregates but read the registry of their own.
    # The figures link to the registry rows they count, for those who may read the rows.
    linkable = scope.reads_records and (province is None or scope.may_read_province(province.pk))
    board = dashboards.dashboard(province=province, dates=dates, linkable=linkable)
    query = _dates_query(dates)
    export_base = (
        reverse("province_export", args=[province.code, "TABLE", "FMT"])
        if province
        else reverse("home_export", args=["TABLE", "FMT"])
    )
    context = {
        "board": board,
        "dates": dates,
        "province": province,
        "print_view": request.GET.get("print") == "1",
        "query": query,
        "print_url": f"?{query}&print=1" if query else "?print=1",
        "screen_url": f"?{query}" if query else request.path,
        "exports": _export_links(board, export_base, query),
        "switcher": _switcher(request.user, province, query),
        "charts": _charts(board),
        "area_label": _("Province") if province is None else _("District"),
    }
    return render(
        request, "dashboard/home.html" if province is None else "dashboard/province.html", context
    )


def _dates_query(dates: dashboards.ReportingDates) -> str:
    return urlencode({k: v.isoformat() for k, v in dates.requested.items()})


def _switcher(user, province, query: str) -> list[dict]:
    """Links to the other dashboards the user may open."""
    suffix = f"?{query}" if query else ""
    links = []
    if _own_province(user) is None:
        links.append(
            {"label": _("Programme"), "url": reverse("home") + suffix, "active": province is None}
        )
    for other in dashboard_provinces(user).order_by("code"):
        links.append(
            {
                "label": other.localized_name,
                "url": reverse("province_dashboard", args=[other.code]) + suffix,
                "active": province is not None and other.pk == province.pk,
            }
        )
    return links if len(links) > 1 else []


def _export_links(board, base: str, query: str) -> dict[str, dict[str, str]]:
    """Download links per table on the page ("areas" is the provinces or districts table)."""
    suffix = f"?{query}" if query else ""
    areas, *others = _table_names(board)
    return {
        "areas" if table == areas else table: {
            fmt: base.replace("TABLE", table).replace("FMT", fmt) + suffix
            for fmt in ("csv", "xlsx")
        }
        for table in (areas, *others)
    }


def _table_names(board) -> tuple[str, str, str]:
    return ("provinces" if board.province is None else "districts", "years", "activities")


def _charts(board) -> dict:
    """Chart data for static/js/charts.js (read from json_script blocks: no inline script)."""
    rows = board.shown_rows
    return {
        "years": {
            "labels": [row.year for row in board.years],
            "datasets": [
                {"label": _("Groups formed"), "data": [r.formed.value for r in board.years]},
                {
                    "label": _("Groups at year end"),
                    "data": [r.at_year_end.value for r in board.years],
                },
            ],
        },
        "members": {
            "labels": [row.area.localized_name for row in rows],
            "datasets": [
                {"label": _("Women"), "data": [row.counts.women for row in rows]},
                {"label": _("Men"), "data": [row.counts.men for row in rows]},
            ],
        },
        "activities": {
            "labels": [row.activity.localized_name for row in board.activities],
            "datasets": [
                {"label": _("Groups"), "data": [row.groups.value for row in board.activities]}
            ],
        },
    }


# ---- exports -------------------------------------------------------------------------------


def _tables(board) -> dict[str, tuple[str, list[str], list[list]]]:
    """Each exportable table: title, headers, rows (the areas table ends with its totals)."""
    area = _("Province") if board.province is None else _("District")
    area_headers = [
        area,
        _("Groups"),
        _("Women"),
        _("Men"),
        _("Members"),
        _("Cooperatives"),
        _("Groups in cooperatives"),
        _("Share of groups in cooperatives (%)"),
        _("Average group size"),
    ]

    def area_cells(name, c):
        return [
            name,
            c.groups,
            c.women,
            c.men,
            c.members,
            c.cooperatives,
            c.in_cooperative,
            c.share_in_cooperatives,
            c.average_size,
        ]

    areas = [area_cells(row.area.localized_name, row.counts) for row in board.shown_rows]
    areas.append(area_cells(_("Total"), board.total))
    years = [[row.year, row.formed.value, row.at_year_end.value] for row in board.years]
    activities = [[row.activity.localized_name, row.groups.value] for row in board.activities]
    first, *_rest = _table_names(board)
    return {
        first: (
            _("By province") if board.province is None else _("By district"),
            area_headers,
            areas,
        ),
        "years": (
            _("Groups by year"),
            [_("Year"), _("Groups formed"), _("Groups at year end")],
            years,
        ),
        "activities": (_("Groups by activity"), [_("Activity"), _("Groups")], activities),
    }


def _cell(value):
    value = neutralise(value)
    return value if isinstance(value, int | float | datetime.date) else force_str(value)


def _csv(filename: str, title: str, headers: list, rows: list[list]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([force_str(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx(filename: str, title: str, headers: list, rows: list[list]) -> FileResponse:
    cells = ([None if v is None else _cell(v) for v in row] for row in rows)
    return workbook_response(filename=filename, title=title, headers=headers, rows=cells)
