"""Kobo submissions into the import pipeline (imports.services.import_rows): each submission is
one row, its `_uuid` the row's source id, so a submission already imported or waiting in an
open run is left out. A pull makes one run; webhook calls add to the form's one open webhook
run. Either waits, with its preview, for the form's user to confirm it on the imports pages."""

import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from imports import columns as cols
from imports import services as imports
from imports.models import ImportRun
from imports.reader import MAX_CELL_CHARS, ImportFileError
from rmp_portal.kobo import client
from rmp_portal.kobo.models import KoboForm, KoboRun

SOURCE_MAX_LENGTH = 64  # SelfHelpGroup.source_id, Member.source_id


# The mapping ---------------------------------------------------------------------------------


def column_choices(kind: str) -> list[tuple[str, str]]:
    """The import columns a Kobo field may fill (the export's read-only ones are not read)."""
    return [(c.key, str(c.label)) for c in cols.COLUMNS[kind] if not c.readonly]


def headers_for(kind: str, columns: list[str]) -> list[str]:
    """The headings of the run's rows: each column's English label, which the pipeline reads
    back as that column whatever the language of the officer who confirms."""
    by_key = {c.key: c for c in cols.COLUMNS[kind]}
    with translation.override("en"):
        return [str(by_key[key].label) for key in columns]


def validate_mapping(*, kind: str, columns: list[str]) -> None:
    """The columns mapped make an import of `kind`: each known, none twice, and the ones the
    pipeline requires of a file there. Raises ValidationError."""
    allowed = dict(column_choices(kind))
    unknown = [c for c in columns if c not in allowed]
    if unknown:
        raise ValidationError(
            _("These columns are not read by an import of %(kind)s: %(columns)s.")
            % {"kind": ImportRun.Kind(kind).label, "columns": ", ".join(unknown)}
        )
    repeated = sorted({str(allowed[c]) for c in columns if columns.count(c) > 1})
    if repeated:
        raise ValidationError(
            _("Each column can be filled from one Kobo field only: %(columns)s.")
            % {"columns": ", ".join(repeated)}
        )
    required = [c for c in cols.COLUMNS[kind] if c.required]
    if kind == "members" and "full_name" not in columns:
        required += [c for c in cols.COLUMNS[kind] if c.key in ("surname", "given_name")]
    missing = [str(c.label) for c in required if c.key not in columns]
    if missing:
        raise ValidationError(
            _("Map a Kobo field to each column this import needs: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )


def _mapping(form: KoboForm) -> tuple[list[str], list[str]]:
    """(Kobo field paths, import columns), in the order the admin gave them."""
    pairs = list(form.mappings.order_by("pk").values_list("kobo_field", "column"))
    return [p for p, _c in pairs], [c for _p, c in pairs]


# Submissions -> rows ---------------------------------------------------------------------------


def source_id(submission: dict) -> str:
    """A submission's id: `_uuid` (API v2 and REST Services), else its meta/instanceID."""
    value = submission.get("_uuid") or submission.get("meta/instanceID") or ""
    value = str(value).strip()
    if value.startswith("uuid:"):
        value = value[5:]
    return value[:SOURCE_MAX_LENGTH]


def _cell(value):
    """A submission's value as a spreadsheet cell: text or a number; anything else as text
    (never a dict, which the pipeline reads as a formula's error)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return str(value)[:MAX_CELL_CHARS]


def to_rows(form: KoboForm, submissions: list[dict]) -> tuple[list[str], list[list], list[str]]:
    """(headings, rows, source ids) for the submissions that have an id."""
    fields, columns = _mapping(form)
    validate_mapping(kind=form.kind, columns=columns)
    rows, ids = [], []
    for submission in submissions:
        source = source_id(submission)
        if not source:
            continue
        rows.append([_cell(submission.get(path)) for path in fields])
        ids.append(source)
    return headers_for(form.kind, columns), rows, ids


# Pull and webhook --------------------------------------------------------------------------------


@dataclass
class Intake:
    run: ImportRun | None  # None: nothing new
    received: int  # submissions read
    skipped: int  # already imported or waiting in an open run
    without_id: int = 0


def _file_name(form: KoboForm) -> str:
    return f"KoboToolbox: {form.name}"


def _check(form: KoboForm, headers, rows, ids, *, into: ImportRun | None = None):
    """The rows checked in the import pipeline as the form's user: a new run, or more rows in
    `into`. Returns (run or None, skipped); a refused file is a KoboError."""
    try:
        return imports.import_rows(
            user=form.user,
            kind=form.kind,
            headers=headers,
            rows=rows,
            source_ids=ids,
            file_name=_file_name(form),
            into=into,
        )
    except ImportFileError as error:
        raise client.KoboError(str(error.message)) from None


def kobo_pull(*, form: KoboForm) -> Intake:
    """Read every submission of the form from Kobo and check the new ones in a new run.
    Raises client.KoboError when Kobo cannot be read or the mapping is unusable."""
    try:
        validate_mapping(kind=form.kind, columns=_mapping(form)[1])
    except ValidationError as error:
        raise client.KoboError(" ".join(error.messages)) from None
    submissions = client.fetch_submissions(
        server_url=form.server_url, asset_uid=form.asset_uid, token=form.api_token
    )
    headers, rows, ids = to_rows(form, submissions)
    with transaction.atomic():
        # One intake of a form at a time (pulls and webhook calls): two would not see each
        # other's waiting rows.
        form = KoboForm.objects.select_for_update().get(pk=form.pk)
        run, skipped = _check(form, headers, rows, ids)
        if run is not None:
            KoboRun.objects.create(form=form, run=run, via=KoboRun.Via.PULL)
    return Intake(
        run=run, received=len(submissions), skipped=skipped, without_id=len(submissions) - len(ids)
    )


class BadSubmission(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def kobo_receive(*, form: KoboForm, submission) -> Intake:
    """One submission from Kobo's REST Service, added to the form's open webhook run (a new
    one when there is none, or when the mapping has changed since it was opened). A resend
    (same `_uuid`) is left out. Raises BadSubmission for what is not a submission, and
    client.KoboError when the open run is full."""
    if not isinstance(submission, dict):
        raise BadSubmission(_("A submission is a JSON object."))
    if not source_id(submission):
        raise BadSubmission(_("The submission has no _uuid."))
    try:
        headers, rows, ids = to_rows(form, [submission])
    except ValidationError as error:
        raise BadSubmission(" ".join(error.messages)) from None
    with transaction.atomic():
        form = KoboForm.objects.select_for_update().get(pk=form.pk)
        waiting = (
            KoboRun.objects.filter(
                form=form, via=KoboRun.Via.WEBHOOK, run__status=ImportRun.Status.PREVIEWED
            )
            .select_related("run")
            .defer("run__rows", "run__results")
        )
        into = next((k.run for k in waiting if k.run.headers == headers), None)
        run, skipped = _check(form, headers, rows, ids, into=into)
        if run is not None and into is None:
            KoboRun.objects.create(form=form, run=run, via=KoboRun.Via.WEBHOOK)
    return Intake(run=run if not skipped else None, received=1, skipped=skipped)
