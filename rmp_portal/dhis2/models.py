"""The codes DHIS2 knows our figures by, and a record of each export sent to it.

The codes are kept here, not on the registry's models: they are DHIS2's configuration (a
DHIS2 administrator chooses them), so an admin sets them in Django admin and the export reads
them; nothing else in the portal depends on them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import District
from rmp_portal.dhis2.periods import validate_period

CODE_MAX_LENGTH = 50  # DHIS2's own limit on a code


class OrgUnit(models.Model):
    """A district's organisation unit in DHIS2. Without a code the district is left out of
    the export (and the export says so)."""

    district = models.OneToOneField(
        District,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="dhis2_org_unit",
        verbose_name=_("district"),
    )
    code = models.CharField(
        _("DHIS2 org unit code"),
        max_length=CODE_MAX_LENGTH,
        blank=True,
        help_text=_("The code of the district's organisation unit in DHIS2. Empty: not sent."),
    )

    class Meta:
        ordering = ["district__province__code", "district__name"]
        verbose_name = _("DHIS2 org unit")
        verbose_name_plural = _("DHIS2 org units")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="dhis2_org_unit_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district}: {self.code or '-'}"


class DataElement(models.Model):
    """The DHIS2 data element of one of the figures sent. The set of figures is fixed (the
    export computes them); only their codes are configuration."""

    class Figure(models.TextChoices):
        MEMBERS = "members", _("Current members, by sex")
        GROUPS = "groups", _("Self-help groups")
        COOPERATIVES = "cooperatives", _("Cooperatives")
        SUPPORT_PARTICIPANTS = "support_participants", _("Support participants, by sex")

    figure = models.CharField(
        _("figure"), max_length=24, choices=Figure, unique=True, editable=False
    )
    code = models.CharField(
        _("DHIS2 data element code"),
        max_length=CODE_MAX_LENGTH,
        blank=True,
        help_text=_("Empty: the figure is not sent."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("DHIS2 data element")
        verbose_name_plural = _("DHIS2 data elements")

    def __str__(self) -> str:
        return f"{self.get_figure_display()}: {self.code or '-'}"


class CategoryOptionCombo(models.Model):
    """The DHIS2 category option combo of a disaggregation: female, male, or none."""

    class Kind(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        DEFAULT = "default", _("Default (no disaggregation)")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind, unique=True, editable=False)
    code = models.CharField(_("DHIS2 category option combo code"), max_length=CODE_MAX_LENGTH)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("DHIS2 category option combo")
        verbose_name_plural = _("DHIS2 category option combos")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.code}"


class Export(models.Model):
    """One period's export, and what DHIS2 answered the last time it was run (a dry run or
    a real send): the admin's record of what went where."""

    class Outcome(models.TextChoices):
        NEW = "new", _("not sent yet")
        DRY_RUN = "dry_run", _("dry run without conflicts")
        CONFLICTS = "conflicts", _("dry run with conflicts: not sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    period = models.CharField(
        _("period"),
        max_length=7,
        validators=[validate_period],
        help_text=_("Monthly YYYYMM (202609) or quarterly YYYYQn."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome, default=Outcome.NEW, editable=False
    )
    ran_at = models.DateTimeField(_("last run"), null=True, blank=True, editable=False)
    values = models.PositiveIntegerField(_("data values"), null=True, editable=False)
    dhis2_status = models.CharField(_("DHIS2 status"), max_length=20, blank=True, editable=False)
    imported = models.PositiveIntegerField(_("imported"), null=True, editable=False)
    updated = models.PositiveIntegerField(_("updated"), null=True, editable=False)
    ignored = models.PositiveIntegerField(_("ignored"), null=True, editable=False)
    deleted = models.PositiveIntegerField(_("deleted"), null=True, editable=False)
    conflicts = models.JSONField(_("conflicts"), default=list, blank=True, editable=False)
    left_out = models.TextField(_("left out"), blank=True, editable=False)
    message = models.TextField(_("message"), blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("DHIS2 export")
        verbose_name_plural = _("DHIS2 exports")

    def __str__(self) -> str:
        return self.period
