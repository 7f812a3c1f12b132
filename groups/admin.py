from django import forms
from django.contrib import admin
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import (
    PROGRAMME_START,
    ActivityType,
    District,
    GroupCodeCounter,
    Jamoat,
    Province,
    SelfHelpGroup,
)
from members.models import Member
from rmp_portal.core.admin import (
    TRACKED_READONLY_FIELDS,
    FoldedSearchMixin,
    OneCurrentInlineFormSet,
    TrackedAdminMixin,
    count_related,
)

NAME_FIELDS = ("name", "name_ru", "name_tg")


# --- Geography and reference data -------------------------------------------------------------


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", *NAME_FIELDS, "district_count", "group_count")
    search_fields = ("code", *NAME_FIELDS)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                district_count=count_related(District.objects, "province"),
                group_count=count_related(SelfHelpGroup.objects, "district__province"),
            )
        )

    @admin.display(description=_("districts"), ordering="district_count")
    def district_count(self, obj):
        return obj.district_count

    @admin.display(description=_("groups"), ordering="group_count")
    def group_count(self, obj):
        return obj.group_count


class JamoatInline(admin.TabularInline):
    model = Jamoat
    fields = (*NAME_FIELDS, "kind")
    extra = 0
    show_change_link = True


@admin.register(District)
class DistrictAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "name_ru",
        "name_tg",
        "code",
        "province",
        "kind",
        "former_names",
        "jamoat_count",
        "group_count",
    )
    list_filter = ("province", "kind")
    list_select_related = ("province",)
    search_fields = (*NAME_FIELDS, "code", "former_names", "search_key")
    fields = ("province", "kind", *NAME_FIELDS, "code", "former_names")
    inlines = (JamoatInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                jamoat_count=count_related(Jamoat.objects, "district"),
                group_count=count_related(SelfHelpGroup.objects, "district"),
            )
        )

    @admin.display(description=_("jamoats"), ordering="jamoat_count")
    def jamoat_count(self, obj):
        return obj.jamoat_count

    @admin.display(description=_("groups"), ordering="group_count")
    def group_count(self, obj):
        return obj.group_count


@admin.register(Jamoat)
class JamoatAdmin(admin.ModelAdmin):
    list_display = ("name", "name_tg", "name_ru", "kind", "district", "province")
    list_filter = ("district__province", "district")
    list_select_related = ("district__province",)
    search_fields = (*NAME_FIELDS, "district__name", "district__name_ru", "district__name_tg")
    autocomplete_fields = ("district",)

    @admin.display(description=_("province"), ordering="district__province__code")
    def province(self, obj):
        return obj.district.province


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = (*NAME_FIELDS, "group_count", "cooperative_count")
    search_fields = NAME_FIELDS

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                group_count=count_related(SelfHelpGroup.activities.through.objects, "activitytype"),
                cooperative_count=count_related(
                    Cooperative.branches.through.objects, "activitytype"
                ),
            )
        )

    @admin.display(description=_("groups"), ordering="group_count")
    def group_count(self, obj):
        return obj.group_count

    @admin.display(description=_("cooperatives"), ordering="cooperative_count")
    def cooperative_count(self, obj):
        return obj.cooperative_count


@admin.register(GroupCodeCounter)
class GroupCodeCounterAdmin(admin.ModelAdmin):
    """Read-only: the counter only goes up, through SelfHelpGroup.save()."""

    list_display = ("province", "last_number", "next_code")
    list_select_related = ("province",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("next code"))
    def next_code(self, obj):
        return GroupCodeCounter.format_code(obj.province.code, obj.last_number + 1)


# --- Self-help groups -------------------------------------------------------------------------


class SelfHelpGroupAdminForm(forms.ModelForm):
    allow_date_before_programme = forms.BooleanField(
        label=_("Allow a date before 2010 (admin override)"),
        required=False,
        help_text=_(
            "The programme started in 2010. Tick this to record a group established earlier."
        ),
    )

    class Meta:
        model = SelfHelpGroup
        fields = (
            "name",
            "status",
            "district",
            "jamoat",
            "village",
            "established_on",
            "dissolved_on",
            "activities",
            "notes",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A record that already carries an early date was overridden before: keep it ticked.
        established = self.instance.established_on
        if self.instance.pk and established and established < PROGRAMME_START:
            self.fields["allow_date_before_programme"].initial = True

    def clean(self):
        cleaned_data = super().clean()
        # Runs before the model's clean() (in _post_clean), which reads this flag.
        self.instance.allow_date_before_programme = bool(
            cleaned_data.get("allow_date_before_programme")
        )
        return cleaned_data


class MemberInlineFormSet(OneCurrentInlineFormSet):
    message = _(
        "A group has one current leader: give the other one another role or a date of leaving."
    )

    def current_key(self, data):
        if data.get("role") == Member.Role.LEADER and not data.get("left_on"):
            return "leader"
        return None


class GroupCooperativeMembershipFormSet(OneCurrentInlineFormSet):
    message = _(
        "A group is in at most one cooperative at a time: give the earlier membership a date "
        "of leaving."
    )

    def current_key(self, data):
        return "current" if not data.get("left_on") else None


class MemberInline(admin.TabularInline):
    model = Member
    formset = MemberInlineFormSet
    fields = (
        "surname",
        "given_name",
        "patronymic",
        "sex",
        "role",
        "joined_on",
        "left_on",
        "migration_link",
    )
    extra = 0
    show_change_link = True
    # Members leave (left_on), they are not deleted from a group's page; a mistaken record
    # can still be deleted from its own page, with confirmation.
    can_delete = False


class GroupCooperativeMembershipInline(admin.TabularInline):
    model = CooperativeMembership
    formset = GroupCooperativeMembershipFormSet
    fields = ("cooperative", "joined_on", "left_on")
    autocomplete_fields = ("cooperative",)
    extra = 0
    can_delete = False
    verbose_name = _("cooperative membership")
    verbose_name_plural = _("cooperative memberships")


class InCooperativeFilter(admin.SimpleListFilter):
    title = _("in a cooperative")
    parameter_name = "in_cooperative"

    def lookups(self, request, model_admin):
        return [("yes", _("yes")), ("no", _("no"))]

    def queryset(self, request, queryset):
        current = CooperativeMembership.objects.filter(group=OuterRef("pk"), left_on__isnull=True)
        if self.value() == "yes":
            return queryset.filter(Exists(current))
        if self.value() == "no":
            return queryset.filter(~Exists(current))
        return queryset


class HasLeaderFilter(admin.SimpleListFilter):
    title = _("has a current leader")
    parameter_name = "has_leader"

    def lookups(self, request, model_admin):
        return [("yes", _("yes")), ("no", _("no"))]

    def queryset(self, request, queryset):
        leader = Member.objects.filter(
            group=OuterRef("pk"), role=Member.Role.LEADER, left_on__isnull=True
        )
        if self.value() == "yes":
            return queryset.filter(Exists(leader))
        if self.value() == "no":
            return queryset.filter(~Exists(leader))
        return queryset


@admin.register(SelfHelpGroup)
class SelfHelpGroupAdmin(TrackedAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    form = SelfHelpGroupAdminForm
    list_display = (
        "code",
        "name",
        "district",
        "province",
        "status",
        "established_on",
        "current_women",
        "current_men",
        "cooperative",
    )
    list_display_links = ("code", "name")
    list_filter = (
        "status",
        "district__province",
        "district",
        InCooperativeFilter,
        HasLeaderFilter,
        "activities",
    )
    list_select_related = ("district__province",)
    search_fields = ("code", "name", "village", "search_key")
    autocomplete_fields = ("district", "jamoat", "activities")
    date_hierarchy = "established_on"
    readonly_fields = ("code", *TRACKED_READONLY_FIELDS)
    fieldsets = (
        (None, {"fields": ("code", "name", "status")}),
        (_("Place"), {"fields": ("district", "jamoat", "village")}),
        (
            _("Dates"),
            {"fields": ("established_on", "allow_date_before_programme", "dissolved_on")},
        ),
        (None, {"fields": ("activities", "notes")}),
        (_("Record"), {"fields": TRACKED_READONLY_FIELDS, "classes": ("collapse",)}),
    )
    inlines = (MemberInline, GroupCooperativeMembershipInline)

    def get_queryset(self, request):
        cooperative = CooperativeMembership.objects.filter(
            group=OuterRef("pk"), left_on__isnull=True
        ).values("cooperative__name")[:1]
        return (
            super()
            .get_queryset(request)
            .annotate(
                current_women=count_related(
                    Member.objects, "group", left_on__isnull=True, sex=Member.Sex.FEMALE
                ),
                current_men=count_related(
                    Member.objects, "group", left_on__isnull=True, sex=Member.Sex.MALE
                ),
                cooperative_name=Subquery(cooperative),
            )
        )

    @admin.display(description=_("province"), ordering="district__province__code")
    def province(self, obj):
        return obj.district.province.code

    @admin.display(description=_("current women"), ordering="current_women")
    def current_women(self, obj):
        return obj.current_women

    @admin.display(description=_("current men"), ordering="current_men")
    def current_men(self, obj):
        return obj.current_men

    @admin.display(description=_("cooperative"), ordering="cooperative_name", empty_value="—")
    def cooperative(self, obj):
        return obj.cooperative_name
