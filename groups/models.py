import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rmp_portal.core.models import (
    NOTES_MAX_LENGTH,
    ReferenceName,
    Tracked,
    length_at_most,
    limited_text,
)
from rmp_portal.core.text import search_key

# The programme started forming groups in 2010; earlier dates need an admin's override.
PROGRAMME_START = datetime.date(2010, 1, 1)


class Province(ReferenceName):
    code = models.CharField(_("code"), max_length=2, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class District(ReferenceName):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("district")
        CITY = "city", _("city")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("province")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.DISTRICT)
    former_names = models.CharField(
        _("former names"),
        max_length=255,
        blank=True,
        help_text=_("Earlier names, separated by semicolons (e.g. Ghonchi)."),
    )
    # A short, stable code other systems use for the district (the API; e.g. SU-DEV). Null
    # until an admin gives one; unique when given (a partial unique index).
    code = models.CharField(
        _("code"),
        max_length=16,
        null=True,
        blank=True,
        help_text=_("A short code other systems use for the district, e.g. SU-DEV."),
    )
    search_key = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["province__code", "name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "name"], name="district_name_unique_in_province"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(code__isnull=False), name="district_code_unique"
            ),
        ]

    def save(self, *args, **kwargs):
        # The key is derived from the names alone, so it is refreshed whenever they change.
        self.search_key = search_key(self.name, self.name_ru, self.name_tg, self.former_names)
        super().save(*args, **kwargs)


class Jamoat(ReferenceName):
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="jamoats", verbose_name=_("district")
    )
    kind = models.CharField(_("kind"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("jamoat")
        verbose_name_plural = _("jamoats")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="jamoat_name_unique_in_district"
            ),
        ]

    def clean(self) -> None:
        # The database refuses this too (trigger in migration 0003); here it gets a message.
        if (
            self.pk
            and self.district_id
            and self.groups.exclude(district_id=self.district_id).exists()
        ):
            raise ValidationError(
                {
                    "district": _(
                        "Self-help groups in this jamoat are registered in another district: "
                        "the jamoat cannot be moved away from them."
                    )
                }
            )


class ActivityType(ReferenceName):
    class Meta:
        ordering = ["name"]
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="activity_type_name_unique"),
        ]


class GroupCodeCounter(models.Model):
    """The last registry number given out per province. Numbers only ever go up, so a
    code is never reused, even if an admin deletes a group."""

    province = models.OneToOneField(Province, on_delete=models.PROTECT, primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("group code counter")
        verbose_name_plural = _("group code counters")

    def __str__(self) -> str:
        return f"{self.province.code}: {self.last_number}"

    @staticmethod
    def format_code(province_code: str, number: int) -> str:
        """The registry code of a province's number-th group: SU-0001."""
        return f"{province_code}-{number:04d}"

    @classmethod
    def reserve_numbers(cls, province: Province, count: int) -> range:
        """The next `count` numbers of the province, given out at once: the counter row is
        locked (one query, however many numbers) and moved past them. With `count` 0 the
        row is only locked (and created if missing).

        The lock lasts until the caller's transaction ends. No savepoint of its own: bulk
        callers (rmp_portal/devdata) write a whole batch in one transaction, which a failure
        here aborts anyway."""
        if count < 0:
            raise ValueError("count must not be negative")
        with transaction.atomic(savepoint=False):
            counter, _created = cls.objects.select_for_update().get_or_create(province=province)
            first = counter.last_number + 1
            if count:
                counter.last_number += count
                counter.save(update_fields=["last_number"])
        return range(first, first + count)

    @classmethod
    def reserve(cls, province: Province, count: int) -> list[str]:
        """The registry codes of the next `count` groups of the province, in order."""
        return [
            cls.format_code(province.code, number)
            for number in cls.reserve_numbers(province, count)
        ]

    @classmethod
    def next_code(cls, province: Province) -> str:
        """The code of one new group (SelfHelpGroup.save()). In its own savepoint, so that a
        failure here leaves the caller's transaction (a form's, an import's) usable."""
        with transaction.atomic():
            return cls.reserve(province, 1)[0]


class SelfHelpGroup(Tracked):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")
        DISSOLVED = "dissolved", _("dissolved")

    code = models.CharField(_("registry code"), max_length=12, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="groups", verbose_name=_("district")
    )
    jamoat = models.ForeignKey(
        Jamoat,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("jamoat"),
    )
    village = models.CharField(_("village"), max_length=120, blank=True)
    established_on = models.DateField(_("established on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    activities = models.ManyToManyField(
        ActivityType, blank=True, related_name="groups", verbose_name=_("activities")
    )
    notes = limited_text(_("notes"), max_length=NOTES_MAX_LENGTH, blank=True)
    # The id a record was made with elsewhere: a phone's outbox (a UUID made on the device) or
    # KoboToolbox (a submission's `_uuid`). Unique, so a resend finds the record already made
    # instead of making a second one (a partial unique index: empty for records made on the
    # portal's own forms).
    source_id = models.CharField(
        _("source id"), max_length=64, null=True, blank=True, editable=False
    )
    search_key = models.TextField(editable=False, default="")

    history = HistoricalRecords(m2m_fields=[activities])

    class Meta:
        ordering = ["code"]
        verbose_name = _("self-help group")
        verbose_name_plural = _("self-help groups")
        constraints = [
            models.UniqueConstraint(
                fields=["source_id"],
                condition=Q(source_id__isnull=False),
                name="group_source_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "inactive", "dissolved"]),
                name="group_status_valid",
            ),
            models.CheckConstraint(
                condition=(Q(status="dissolved") & Q(dissolved_on__isnull=False))
                | (~Q(status="dissolved") & Q(dissolved_on__isnull=True)),
                name="group_dissolved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(dissolved_on__gte=models.F("established_on")),
                name="group_dissolved_not_before_established",
            ),
            length_at_most("notes", NOTES_MAX_LENGTH, name="group_notes_length"),
        ]
        indexes = [
            # The API's incremental sync (`updated_since`) and its cursor order.
            models.Index(fields=["updated_at", "id"], name="group_updated_idx"),
            models.Index(fields=["district", "status"], name="group_district_status_idx"),
            models.Index(fields=["status", "established_on"], name="group_status_estab_idx"),
            models.Index(fields=["name"], name="group_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        # The registry code is generated like a primary key: once, from the counter.
        if not self.code:
            self.code = GroupCodeCounter.next_code(self.district.province)
        self.refresh_derived()
        super().save(*args, **kwargs)

    @staticmethod
    def search_key_for(code: str, name: str, village: str) -> str:
        """The search key of a group with these values, for bulk writes that build rows
        without instances (rmp_portal/devdata/scale.py)."""
        return search_key(code, name, village)

    def refresh_derived(self) -> None:
        """Recompute the columns derived from the others (save() calls this; bulk_create
        does not, so bulk paths call it themselves). The code must already be given."""
        self.search_key = self.search_key_for(self.code, self.name, self.village)

    # An admin may set this (Django admin's override box) to accept a date before 2010.
    allow_date_before_programme = False

    def clean(self) -> None:
        errors = {}
        if self.jamoat_id and self.district_id and self.jamoat.district_id != self.district_id:
            errors["jamoat"] = _("This jamoat is not in the district %(district)s.") % {
                "district": self.district
            }
        if self.established_on:
            if self.established_on > timezone.localdate():
                errors["established_on"] = _(
                    "The date a group was established cannot be in the future."
                )
            elif self.established_on < PROGRAMME_START and not self.allow_date_before_programme:
                errors["established_on"] = _(
                    "The programme started in 2010: a group cannot be established before "
                    "1 January 2010 (an admin can override this)."
                )
        if self.status == self.Status.DISSOLVED and not self.dissolved_on:
            errors["dissolved_on"] = _("Give the date the group was dissolved.")
        if self.status != self.Status.DISSOLVED and self.dissolved_on:
            errors["dissolved_on"] = _("Only a dissolved group has a date of dissolution.")
        if self.dissolved_on and self.established_on and self.dissolved_on < self.established_on:
            errors["dissolved_on"] = _("A group cannot be dissolved before it was established.")
        if errors:
            raise ValidationError(errors)
