from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from imports.models import ImportRun
from rmp_portal.kobo import services
from rmp_portal.kobo.client import KoboError
from rmp_portal.kobo.models import FieldMapping, KoboForm


def _all_columns():
    """Both kinds' columns, grouped; the form's kind decides which are valid (checked)."""
    return [("", "---------")] + [
        (label, services.column_choices(kind)) for kind, label in ImportRun.Kind.choices
    ]


class FieldMappingForm(forms.ModelForm):
    column = forms.ChoiceField(label=_("import column"), choices=_all_columns)

    class Meta:
        model = FieldMapping
        fields = ("kobo_field", "column")


class MappingFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        columns = [
            form.cleaned_data["column"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        kind = self.instance.kind
        if kind:
            services.validate_mapping(kind=kind, columns=columns)


class FieldMappingInline(admin.TabularInline):
    model = FieldMapping
    form = FieldMappingForm
    formset = MappingFormSet
    extra = 3


def _https_by_default(db_field, **kwargs):
    if db_field.name == "server_url":
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class KoboFormForm(forms.ModelForm):
    """The API token is never shown again: left empty, the stored one is kept."""

    api_token = forms.CharField(
        label=_("API token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored token."),
    )

    class Meta:
        model = KoboForm
        fields = ("name", "slug", "kind", "server_url", "asset_uid", "api_token", "user",
                  "webhook_secret")  # fmt: skip
        formfield_callback = _https_by_default

    def clean_api_token(self):
        token = self.cleaned_data.get("api_token") or self.instance.api_token
        if not token:
            raise ValidationError(_("Give the API token."))
        return token


@admin.register(KoboForm)
class KoboFormAdmin(admin.ModelAdmin):
    form = KoboFormForm
    inlines = [FieldMappingInline]
    list_display = ("name", "kind", "server_url", "asset_uid", "user", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "asset_uid")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)
    readonly_fields = ("webhook_path", "recent_runs")
    fields = ("name", "slug", "kind", "server_url", "asset_uid", "api_token", "user",
              "webhook_secret", "webhook_path", "recent_runs")  # fmt: skip
    actions = ["pull_now"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "server_url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("webhook address"))
    def webhook_path(self, obj):
        if obj is None or not obj.pk:
            return "—"
        return format_html(
            "<code>{}?secret=…</code>", reverse("kobo:hook", kwargs={"slug": obj.slug})
        )

    @admin.display(description=_("recent import runs"))
    def recent_runs(self, obj):
        if obj is None or not obj.pk:
            return "—"
        runs = obj.runs.select_related("run").defer("run__rows", "run__results")[:10]
        if not runs:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">#{}</a> ({}, {})',
            (
                (
                    reverse("imports:detail", args=[k.run_id]),
                    k.run_id,
                    k.get_via_display(),
                    k.run.get_status_display(),
                )  # fmt: skip
                for k in runs
            ),
        )

    @admin.action(description=_("Pull now"))
    def pull_now(self, request, queryset):
        for form in queryset.select_related("user"):
            try:
                intake = services.kobo_pull(form=form)
            except KoboError as error:
                self.message_user(request, f"{form}: {error.message}", messages.ERROR)
                continue
            if intake.run is None:
                text = ngettext(
                    "%(form)s: nothing new; %(skipped)d submission already imported or "
                    "waiting for confirmation.",
                    "%(form)s: nothing new; %(skipped)d submissions already imported or "
                    "waiting for confirmation.",
                    intake.skipped,
                ) % {"form": form, "skipped": intake.skipped}
                self.message_user(request, text, messages.INFO)
                continue
            text = ngettext(
                "%(form)s: %(count)d new submission checked in import #%(run)d, waiting for "
                "%(user)s to confirm it (%(skipped)d skipped).",
                "%(form)s: %(count)d new submissions checked in import #%(run)d, waiting for "
                "%(user)s to confirm it (%(skipped)d skipped).",
                len(intake.run.rows),
            ) % {
                "form": form,
                "count": len(intake.run.rows),
                "run": intake.run.pk,
                "user": form.user.get_username(),
                "skipped": intake.skipped,
            }
            link = reverse("imports:detail", args=[intake.run.pk])
            self.message_user(
                request, format_html('{} <a href="{}">{}</a>', text, link, _("Preview")),
                messages.SUCCESS,
            )  # fmt: skip
