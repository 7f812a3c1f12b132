"""A KoboToolbox form whose submissions come into the import pipeline: where to pull them
from, which import column each Kobo field fills, under whose scope, and the webhook's secret."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from imports.models import ImportRun
from rmp_portal.core import access


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class KoboForm(models.Model):
    """One Kobo form (an "asset"): each pull or webhook call makes an import run of `kind`,
    checked under `user`'s scope and waiting for `user` to confirm it on the imports pages."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("webhook name"),
        max_length=60,
        unique=True,
        help_text=_("Part of the webhook's address: /kobo/hook/[name]/."),
    )
    server_url = models.URLField(
        _("server"),
        max_length=200,
        default="https://kf.kobotoolbox.org",
        help_text=_(
            "The KoboToolbox server, e.g. https://kf.kobotoolbox.org or https://eu.kobotoolbox.org."
        ),
    )
    asset_uid = models.CharField(
        _("asset uid"),
        max_length=64,
        help_text=_("The form's id in its address on Kobo: …/#/forms/[asset uid]/summary."),
    )
    api_token = models.CharField(
        _("API token"),
        max_length=128,
        help_text=_(
            "From Kobo's “Account settings › Security”; of an account that may see the data."
        ),
    )
    kind = models.CharField(_("what it imports"), max_length=10, choices=ImportRun.Kind)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="kobo_forms",
        verbose_name=_("imports as"),
        help_text=_(
            "The field officer (or admin) whose districts the rows are checked against; "
            "the runs wait on their imports page for them to confirm."
        ),
    )
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=128,
        default=new_secret,
        help_text=_(
            "Shared with Kobo's REST Service: ?secret=… in its URL or the X-Kobo-Secret header."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("KoboToolbox form")
        verbose_name_plural = _("KoboToolbox forms")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["groups", "members"]), name="kobo_form_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.user_id and not access.scope_for(self.user).can_edit:
            raise ValidationError(
                {"user": _("This user may not change records: choose a field officer or an admin.")}
            )
        if len(self.webhook_secret or "") < 16:
            raise ValidationError({"webhook_secret": _("Use at least 16 characters.")})


class FieldMapping(models.Model):
    """One Kobo field (its path in the submission, "group_member/surname") into one import
    column (imports.columns: "surname", "group", ...)."""

    form = models.ForeignKey(
        KoboForm, on_delete=models.CASCADE, related_name="mappings", verbose_name=_("form")
    )
    kobo_field = models.CharField(
        _("Kobo field"),
        max_length=200,
        help_text=_("The field's path as in Kobo's data, e.g. group_member/surname."),
    )
    column = models.CharField(_("import column"), max_length=40)

    class Meta:
        ordering = ["form", "pk"]
        verbose_name = _("field mapping")
        verbose_name_plural = _("field mappings")
        constraints = [
            models.UniqueConstraint(fields=["form", "column"], name="kobo_mapping_column_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kobo_field} → {self.column}"


class KoboRun(models.Model):
    """Which import run a form's pull or webhook calls made (the run holds the rows)."""

    class Via(models.TextChoices):
        PULL = "pull", _("pull")
        WEBHOOK = "webhook", _("webhook")

    form = models.ForeignKey(
        KoboForm, on_delete=models.CASCADE, related_name="runs", verbose_name=_("form")
    )
    run = models.OneToOneField(
        ImportRun, on_delete=models.CASCADE, related_name="kobo", verbose_name=_("import run")
    )
    via = models.CharField(_("via"), max_length=10, choices=Via)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("KoboToolbox run")
        verbose_name_plural = _("KoboToolbox runs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(via__in=["pull", "webhook"]), name="kobo_run_via_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} #{self.run_id}"
