"""DHIS2 in Django admin: the codes (org units, data elements, category option combos) and
the exports, with actions to download the payload, dry-run it and send it."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from rmp_portal.dhis2 import services
from rmp_portal.dhis2.models import CategoryOptionCombo, DataElement, Export, OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("district", "province", "code")
    list_editable = ("code",)
    list_filter = ("district__province",)
    search_fields = ("district__name", "code")
    list_select_related = ("district__province",)

    @admin.display(description=_("province"), ordering="district__province__code")
    def province(self, obj):
        return obj.district.province

    def get_readonly_fields(self, request, obj=None):
        # A row is its district's: the district is chosen once, when the row is added.
        return ("district",) if obj else ()


class FixedRowsAdmin(admin.ModelAdmin):
    """The rows are seeded by a migration, one per figure (combo): only codes change."""

    list_editable = ("code",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataElement)
class DataElementAdmin(FixedRowsAdmin):
    list_display = ("figure_label", "code")
    list_display_links = ("figure_label",)
    fields = ("figure_label", "code")
    readonly_fields = ("figure_label",)

    @admin.display(description=_("figure"))
    def figure_label(self, obj):
        return obj.get_figure_display()


@admin.register(CategoryOptionCombo)
class CategoryOptionComboAdmin(FixedRowsAdmin):
    list_display = ("kind_label", "code")
    list_display_links = ("kind_label",)
    fields = ("kind_label", "code")
    readonly_fields = ("kind_label",)

    @admin.display(description=_("kind"))
    def kind_label(self, obj):
        return obj.get_kind_display()


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """An export is created by choosing its period; the actions dry-run and send it, and
    its page shows what DHIS2 answered the last time."""

    list_display = ("period", "created_at", "created_by", "outcome", "ran_at", "values",
                    "imported", "updated", "ignored", "conflict_count")  # fmt: skip
    list_filter = ("outcome",)
    search_fields = ("period",)
    actions = ("download_payload", "dry_run", "send", "send_anyway")
    readonly_fields = ("created_at", "created_by", "outcome", "ran_at", "values",
                       "dhis2_status", "imported", "updated", "ignored", "deleted",
                       "conflict_list", "left_out", "message")  # fmt: skip

    def get_fields(self, request, obj=None):
        return ("period", *self.readonly_fields) if obj else ("period",)

    def get_readonly_fields(self, request, obj=None):
        # The period of an export that ran stays what was sent.
        return ("period", *self.readonly_fields) if obj and obj.ran_at else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("conflicts"))
    def conflict_count(self, obj):
        return len(obj.conflicts or [])

    @admin.display(description=_("conflicts"))
    def conflict_list(self, obj):
        if not obj.conflicts:
            return "-"
        return format_html_join(
            "", "<div>{}: {}</div>", ((c.get("object"), c.get("value")) for c in obj.conflicts)
        )

    @admin.action(description=_("Download payload"))
    def download_payload(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Choose one export to download its payload."), messages.WARNING
            )
            return None
        export = queryset.get()
        try:
            payload = services.export_payload(export=export)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        for notice in payload.notices():
            self.message_user(request, notice, messages.WARNING)
        response = HttpResponse(payload.to_json(), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="dhis2-{payload.period.code}.json"'
        return response

    @admin.action(description=_("Dry run in DHIS2 (nothing is imported)"))
    def dry_run(self, request, queryset):
        self._run(request, queryset, dry_run_only=True)

    @admin.action(description=_("Send to DHIS2 (after a dry run without conflicts)"))
    def send(self, request, queryset):
        self._run(request, queryset, dry_run_only=False)

    @admin.action(description=_("Send to DHIS2, even if the dry run has conflicts"))
    def send_anyway(self, request, queryset):
        self._run(request, queryset, dry_run_only=False, force=True)

    def _run(self, request, queryset, *, dry_run_only, force=False):
        for export in queryset:
            try:
                services.run_export(export=export, dry_run_only=dry_run_only, force=force)
            except ValidationError as error:
                self.message_user(
                    request, f"{export.period}: {' '.join(error.messages)}", messages.ERROR
                )
                continue
            level = {
                Export.Outcome.SENT: messages.SUCCESS,
                Export.Outcome.DRY_RUN: messages.SUCCESS,
                Export.Outcome.CONFLICTS: messages.WARNING,
            }.get(export.outcome, messages.ERROR)
            self.message_user(request, f"{export.period}: {export.message}", level)
