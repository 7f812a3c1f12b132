from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groups.models import ActivityType, District, SelfHelpGroup
from members.models import Member
from rmp_portal.core.models import NOTES_MAX_LENGTH, Tracked, length_at_most, limited_text


class Cooperative(Tracked):
    class Status(models.TextChoices):
        FORMING = "forming", _("forming")
        REGISTERED = "registered", _("registered")
        DISSOLVED = "dissolved", _("dissolved")

    name = models.CharField(_("name"), max_length=150)
    registration_number = models.CharField(_("registration number"), max_length=50, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="cooperatives",
        verbose_name=_("home district"),
    )
    formed_on = models.DateField(_("formed on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.FORMING)
    branches = models.ManyToManyField(
        ActivityType, blank=True, related_name="cooperatives", verbose_name=_("business branches")
    )
    director = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directed_cooperatives",
        verbose_name=_("director"),
    )
    description = limited_text(_("description"), max_length=NOTES_MAX_LENGTH, blank=True)

    history = HistoricalRecords(m2m_fields=[branches])

    class Meta:
        ordering = ["name"]
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["forming", "registered", "dissolved"]),
                name="cooperative_status_valid",
            ),
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~Q(registration_number=""),
                name="cooperative_registration_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("formed_on")),
                name="cooperative_dissolved_not_before_formed",
            ),
            length_at_most("description", NOTES_MAX_LENGTH, name="cooperative_description_length"),
        ]
        indexes = [
            # The API's incremental sync (`updated_since`) and its cursor order.
            models.Index(fields=["updated_at", "id"], name="coop_updated_idx"),
            models.Index(fields=["district", "status"], name="coop_district_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.formed_on and self.formed_on > timezone.localdate():
            errors["formed_on"] = _("The date a cooperative was formed cannot be in the future.")
        if self.dissolved_on and self.formed_on and self.dissolved_on < self.formed_on:
            errors["dissolved_on"] = _("A cooperative cannot be dissolved before it was formed.")
        # The partial unique constraint would report this as a non-field error; name the field.
        if (
            self.registration_number
            and Cooperative.objects.filter(registration_number=self.registration_number)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["registration_number"] = _(
                "Another cooperative already has this registration number."
            )
        if (
            self.pk
            and self.director_id
            and not Member.objects.current()
            .filter(
                pk=self.director_id,
                group__cooperative_memberships__cooperative_id=self.pk,
                group__cooperative_memberships__left_on__isnull=True,
            )
            .exists()
        ):
            errors["director"] = _(
                "The director must be a current member of one of the cooperative's groups."
            )
        if errors:
            raise ValidationError(errors)


class CooperativeMembership(models.Model):
    """A group's membership of a cooperative, dated, so the history is kept."""

    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("cooperative"),
    )
    group = models.ForeignKey(
        SelfHelpGroup,
        on_delete=models.PROTECT,
        related_name="cooperative_memberships",
        verbose_name=_("group"),
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["joined_on", "id"]
        verbose_name = _("cooperative membership")
        verbose_name_plural = _("cooperative memberships")
        constraints = [
            # A group is in at most one cooperative at a time.
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(left_on__isnull=True),
                name="coop_membership_one_current_per_group",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="coop_membership_left_not_before_joined",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "left_on"], name="coop_membership_current_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.cooperative}"

    def clean(self) -> None:
        errors = {}
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            errors["left_on"] = _("A group cannot leave a cooperative before the date it joined.")
        if self.group_id and self.left_on is None:
            other = (
                CooperativeMembership.objects.filter(group_id=self.group_id, left_on__isnull=True)
                .exclude(pk=self.pk)
                .select_related("cooperative")
                .first()
            )
            if other:
                errors["group"] = _(
                    "This group is already in the cooperative %(cooperative)s: it must leave it "
                    "before joining another."
                ) % {"cooperative": other.cooperative}
        if errors:
            raise ValidationError(errors)
