"""Django admin for staff accounts and roles, and for the dashboards' targets. The pieces
every app's admin shares are in rmp_portal.core.admin."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from rmp_portal.models import StaffProfile, Target
from rmp_portal.services import staff_profile_sync_groups


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "programme_wide", "province_list", "district_list", "language")
    list_filter = ("role", "programme_wide", "provinces", "districts__province", "language")
    list_select_related = ("user",)
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "districts__name",
    )
    autocomplete_fields = ("user",)
    filter_horizontal = ("districts", "provinces")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        staff_profile_sync_groups(profile=form.instance)

    def get_queryset(self, request):
        # One query per relation for the whole page, not per row.
        return super().get_queryset(request).prefetch_related("districts", "provinces")

    @admin.display(description=_("provinces"))
    def province_list(self, obj):
        return ", ".join(p.code for p in obj.provinces.all())

    @admin.display(description=_("districts"))
    def district_list(self, obj):
        return ", ".join(str(d) for d in obj.districts.all())


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    fields = ("role", "programme_wide", "districts", "provinces", "language")
    filter_horizontal = ("districts", "provinces")
    can_delete = True
    max_num = 1
    extra = 1
    verbose_name = _("staff role")
    verbose_name_plural = _("staff role (portal access)")


User = get_user_model()


class PortalUserAdmin(UserAdmin):
    """Django's user admin with the portal role on the same page."""

    inlines = (StaffProfileInline,)
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "staff_role",
        "is_staff",
        "is_active",
    )
    list_filter = (*UserAdmin.list_filter, "staff_profile__role")
    list_select_related = ("staff_profile",)

    def get_inlines(self, request, obj):
        # The add page is Django's two-step "username and password" form; the role is given
        # on the change page it leads to.
        return self.inlines if obj is not None else ()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        profile = StaffProfile.objects.filter(user=form.instance).first()
        if profile is not None:
            staff_profile_sync_groups(profile=profile)

    @admin.display(description=_("portal role"), ordering="staff_profile__role")
    def staff_role(self, obj):
        try:
            profile = obj.staff_profile
        except StaffProfile.DoesNotExist:
            return "—"
        return profile.get_role_display()


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Yearly targets per province, shown against achievement on the dashboards."""

    list_display = ("province", "year", "groups", "women_members", "cooperatives")
    list_filter = ("province", "year")
    list_select_related = ("province",)
