from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from initiatives.models import (
    InitiativeStatusChange,
    JointInitiative,
    SupportActivity,
    SupportTopic,
)
from initiatives.services import participant_errors
from rmp_portal.core.admin import TRACKED_READONLY_FIELDS, TrackedAdminMixin

NAME_FIELDS = ("name", "name_ru", "name_tg")


@admin.register(SupportTopic)
class SupportTopicAdmin(admin.ModelAdmin):
    list_display = ("name", "name_ru", "name_tg", "kind")
    list_filter = ("kind",)
    search_fields = (*NAME_FIELDS, "search_key")
    fields = ("kind", *NAME_FIELDS)


class StatusChangeInline(admin.TabularInline):
    """The dated status changes, read-only here: the portal's status form writes them
    together with the initiative's status, so the two always agree."""

    model = InitiativeStatusChange
    fields = ("changed_on", "status", "note", "recorded_by", "recorded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class JointInitiativeAdminForm(forms.ModelForm):
    class Meta:
        model = JointInitiative
        fields = [
            "title",
            "group",
            "cooperative",
            "activity_type",
            "started_on",
            "products",
            "participants",
            "partners",
            "grant_amount",
            "grant_date",
            "grant_donor",
            "grant_purchases",
            "notes",
        ]

    def clean(self):
        cleaned = super().clean()
        owner = cleaned.get("group") or cleaned.get("cooperative")
        participants = cleaned.get("participants")
        if owner is not None and participants is not None:
            already = (
                set(self.instance.participants.values_list("pk", flat=True))
                if self.instance.pk
                else set()
            )
            errors = participant_errors(owner=owner, participants=participants, already=already)
            if errors:
                self.add_error("participants", errors)
        return cleaned


@admin.register(JointInitiative)
class JointInitiativeAdmin(TrackedAdminMixin, SimpleHistoryAdmin):
    form = JointInitiativeAdminForm
    list_display = ("title", "group", "cooperative", "activity_type", "status", "started_on")
    list_filter = ("status", "activity_type", "group__district__province")
    list_select_related = ("group", "cooperative", "activity_type")
    search_fields = ("title", "group__code", "group__name", "cooperative__name")
    autocomplete_fields = ("group", "cooperative", "activity_type", "participants")
    date_hierarchy = "started_on"
    readonly_fields = ("status", *TRACKED_READONLY_FIELDS)
    fieldsets = (
        (None, {"fields": ("title", "group", "cooperative", "activity_type")}),
        (None, {"fields": ("started_on", "status", "products", "participants", "partners")}),
        (
            _("Grant"),
            {"fields": ("grant_amount", "grant_date", "grant_donor", "grant_purchases")},
        ),
        (None, {"fields": ("notes",)}),
        (_("Record"), {"fields": TRACKED_READONLY_FIELDS, "classes": ("collapse",)}),
    )
    inlines = (StatusChangeInline,)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # A new initiative's status, from the day it started (as the portal records it).
            InitiativeStatusChange.objects.create(
                initiative=obj,
                status=obj.status,
                changed_on=obj.started_on,
                recorded_by=request.user,
            )


@admin.register(SupportActivity)
class SupportActivityAdmin(TrackedAdminMixin, SimpleHistoryAdmin):
    list_display = ("held_on", "kind", "topic", "delivered_by", "recipient", "women", "men")
    list_filter = ("kind", "delivered_by", "recipient", "topic")
    list_select_related = ("topic",)
    search_fields = ("topic__name", "partner_name", "cooperative__name", "groups__code")
    autocomplete_fields = ("topic", "groups", "cooperative")
    date_hierarchy = "held_on"
    readonly_fields = TRACKED_READONLY_FIELDS
    fieldsets = (
        (None, {"fields": ("held_on", "kind", "topic", "delivered_by", "partner_name")}),
        (_("Recipients"), {"fields": ("recipient", "groups", "cooperative")}),
        (None, {"fields": ("women", "men", "notes")}),
        (_("Record"), {"fields": TRACKED_READONLY_FIELDS, "classes": ("collapse",)}),
    )
