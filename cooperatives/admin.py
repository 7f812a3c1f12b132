from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cooperatives.models import Cooperative, CooperativeMembership
from members.models import Member
from rmp_portal.core.admin import (
    TRACKED_READONLY_FIELDS,
    CurrentFilter,
    OneCurrentInlineFormSet,
    TrackedAdminMixin,
    count_related,
)


class CooperativeMembershipFormSet(OneCurrentInlineFormSet):
    message = _("A group is listed twice as a current member of this cooperative.")

    def current_key(self, data):
        group = data.get("group")
        return group.pk if group and not data.get("left_on") else None


class CooperativeMembershipInline(admin.TabularInline):
    model = CooperativeMembership
    formset = CooperativeMembershipFormSet
    fields = ("group", "joined_on", "left_on")
    autocomplete_fields = ("group",)
    extra = 0
    # A group leaves (left_on) so the cooperative's history is kept; it is not deleted.
    can_delete = False
    show_change_link = True
    verbose_name = _("group")
    verbose_name_plural = _("groups (dated memberships)")


@admin.register(Cooperative)
class CooperativeAdmin(TrackedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "name",
        "registration_number",
        "district",
        "province",
        "status",
        "formed_on",
        "current_groups",
        "current_members",
        "director",
    )
    list_filter = ("status", "district__province", "district", "branches")
    list_select_related = ("district__province", "director")
    search_fields = (
        "name",
        "registration_number",
        "district__name",
        "district__name_ru",
        "district__name_tg",
    )
    autocomplete_fields = ("district", "director", "branches")
    date_hierarchy = "formed_on"
    readonly_fields = TRACKED_READONLY_FIELDS
    fieldsets = (
        (None, {"fields": ("name", "registration_number", "district", "status")}),
        (_("Dates"), {"fields": ("formed_on", "dissolved_on")}),
        (None, {"fields": ("branches", "director", "description")}),
        (_("Record"), {"fields": TRACKED_READONLY_FIELDS, "classes": ("collapse",)}),
    )
    inlines = (CooperativeMembershipInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                current_groups=count_related(
                    CooperativeMembership.objects, "cooperative", left_on__isnull=True
                ),
                # A group is in one cooperative at a time (database constraint), so no member
                # is counted twice.
                current_members=count_related(
                    Member.objects,
                    "group__cooperative_memberships__cooperative",
                    left_on__isnull=True,
                    group__cooperative_memberships__left_on__isnull=True,
                ),
            )
        )

    @admin.display(description=_("province"), ordering="district__province__code")
    def province(self, obj):
        return obj.district.province.code

    @admin.display(description=_("current groups"), ordering="current_groups")
    def current_groups(self, obj):
        return obj.current_groups

    @admin.display(description=_("current members"), ordering="current_members")
    def current_members(self, obj):
        return obj.current_members


@admin.register(CooperativeMembership)
class CooperativeMembershipAdmin(SimpleHistoryAdmin):
    list_display = ("group", "cooperative", "joined_on", "left_on", "province")
    list_filter = (CurrentFilter, "cooperative__district__province", "cooperative")
    list_select_related = ("group", "cooperative__district__province")
    search_fields = ("group__code", "group__name", "cooperative__name")
    autocomplete_fields = ("group", "cooperative")
    date_hierarchy = "joined_on"

    @admin.display(description=_("province"), ordering="cooperative__district__province__code")
    def province(self, obj):
        return obj.cooperative.district.province.code
