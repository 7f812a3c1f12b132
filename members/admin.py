import re

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from members.models import Member
from rmp_portal.core.admin import (
    TRACKED_READONLY_FIELDS,
    CurrentFilter,
    FoldedSearchMixin,
    TrackedAdminMixin,
)
from rmp_portal.core.text import phone_key

# Fewer digits than this would match too many phone numbers to be a phone search.
MIN_PHONE_DIGITS = 4
PHONE_LIKE = re.compile(r"[\d\s+()\-.]+")


@admin.register(Member)
class MemberAdmin(TrackedAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = (
        "full_name",
        "sex",
        "group",
        "district",
        "role",
        "joined_on",
        "left_on",
        "migration_link",
    )
    list_filter = (
        CurrentFilter,
        "sex",
        "role",
        "migration_link",
        "head_of_household",
        "group__district__province",
        "group__district",
        "group__status",
    )
    list_select_related = ("group__district",)
    search_fields = (
        "surname",
        "given_name",
        "patronymic",
        "phone",
        "search_key",
        "group__code",
    )
    autocomplete_fields = ("group", "transferred_from")
    date_hierarchy = "joined_on"
    readonly_fields = TRACKED_READONLY_FIELDS
    fieldsets = (
        (None, {"fields": ("group", "surname", "given_name", "patronymic", "sex")}),
        (_("Membership"), {"fields": ("role", "joined_on", "left_on", "transferred_from")}),
        (
            _("Person"),
            {"fields": ("birth_year", "phone", "head_of_household", "migration_link", "skills")},
        ),
        (_("Record"), {"fields": TRACKED_READONLY_FIELDS, "classes": ("collapse",)}),
    )

    @admin.display(description=_("name"), ordering="surname")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("district"), ordering="group__district__name")
    def district(self, obj):
        return obj.group.district

    def extra_search_q(self, search_term):
        # "92 123 45 67" finds "+992921234567" however either was written; a term with
        # letters (a name, a group code like SU-0001) is not a phone number.
        digits = phone_key(search_term)
        if len(digits) >= MIN_PHONE_DIGITS and PHONE_LIKE.fullmatch(search_term.strip()):
            return Q(phone_digits__contains=digits)
        return None
