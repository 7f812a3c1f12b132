import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groups.models import SelfHelpGroup
from rmp_portal.core.models import NOTES_MAX_LENGTH, Tracked, length_at_most, limited_text
from rmp_portal.core.phones import normalize_phone, normalized_or_as_is
from rmp_portal.core.text import phone_key, search_key

MIN_AGE = 14
MAX_AGE = 100
# Free text is bounded where it is stored (rmp_portal.core.models.limited_text).
SKILLS_MAX_LENGTH = NOTES_MAX_LENGTH


class MemberQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)

    def current_on(self, day):
        """Members of their group on `day`: joined by then and not yet left."""
        return self.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))


class Member(Tracked):
    """A person's membership of one group. Leaving keeps the record (left_on is set)."""

    class Sex(models.TextChoices):
        FEMALE = "F", _("female")
        MALE = "M", _("male")

    class Role(models.TextChoices):
        LEADER = "leader", _("leader")
        DEPUTY = "deputy", _("deputy")
        TREASURER = "treasurer", _("treasurer")
        MEMBER = "member", _("member")

    class MigrationLink(models.TextChoices):
        MIGRANT_FAMILY = "migrant_family", _("relative of a labour migrant abroad")
        RETURNEE = "returnee", _("returned migrant")
        MIGRANT = "migrant", _("labour migrant")
        NONE = "none", _("none")

    group = models.ForeignKey(
        SelfHelpGroup, on_delete=models.PROTECT, related_name="members", verbose_name=_("group")
    )
    surname = models.CharField(_("surname"), max_length=80)
    given_name = models.CharField(_("given name"), max_length=80)
    patronymic = models.CharField(_("patronymic"), max_length=80, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    # In E.164 ("+992921234567", rmp_portal.core.phones); a value saved before numbers were
    # checked stays as it was until corrected (the data-quality page lists it), so there is no
    # check constraint.
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    head_of_household = models.BooleanField(_("head of household"), default=False)
    migration_link = models.CharField(
        _("migration link"), max_length=16, choices=MigrationLink, default=MigrationLink.NONE
    )
    skills = limited_text(
        _("skills and professional interests"), max_length=SKILLS_MAX_LENGTH, blank=True
    )
    transferred_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_to",
        verbose_name=_("transferred from"),
    )
    # The folded name with the patronymic (searched where the user may see personal data) and
    # without it (searched everywhere else: what the registry shows of anyone).
    search_key = models.TextField(editable=False, default="")
    name_key = models.TextField(editable=False, default="")
    phone_digits = models.CharField(max_length=32, editable=False, default="", blank=True)

    history = HistoricalRecords()
    objects = MemberQuerySet.as_manager()

    # The id a record was made with elsewhere: a phone's outbox (a UUID made on the device) or
    # KoboToolbox (a submission's `_uuid`). Unique, so a resend finds the record already made
    # instead of making a second one (a partial unique index: empty for records made on the
    # portal's own forms).
    source_id = models.CharField(
        _("source id"), max_length=64, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["surname", "given_name", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["source_id"],
                condition=Q(source_id__isnull=False),
                name="member_source_id_unique",
            ),
            models.CheckConstraint(condition=Q(sex__in=["F", "M"]), name="member_sex_valid"),
            models.CheckConstraint(
                condition=Q(role__in=["leader", "deputy", "treasurer", "member"]),
                name="member_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(migration_link__in=["migrant_family", "returnee", "migrant", "none"]),
                name="member_migration_link_valid",
            ),
            # Self-help groups are female-led: a man is never a leader.
            models.CheckConstraint(
                condition=~Q(role="leader", sex="M"), name="member_leader_is_a_woman"
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(role="leader", left_on__isnull=True),
                name="member_one_current_leader_per_group",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="member_left_not_before_joined",
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="member_birth_year_plausible",
            ),
            length_at_most("skills", SKILLS_MAX_LENGTH, name="member_skills_length"),
        ]
        # Measured at national scale (1,000,000 members): docs/performance.md.
        indexes = [
            # The API's incremental sync (`updated_since`) and its cursor order.
            models.Index(fields=["updated_at", "id"], name="member_updated_idx"),
            # A group's current members, and the dashboards' counts of members by sex and
            # date, read from the index alone (index-only scans).
            models.Index(
                fields=["group", "left_on", "sex", "joined_on"], name="member_group_counts_idx"
            ),
            # Groups with a man among their members on a date (dashboards, `has_men`).
            models.Index(
                fields=["sex", "left_on", "joined_on", "group"], name="member_sex_counts_idx"
            ),
            # Groups with a leader on a date (dashboards, `needs_leader`): 10% of the rows.
            models.Index(
                fields=["group", "joined_on", "left_on"],
                condition=Q(role="leader"),
                name="member_leader_dates_idx",
            ),
            # The registry's default order (and the admin's): a page is read off the index.
            models.Index(fields=["surname", "given_name", "id"], name="member_name_idx"),
            models.Index(fields=["joined_on"], name="member_joined_idx"),
            models.Index(fields=["left_on"], name="member_left_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def history_label(self) -> str:
        """The name change lists show (rmp_portal.core.history): without the patronymic,
        which is personal data."""
        return f"{self.surname} {self.given_name}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    # The phone as it was read from the database (None: a record not read from it), so that
    # only a phone typed or changed is checked (_phone_entered).
    _stored_phone: str | None = None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_phone = instance.__dict__.get("phone")
        return instance

    def refresh_from_db(self, *args, fields=None, **kwargs):
        super().refresh_from_db(*args, fields=fields, **kwargs)
        if fields is None or "phone" in fields:
            self._stored_phone = self.phone

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)
        self._stored_phone = self.phone

    @staticmethod
    def search_key_for(surname: str, given_name: str, patronymic: str) -> str:
        """The search key of a member with these names, for bulk writes that build rows
        without instances (rmp_portal/devdata/scale.py)."""
        return search_key(surname, given_name, patronymic)

    @staticmethod
    def name_key_for(surname: str, given_name: str) -> str:
        """The search key of the name alone, without the patronymic (personal data): what a
        search or a duplicate check may compare outside the user's personal-data districts."""
        return search_key(surname, given_name)

    @staticmethod
    def phone_digits_for(phone: str) -> str:
        """The digits of a phone number as stored in phone_digits, for matching."""
        return phone_key(phone)

    def refresh_derived(self) -> None:
        """Recompute the columns derived from the others (save() calls this; bulk_create and
        bulk_update do not, so bulk paths call it themselves). A valid phone number is stored
        in E.164; one that is not (saved before numbers were checked) is kept as it is."""
        self.phone = normalized_or_as_is(self.phone)
        self.search_key = self.search_key_for(self.surname, self.given_name, self.patronymic)
        self.name_key = self.name_key_for(self.surname, self.given_name)
        self.phone_digits = self.phone_digits_for(self.phone)

    def rule_errors(self, today: datetime.date | None = None) -> dict[str, object]:
        """The rules on this membership's own fields, as {field: message}, without a query:
        clean() adds the one-leader rule to them, and the import checks whole files with
        them (imports.services), so a row is refused for the same reasons as a form."""
        errors = {}
        today = today or timezone.localdate()
        if self._phone_entered():
            try:
                normalize_phone(self.phone)
            except ValidationError as error:
                errors["phone"] = error.error_list[0].message
        if self.role == self.Role.LEADER and self.sex == self.Sex.MALE:
            errors["role"] = _("Self-help groups are led by women: a man cannot be the leader.")
        if self.joined_on and self.joined_on > today:
            errors["joined_on"] = _("The date of joining cannot be in the future.")
        # Dushanbe's date, not the database's CURRENT_DATE: PostgreSQL runs in UTC, a day
        # behind before 05:00, so this rule is the model's, not a check constraint.
        if self.left_on and self.left_on > today:
            errors["left_on"] = _("The date of leaving cannot be in the future.")
        elif self.left_on and self.joined_on and self.left_on < self.joined_on:
            errors["left_on"] = _("A member cannot leave before the date they joined.")
        if self.birth_year is not None:
            age = today.year - self.birth_year
            if not MIN_AGE <= age <= MAX_AGE:
                errors["birth_year"] = _(
                    "A member must be between %(min)d and %(max)d years old "
                    "(born %(first)d–%(last)d)."
                ) % {
                    "min": MIN_AGE,
                    "max": MAX_AGE,
                    "first": today.year - MAX_AGE,
                    "last": today.year - MIN_AGE,
                }
        return errors

    def _phone_entered(self) -> bool:
        """Whether the phone is typed or changed here, so it is checked. A number saved before
        numbers were checked stays until someone corrects it (the data-quality page lists it):
        recording a departure, a transfer (the new membership keeps the person's number) or
        any other change does not refuse it."""
        before = self._stored_phone
        link = self._meta.get_field("transferred_from")
        if before is None and self.transferred_from_id and link.is_cached(self):
            before = self.transferred_from.phone
        return bool(self.phone) and self.phone != before

    def clean(self) -> None:
        errors = self.rule_errors()
        if (
            self.role == self.Role.LEADER
            and self.left_on is None
            and self.group_id
            and Member.objects.filter(group_id=self.group_id, role=self.Role.LEADER)
            .current()
            .exclude(pk=self.pk)
            .exists()
        ):
            errors.setdefault(
                "role",
                _("This group already has a current leader. Make this member leader instead."),
            )
        if errors:
            raise ValidationError(errors)
