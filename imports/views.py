from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from imports import blanks, selectors, services
from imports.columns import COLUMNS, match_headers
from imports.forms import ConfirmForm, UploadForm
from imports.models import ImportRun
from imports.reader import ImportFileError
from rmp_portal.core import access
from rmp_portal.core.editing import editors_only, forbidden

# Imports are for those who may change records (editors_only): field officers, in their
# districts, and admins. Managers only read: the runs of their provinces, on the list and
# each run's summary (imports.selectors).
PREVIEW_PAGE = 100
TITLES = {"groups": _("Import self-help groups"), "members": _("Import members")}
STATUSES = [
    ("new", _("New")),
    ("update", _("Update")),
    ("unchanged", _("Unchanged")),
    ("error", _("Error")),
]


def _kind(kind: str) -> str:
    if kind not in ImportRun.Kind.values:
        raise Http404
    return kind


def run_list(request):
    """The runs the user may see (imports.selectors.runs_listed): editors and managers."""
    scope = access.scope_for(request.user)
    if not (scope.can_edit or scope.role == "manager"):
        return forbidden(request)
    page = Paginator(selectors.runs_listed(request.user), 50).get_page(request.GET.get("page"))
    context = {"page_obj": page, "runs": page.object_list, "may_upload": scope.can_edit}
    return render(request, "imports/list.html", context)


@editors_only
def upload(request, kind: str):
    kind = _kind(kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.import_preview(user=request.user, kind=kind, upload=form.files["file"])
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            return redirect("imports:detail", pk=run.pk)
    context = {"form": form, "kind": kind, "title": TITLES[kind]}
    return render(request, "imports/upload.html", context)


@editors_only
def template_download(request, kind: str, fmt: str):
    kind = _kind(kind)
    if fmt == "csv":
        content, content_type = blanks.template_csv(kind, request.user), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        content = blanks.template_xlsx(kind, request.user)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    name = f"{kind}-import-template-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def run_detail(request, pk: int):
    """The preview (the uploader and admins); a manager of the run's provinces, or an officer
    following a link from a record's history, sees who imported what and when, not the rows;
    anyone else: 404 (imports.selectors.run_detail)."""
    run = selectors.run_detail(user=request.user, pk=pk)
    full = selectors.may_see_rows(request.user, run)
    context = {
        "run": run,
        "full": full,
        "title": TITLES[run.kind],
        "may_confirm": run.is_open and run.user_id == request.user.pk,
        "confirm_form": ConfirmForm(),
    }
    if full:
        context.update(_preview(request, run))
    return render(request, "imports/detail.html", context)


def _preview(request, run: ImportRun) -> dict:
    positions, _unknown, _repeated = match_headers(run.kind, run.headers)
    labels = {c.key: c.label for c in COLUMNS[run.kind]}
    shown = sorted(positions.items(), key=lambda item: item[1])
    wanted = request.GET.get("status", "")
    results = run.results
    if wanted in dict(STATUSES):
        results = [r for r in results if r["s"] == wanted]
    page = Paginator(results, PREVIEW_PAGE).get_page(request.GET.get("page"))
    rows = []
    for result in page.object_list:
        raw = run.rows[result["n"] - 2] if len(run.rows) >= result["n"] - 1 else None
        errors: dict[str, list[str]] = {}
        for key, message in result.get("e", []):
            errors.setdefault(key, []).append(message)
        cells = [
            {"value": _display(raw[index]) if raw else "", "errors": errors.get(key, [])}
            for key, index in shown
        ]
        # Every message in the notes, named by its column (the cell itself is highlighted).
        messages = [
            {"column": labels[key] if key in positions else "", "text": text}
            for key, texts in sorted(errors.items(), key=lambda e: positions.get(e[0], -1))
            for text in texts
        ]
        rows.append(
            {
                "number": result["n"],
                "status": result["s"],
                "cells": cells,
                "messages": messages,
                "warnings": result.get("w", []),
                "changes": result.get("c", []),
                "source": result.get("src", ""),
            }
        )
    counts = {
        "new": run.new_count,
        "update": run.updated_count,
        "unchanged": run.unchanged_count,
        "error": run.error_count,
    }
    return {
        "columns": [labels[key] for key, _index in shown],
        "rows": rows,
        "page_obj": page,
        "status_filter": wanted,
        "filters": [(value, label, counts[value]) for value, label in STATUSES],
        "suspects": sum(1 for r in run.results if r.get("w") and r["s"] != "error"),
        "writable": run.new_count + run.updated_count,
    }


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return "#" + str(value.get("error", "?"))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


@require_POST
@editors_only
def run_confirm(request, pk: int):
    run = selectors.open_run(user=request.user, pk=pk)
    form = ConfirmForm(request.POST)
    form.is_valid()  # two optional boxes: always valid
    try:
        run = services.import_commit(
            run=run,
            user=request.user,
            all_or_nothing=form.cleaned_data.get("all_or_nothing", False),
            accept_duplicates=form.cleaned_data.get("accept_duplicates", False),
        )
    except services.ImportRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Imported: %(new)d new, %(updated)d updated; %(skipped)d rows with errors skipped.")
            % {"new": run.new_count, "updated": run.updated_count, "skipped": run.error_count},
        )
    return redirect("imports:detail", pk=pk)


@require_POST
@editors_only
def run_discard(request, pk: int):
    run = selectors.open_run(user=request.user, pk=pk)
    try:
        services.import_discard(run=run)
    except services.ImportRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.info(request, _("The import was discarded; nothing was saved."))
    return redirect("imports:list")
