"""What every registry's FilterSet shares: the reporting date, yes/no choices, search words."""

import django_filters
from django.utils.translation import gettext_lazy as _

from rmp_portal.core.text import search_key
from rmp_portal.core.widgets import DateInput

YES_NO = (("yes", _("yes")), ("no", _("no")))


def search_tokens(value: str) -> list[str]:
    """The words of a search, folded like the records' search keys (at most eight)."""
    return search_key(value).split()[:8]


class ReportingDateMixin(django_filters.FilterSet):
    """`as_of`: the registry as it stood on a date (used by the dashboards' drill-down)."""

    as_of = django_filters.DateFilter(
        label=_("As of date"), method="filter_as_of", widget=DateInput
    )

    @property
    def as_of_date(self):
        if self.is_bound and self.is_valid():
            return self.form.cleaned_data.get("as_of")
        return None
