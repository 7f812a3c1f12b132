"""API keys in Django admin: an admin issues a key for a user (shown once, on creation, as
djangorestframework-api-key's admin does) and revokes it; only its hash is stored."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from rmp_portal.api.models import UserAPIKey

# The library's own key model (no user) is not used: keys here act as a user.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.register(UserAPIKey)
class UserAPIKeyAdmin(APIKeyModelAdmin):
    list_display = (*APIKeyModelAdmin.list_display, "user")
    list_filter = ("created", "revoked")
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    autocomplete_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "user") if obj is not None else fields

    def save_model(self, request, obj, form=None, change=False):
        if obj.pk:
            obj.save()
            return
        key = UserAPIKey.objects.assign_key(obj)
        obj.save()
        messages.warning(
            request,
            gettext(
                "The API key for %(name)s is: %(key)s. Store it somewhere safe: "
                "it will not be shown again."
            )
            % {"name": obj.name, "key": key},
        )


UserAPIKeyAdmin.__doc__ = str(_("API keys"))
