from django.contrib import admin

from imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Read-only: a run is a record of what happened."""

    list_display = ("pk", "created_at", "user", "kind", "file_name", "status", "new_count",
                    "updated_count", "unchanged_count", "error_count")  # fmt: skip
    list_filter = ("kind", "status")
    search_fields = ("file_name", "user__username")
    date_hierarchy = "created_at"
    fields = ("user", "created_at", "finished_at", "file_name", "kind", "status",
              "all_or_nothing", "new_count", "updated_count", "unchanged_count", "error_count",
              "skipped_count", "message")  # fmt: skip
    readonly_fields = fields
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
