"""What every registry's FilterSet shares: the reporting date, yes/no choices, search words, and
the district filter that offers a field officer "My districts"."""

import django_filters
from django.utils.translation import gettext_lazy as _

from rmp_portal.core.access import scope_for
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


# ---- "My districts": where a field officer's registries open ---------------------------------

MY_DISTRICTS = "mine"  # the query-string value of a DistrictFilter meaning "my districts"


def offers_my_districts(user) -> bool:
    """Whether "My districts" means something for the user: a field officer, who edits some
    districts and reads the rest of their province (admins edit everything, managers nothing)."""
    scope = scope_for(user)
    return not scope.is_admin and bool(scope.edit_district_ids)


class DistrictFilter(django_filters.ModelChoiceFilter):
    """A registry's district filter. For a field officer it also offers "My districts"
    (`?district=mine`, listed right after the empty choice): the districts they edit. A
    RegistryListView opens on that choice for them when the query string sets no filter
    (rmp_portal.core.registry). For everyone else `mine` is not a choice (a form error).

    The choices themselves (the districts the user may read) are set by the FilterSet, as for
    any ModelChoiceFilter (groups.filters.scope_geography_filters)."""

    def __init__(self, *args, **kwargs):
        # django-filter's "null" choice is the hook for one extra value before the records:
        # its label is set per request (`field`), its filtering is ours (`filter`).
        kwargs["null_value"] = MY_DISTRICTS
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            request = self.get_request()
            mine = request is not None and offers_my_districts(request.user)
            self.extra["null_label"] = _("My districts") if mine else None
        return super().field

    def filter(self, qs, value):
        if value == MY_DISTRICTS:
            scope = scope_for(self.get_request().user)
            return qs.filter(**{f"{self.field_name}__in": sorted(scope.edit_district_ids)})
        return super().filter(qs, value)
