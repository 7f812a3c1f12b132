"""The DHIS2 export: a period's figures per district as a dataValueSets payload, and
sending it (a dry run first).

The figures are the dashboards' (rmp_portal.dashboards.figures), never counted anew:

- members by sex and groups: a province dashboard's district rows as of the period's last
  day (current women, current men; groups established by then and not dissolved);
- cooperatives: the same rows (formed by then and not dissolved);
- support participants by sex: the women and men of the support activities held within the
  period, counted as the dashboards' support section counts them (rmp_portal.dashboards.
  initiatives), each activity in one district, the one the support registry shows it in (its
  cooperative's, or its first recipient group's): so the districts add up to the province.

Codes are read from the models of this app (set in admin); a district, figure or
disaggregation without a code is left out, and the payload says which.
"""

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import District, Province
from initiatives.models import SupportActivity
from initiatives.selectors import support_district
from rmp_portal.dashboards import figures
from rmp_portal.dhis2.models import CategoryOptionCombo, DataElement, Export, OrgUnit
from rmp_portal.dhis2.periods import DhisPeriod, parse_period

Figure = DataElement.Figure
Combo = CategoryOptionCombo.Kind

# Which counts each data element sends, under which disaggregation.
DISAGGREGATIONS = {
    Figure.MEMBERS: ((Combo.FEMALE, "women"), (Combo.MALE, "men")),
    Figure.GROUPS: ((Combo.DEFAULT, "groups"),),
    Figure.COOPERATIVES: ((Combo.DEFAULT, "cooperatives"),),
    Figure.SUPPORT_PARTICIPANTS: ((Combo.FEMALE, "support_women"), (Combo.MALE, "support_men")),
}

# DHIS2 reads every identifier of the payload as a code.
ID_SCHEMES = {
    "idScheme": "CODE",
    "dataElementIdScheme": "CODE",
    "orgUnitIdScheme": "CODE",
    "categoryOptionComboIdScheme": "CODE",
}


# The figures -------------------------------------------------------------------------------


def reporting_dates(period: DhisPeriod) -> figures.ReportingDates:
    """The dashboard's dates for a DHIS2 period: as of its last day, over the period."""
    return figures.ReportingDates(
        as_of=period.end,
        period=figures.Period(period.start, period.end),
        is_today=period.end == timezone.localdate(),
    )


def _support_participants(period: DhisPeriod) -> dict[int, dict[str, int]]:
    rows = (
        SupportActivity.objects.filter(held_on__gte=period.start, held_on__lte=period.end)
        .annotate(area=support_district())
        .order_by()
        .values("area")
        .annotate(women=Sum("women"), men=Sum("men"))
    )
    return {
        row["area"]: {"support_women": row["women"] or 0, "support_men": row["men"] or 0}
        for row in rows
        if row["area"] is not None
    }


def district_figures(*, period: DhisPeriod) -> dict[int, dict[str, int]]:
    """Each district's counts for the period (keys as in DISAGGREGATIONS), from the province
    dashboards' district rows."""
    dates = reporting_dates(period)
    support = _support_participants(period)
    result: dict[int, dict[str, int]] = {}
    for province in Province.objects.order_by("code"):
        board = figures.dashboard(province=province, dates=dates, linkable=False)
        for row in board.rows:
            counts = row.counts
            result[row.area.pk] = {
                "women": counts.women,
                "men": counts.men,
                "groups": counts.groups,
                "cooperatives": counts.cooperatives,
                "support_women": 0,
                "support_men": 0,
                **support.get(row.area.pk, {}),
            }
    return result


# The payload -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    period: DhisPeriod
    data: dict
    # Districts without an org unit code; figures and disaggregations without a code.
    left_out: tuple[str, ...] = ()
    no_code: tuple[str, ...] = ()

    @property
    def values(self) -> int:
        return len(self.data["dataValues"])

    def to_json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=2)

    def notices(self) -> list[str]:
        """What was left out, said to whoever exports."""
        notices = []
        if self.left_out:
            notices.append(
                str(
                    _("Left out, no DHIS2 org unit code: %(districts)s.")
                    % {"districts": ", ".join(self.left_out)}
                )
            )
        if self.no_code:
            notices.append(
                str(
                    _("Not sent, no DHIS2 code: %(figures)s.")
                    % {"figures": ", ".join(self.no_code)}
                )
            )
        return notices


def build_payload(*, period: DhisPeriod) -> Payload:
    """The dataValueSets payload of a period: one org unit per district with a code, each
    figure with a code under its disaggregations. Zeros are sent too, so a figure that fell
    to zero replaces what DHIS2 had."""
    org_units = dict(OrgUnit.objects.exclude(code="").values_list("district_id", "code"))
    elements = {e.figure: e.code for e in DataElement.objects.all() if e.code}
    combos = {c.kind: c.code for c in CategoryOptionCombo.objects.all() if c.code}
    no_code = [str(label) for value, label in Figure.choices if value not in elements]
    no_code += [str(label) for value, label in Combo.choices if value not in combos]
    counts = district_figures(period=period)
    values, left_out = [], []
    districts = District.objects.select_related("province").order_by("province__code", "name")
    for district in districts:
        code = org_units.get(district.pk)
        if not code:
            left_out.append(district.name)
            continue
        for figure, parts in DISAGGREGATIONS.items():
            if figure not in elements:
                continue
            for combo, key in parts:
                if combo not in combos:
                    continue
                values.append(
                    {
                        "dataElement": elements[figure],
                        "period": period.code,
                        "orgUnit": code,
                        "categoryOptionCombo": combos[combo],
                        "value": str(counts.get(district.pk, {}).get(key, 0)),
                    }
                )
    return Payload(
        period=period,
        data={"dataValues": values},
        left_out=tuple(left_out),
        no_code=tuple(no_code),
    )


# Sending -----------------------------------------------------------------------------------


class Dhis2Error(Exception):
    """DHIS2 could not be reached or did not answer with an import summary; the message says
    which, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class ImportSummary:
    """DHIS2's import summary of one POST."""

    dry_run: bool
    status: str
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: tuple[dict, ...] = ()
    description: str = ""

    @property
    def has_problems(self) -> bool:
        """Conflicts, or a status other than success: the real send waits for a person."""
        return bool(self.conflicts) or self.status in ("WARNING", "ERROR")

    def lines(self) -> list[str]:
        """The summary as shown to the user: the counts, then one line per conflict."""
        counts = {
            "status": self.status or "-",
            "imported": self.imported,
            "updated": self.updated,
            "ignored": self.ignored,
            "deleted": self.deleted,
        }
        if self.dry_run:
            head = _(
                "Dry run: %(status)s; imported %(imported)s, updated %(updated)s, "
                "ignored %(ignored)s, deleted %(deleted)s."
            )
        else:
            head = _(
                "Sent: %(status)s; imported %(imported)s, updated %(updated)s, "
                "ignored %(ignored)s, deleted %(deleted)s."
            )
        result = [str(head % counts)]
        if self.description:
            result.append(self.description)
        if self.conflicts:
            result.append(str(_("Conflicts: %(count)s.") % {"count": len(self.conflicts)}))
            result += [f"- {c['object']}: {c['value']}" for c in self.conflicts]
        return result


def _count(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def parse_summary(data, *, dry_run: bool) -> ImportSummary | None:
    """The import summary in DHIS2's answer: wrapped in `response` (2.38 and later) or bare
    (earlier versions). None when the answer is not one."""
    if not isinstance(data, dict):
        return None
    body = data["response"] if isinstance(data.get("response"), dict) else data
    count = body.get("importCount")
    if not isinstance(count, dict):
        return None
    conflicts = tuple(
        {"object": str(c.get("object", "")), "value": str(c.get("value", ""))}
        for c in body.get("conflicts") or ()
        if isinstance(c, dict)
    )
    return ImportSummary(
        dry_run=dry_run,
        status=str(body.get("status") or data.get("status") or ""),
        imported=_count(count.get("imported")),
        updated=_count(count.get("updated")),
        ignored=_count(count.get("ignored")),
        deleted=_count(count.get("deleted")),
        conflicts=conflicts,
        description=str(body.get("description") or "")[:500],
    )


def _endpoint(*, dry_run: bool) -> str:
    base = settings.DHIS2_URL.strip().rstrip("/")
    if not base:
        raise Dhis2Error(_("DHIS2_URL is not set: the payload can only be written to a file."))
    if not base.startswith(("http://", "https://")):
        raise Dhis2Error(
            _("DHIS2_URL must start with http:// or https:// (it is “%(url)s”).")
            % {"url": base[:100]}
        )
    query = {"dryRun": "true" if dry_run else "false", **ID_SCHEMES}
    query["importStrategy"] = "CREATE_AND_UPDATE"
    return f"{base}/api/dataValueSets?{urlencode(query)}"


def _dhis2_message(raw: bytes) -> str:
    try:
        data = json.loads(raw)
    except ValueError:
        return ""
    return str(data.get("message") or "")[:300] if isinstance(data, dict) else ""


def post_data_values(*, payload: Payload, dry_run: bool) -> ImportSummary:
    """POST the payload to DHIS2 (basic auth from the settings) and read its summary.
    Every failure is a Dhis2Error with a message for the user, never a traceback."""
    url = _endpoint(dry_run=dry_run)
    credentials = f"{settings.DHIS2_USERNAME}:{settings.DHIS2_PASSWORD}".encode()
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked in _endpoint)
        url,
        data=json.dumps(payload.data).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": "Basic " + base64.b64encode(credentials).decode("ascii"),
        },
    )
    timeout = settings.DHIS2_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            raise Dhis2Error(
                _(
                    "DHIS2 refused the user name or password (HTTP %(status)s): check "
                    "DHIS2_USERNAME and DHIS2_PASSWORD, and that the user may import data."
                )
                % {"status": error.code}
            ) from None
        raw = error.read()
        # A summary with conflicts comes with 409 Conflict (DHIS2 2.38 and later).
        summary = _read_summary(raw, dry_run=dry_run)
        if summary is None:
            detail = _dhis2_message(raw)
            message = _("DHIS2 answered HTTP %(status)s.") % {"status": error.code}
            raise Dhis2Error(f"{message} {detail}".strip()) from None
        return summary
    except TimeoutError:
        raise _timed_out(timeout) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise _timed_out(timeout) from None
        raise Dhis2Error(
            _("DHIS2 could not be reached at %(url)s: %(reason)s.")
            % {"url": settings.DHIS2_URL, "reason": error.reason}
        ) from None
    except OSError as error:
        raise Dhis2Error(
            _("DHIS2 could not be reached at %(url)s: %(reason)s.")
            % {"url": settings.DHIS2_URL, "reason": error}
        ) from None
    summary = _read_summary(raw, dry_run=dry_run)
    if summary is None:
        raise Dhis2Error(
            _(
                "DHIS2 did not answer with an import summary (not JSON, or not a summary): "
                "check that DHIS2_URL is the address of the DHIS2 instance."
            )
        )
    return summary


def _read_summary(raw: bytes, *, dry_run: bool) -> ImportSummary | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return parse_summary(data, dry_run=dry_run)


def _timed_out(timeout) -> Dhis2Error:
    return Dhis2Error(
        _("DHIS2 did not answer within %(seconds)s seconds (DHIS2_TIMEOUT): try again later.")
        % {"seconds": timeout}
    )


@dataclass
class SendResult:
    dry_run: ImportSummary
    sent: ImportSummary | None = None
    # The dry run found problems and the real send was not made.
    stopped: bool = False
    summaries: list[ImportSummary] = field(default_factory=list)


def send(
    *,
    payload: Payload,
    dry_run_only: bool = False,
    force: bool = False,
    report: Callable[[ImportSummary], None] | None = None,
) -> SendResult:
    """A dry run, then (unless `dry_run_only`) the real send, but only when the dry run had
    no conflicts, or `force`. `report` sees each summary as soon as DHIS2 answers."""
    dry = post_data_values(payload=payload, dry_run=True)
    if report:
        report(dry)
    result = SendResult(dry_run=dry)
    if dry_run_only:
        return result
    if dry.has_problems and not force:
        result.stopped = True
        return result
    result.sent = post_data_values(payload=payload, dry_run=False)
    if report:
        report(result.sent)
    return result


# The admin's exports -----------------------------------------------------------------------


def export_payload(*, export: Export) -> Payload:
    """The payload of a stored export (its period was validated when it was saved; it is
    checked again, as the day it ended has passed)."""
    return build_payload(period=parse_period(export.period))


def run_export(*, export: Export, dry_run_only: bool, force: bool = False) -> Export:
    """Send a stored export (or only dry-run it) and keep what DHIS2 answered on it."""
    export.ran_at = timezone.now()
    export.conflicts = []
    for name in ("imported", "updated", "ignored", "deleted"):
        setattr(export, name, None)
    export.dhis2_status = ""
    try:
        payload = export_payload(export=export)
        export.values = payload.values
        export.left_out = ", ".join(payload.left_out)
        result = send(payload=payload, dry_run_only=dry_run_only, force=force)
    except Dhis2Error as error:
        export.outcome = Export.Outcome.FAILED
        export.message = error.message
        export.save()
        return export
    summary = result.sent or result.dry_run
    export.dhis2_status = summary.status
    export.imported, export.updated = summary.imported, summary.updated
    export.ignored, export.deleted = summary.ignored, summary.deleted
    export.conflicts = [dict(c) for c in summary.conflicts]
    lines = [line for s in (result.dry_run, result.sent) if s for line in s.lines()[:2]]
    if result.sent is not None:
        export.outcome = Export.Outcome.SENT
    elif result.dry_run.has_problems:
        export.outcome = Export.Outcome.CONFLICTS
        if result.stopped:
            lines.append(str(_("Not sent: the dry run found problems.")))
    else:
        export.outcome = Export.Outcome.DRY_RUN
    export.message = "\n".join(lines + payload.notices())
    export.save()
    return export
