import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.filters import scope_geography_filters
from groups.models import District, Province
from members import selectors
from members.models import Member
from rmp_portal.core.filters import YES_NO, DistrictFilter, ReportingDateMixin, search_tokens
from rmp_portal.core.text import phone_key
from rmp_portal.core.widgets import DateRangeInput

STATUS_CHOICES = (("current", _("current")), ("left", _("left")))

# Age bands as reported to donors: (value, label, youngest, oldest).
AGE_BANDS = (
    ("14-24", "14–24", 14, 24),
    ("25-34", "25–34", 25, 34),
    ("35-44", "35–44", 35, 44),
    ("45-54", "45–54", 45, 54),
    ("55-64", "55–64", 55, 64),
    ("65+", "65+", 65, None),
)

# A phone number is searched for from this many digits on (fewer would match almost anyone).
PHONE_SEARCH_MIN_DIGITS = 4


class MemberFilter(ReportingDateMixin):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Surname, given name or patronymic, in Latin or Cyrillic; or a phone number."),
    )
    province = django_filters.ModelChoiceFilter(
        field_name="group__district__province",
        queryset=Province.objects.all(),
        label=_("Province"),
    )
    # For a field officer also "My districts", where the registry opens (core.filters).
    district = DistrictFilter(
        field_name="group__district", queryset=District.objects.none(), label=_("District")
    )
    # By registry code: a select of every group would not scale to a national registry.
    group = django_filters.CharFilter(
        label=_("Group code"), method="filter_group", help_text=_("For example SU-0042.")
    )
    sex = django_filters.ChoiceFilter(choices=Member.Sex.choices, label=_("Sex"))
    role = django_filters.ChoiceFilter(choices=Member.Role.choices, label=_("Role"))
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label=_("Membership")
    )
    migration_link = django_filters.ChoiceFilter(
        choices=Member.MigrationLink.choices, label=_("Migration link")
    )
    age = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label, _young, _old in AGE_BANDS],
        method="filter_age",
        label=_("Age"),
        help_text=_("Only members whose personal data you may see."),
    )
    joined = django_filters.DateFromToRangeFilter(
        field_name="joined_on",
        label=_("Joined between"),
        widget=DateRangeInput(),
    )
    left = django_filters.DateFromToRangeFilter(
        field_name="left_on",
        label=_("Left between"),
        widget=DateRangeInput(),
    )
    head_of_household = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_head_of_household", label=_("Head of household")
    )

    class Meta:
        model = Member
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        scope_geography_filters(self, request.user)

    def filter_as_of(self, queryset, name, value):
        return queryset  # the selector applies it; `status` reads it

    def filter_search(self, queryset, name, value):
        # Names with the patronymic, and phone numbers, only where the user may see them
        # (members.selectors.name_search): elsewhere a patronymic or a phone finds nobody.
        digits = phone_key(value)
        condition = selectors.name_search(
            user=self.request.user,
            tokens=search_tokens(value),
            digits=digits if len(digits) >= PHONE_SEARCH_MIN_DIGITS else "",
        )
        return queryset if condition is None else queryset.filter(condition)

    def filter_group(self, queryset, name, value):
        return queryset.filter(group__code__iexact=value.strip())

    def filter_status(self, queryset, name, value):
        as_of = self.form.cleaned_data.get("as_of")
        if value == "current":
            return queryset.current_on(as_of) if as_of else queryset.current()
        if as_of:
            return queryset.filter(left_on__lte=as_of)
        return queryset.filter(left_on__isnull=False)

    def filter_age(self, queryset, name, value):
        # The age comes from the birth year, personal data: outside the rows whose personal
        # data the user may see, nobody is in any band.
        band = next(b for b in AGE_BANDS if b[0] == value)
        _value, _label, youngest, oldest = band
        year = timezone.localdate().year
        queryset = selectors.with_personal_data(queryset, user=self.request.user).filter(
            birth_year__lte=year - youngest
        )
        if oldest is not None:
            queryset = queryset.filter(birth_year__gte=year - oldest)
        return queryset

    def filter_head_of_household(self, queryset, name, value):
        return queryset.filter(head_of_household=(value == "yes"))
