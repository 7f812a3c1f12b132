from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import District, Province


class StaffProfile(models.Model):
    """What a portal user is assigned to: a field officer's districts, a manager's provinces
    (or the whole programme). Admins are Django staff and need no profile."""

    class Role(models.TextChoices):
        FIELD_OFFICER = "field_officer", _("field officer")
        MANAGER = "manager", _("manager")
        ANALYST = "analyst", _("analyst (figures only)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role)
    programme_wide = models.BooleanField(
        _("programme-wide"),
        default=False,
        help_text=_("Managers only: reads and exports every province."),
    )
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="field_officers",
        verbose_name=_("districts"),
        help_text=_("Field officers: the districts whose records they register and change."),
    )
    provinces = models.ManyToManyField(
        Province,
        blank=True,
        related_name="managers",
        verbose_name=_("provinces"),
        help_text=_("Managers: the provinces they read and export."),
    )
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["field_officer", "manager", "analyst"]),
                name="staff_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(role="manager") | Q(programme_wide=False),
                name="staff_only_managers_are_programme_wide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Target(models.Model):
    """What a province aims to reach in a year; the dashboards show achievement against it."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="targets", verbose_name=_("province")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2010), MaxValueValidator(2100)]
    )
    groups = models.PositiveIntegerField(_("self-help groups"), null=True, blank=True)
    women_members = models.PositiveIntegerField(_("women members"), null=True, blank=True)
    cooperatives = models.PositiveIntegerField(_("cooperatives"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "province__code"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="target_unique_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.year}"
