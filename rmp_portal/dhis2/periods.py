"""DHIS2 periods: monthly YYYYMM and quarterly YYYYQn, as DHIS2 writes them."""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Nothing in the registry is older (rmp_portal.dashboards.figures.EARLIEST).
FIRST_YEAR = 2000

MONTHLY = re.compile(r"(\d{4})(\d{2})")
QUARTERLY = re.compile(r"(\d{4})Q(\d)")


@dataclass(frozen=True)
class DhisPeriod:
    code: str
    start: datetime.date
    end: datetime.date


def _invalid(value: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(value)s” is not a DHIS2 period: give a month as YYYYMM (202609) or a "
            "quarter as YYYYQn (2026Q3)."
        )
        % {"value": value[:20]},
        code="invalid",
    )


def parse_period(value: str, *, today: datetime.date | None = None) -> DhisPeriod:
    """The period's first and last day. Only a period that has ended is accepted: its
    figures are final (members as of its last day, support held within it)."""
    code = (value or "").strip().upper()
    if month := MONTHLY.fullmatch(code):
        year, number = int(month[1]), int(month[2])
        if not 1 <= number <= 12:
            raise _invalid(value)
        start = datetime.date(year, number, 1)
        end = datetime.date(year, number, calendar.monthrange(year, number)[1])
    elif quarter := QUARTERLY.fullmatch(code):
        year, number = int(quarter[1]), int(quarter[2])
        if not 1 <= number <= 4:
            raise _invalid(value)
        start = datetime.date(year, 3 * number - 2, 1)
        last_month = 3 * number
        end = datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])
    else:
        raise _invalid(value)
    if year < FIRST_YEAR:
        raise ValidationError(
            _("The period %(period)s is before %(year)s: the registry has nothing so old.")
            % {"period": code, "year": FIRST_YEAR},
            code="too_old",
        )
    today = today or timezone.localdate()
    if end >= today:
        raise ValidationError(
            _(
                "The period %(period)s has not ended yet (its last day is %(end)s): only a "
                "finished period can be sent."
            )
            % {"period": code, "end": end.strftime("%d.%m.%Y")},
            code="not_ended",
        )
    return DhisPeriod(code=code, start=start, end=end)


def validate_period(value: str) -> None:
    """The model field's validator (the admin's form)."""
    parse_period(value)
