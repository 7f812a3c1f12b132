"""Joint economic initiatives (with their dated status changes and grant) and support
activities (with their admin-editable topics).

An initiative belongs to exactly one owner, a group or a cooperative, and so to the district
of that owner (the group's district, the cooperative's home district). A support activity goes
to one or more groups of one province, or to one cooperative."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperatives.models import Cooperative
from groups.models import PROGRAMME_START, ActivityType, SelfHelpGroup
from members.models import Member
from rmp_portal.core.models import (
    NOTES_MAX_LENGTH,
    ReferenceName,
    Tracked,
    length_at_most,
    limited_text,
)
from rmp_portal.core.text import search_key

# Free text is bounded where it is stored (rmp_portal.core.models.limited_text): notes as
# everywhere, the short lists (products, partners, purchases) at half of that.
LIST_MAX_LENGTH = 1000


class InitiativeStatus(models.TextChoices):
    IDEA = "idea", _("idea")
    PLANNED = "planned", _("planned")
    OPERATING = "operating", _("operating")
    SUSPENDED = "suspended", _("suspended")
    CLOSED = "closed", _("closed")


class SupportKind(models.TextChoices):
    ECONOMIC = "economic", _("economic")
    SOCIAL = "social", _("social")
    LEGAL = "legal", _("legal")


def _choice_values(choices) -> list[str]:
    return [value for value, _label in choices.choices]


class JointInitiative(Tracked):
    Status = InitiativeStatus

    title = models.CharField(_("title"), max_length=200)
    group = models.ForeignKey(
        SelfHelpGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("owner group"),
    )
    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("owner cooperative"),
    )
    activity_type = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("activity type"),
    )
    started_on = models.DateField(_("started on"))
    # The status of today; its dated changes are InitiativeStatusChange rows, written by
    # initiatives.services together with it.
    status = models.CharField(
        _("status"), max_length=10, choices=InitiativeStatus, default=InitiativeStatus.IDEA
    )
    products = limited_text(_("products"), max_length=LIST_MAX_LENGTH, blank=True)
    participants = models.ManyToManyField(
        Member, blank=True, related_name="initiatives", verbose_name=_("participants")
    )
    grant_amount = models.DecimalField(
        _("grant amount (TJS)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    grant_donor = models.CharField(_("grant donor"), max_length=150, blank=True)
    grant_date = models.DateField(_("grant date"), null=True, blank=True)
    grant_purchases = limited_text(
        _("what the grant bought"), max_length=LIST_MAX_LENGTH, blank=True
    )
    partners = limited_text(
        _("partners"),
        max_length=LIST_MAX_LENGTH,
        blank=True,
        help_text=_("E.g. a credit union, a dehqan farm."),
    )
    notes = limited_text(_("notes"), max_length=NOTES_MAX_LENGTH, blank=True)
    search_key = models.TextField(editable=False, default="")

    history = HistoricalRecords(m2m_fields=[participants])

    class Meta:
        ordering = ["-started_on", "id"]
        verbose_name = _("joint initiative")
        verbose_name_plural = _("joint initiatives")
        constraints = [
            models.CheckConstraint(
                condition=(Q(group__isnull=False) & Q(cooperative__isnull=True))
                | (Q(group__isnull=True) & Q(cooperative__isnull=False)),
                name="initiative_exactly_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(status__in=_choice_values(InitiativeStatus)),
                name="initiative_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(grant_amount__isnull=True) | Q(grant_amount__gte=0),
                name="initiative_grant_not_negative",
            ),
            # A grant is an amount received on a date; its donor and purchases describe it.
            models.CheckConstraint(
                condition=Q(grant_amount__isnull=False, grant_date__isnull=False)
                | Q(
                    grant_amount__isnull=True,
                    grant_date__isnull=True,
                    grant_donor="",
                    grant_purchases="",
                ),
                name="initiative_grant_complete",
            ),
            length_at_most("products", LIST_MAX_LENGTH, name="initiative_products_length"),
            length_at_most(
                "grant_purchases", LIST_MAX_LENGTH, name="initiative_grant_purchases_length"
            ),
            length_at_most("partners", LIST_MAX_LENGTH, name="initiative_partners_length"),
            length_at_most("notes", NOTES_MAX_LENGTH, name="initiative_notes_length"),
        ]
        indexes = [
            # The API's incremental sync (`updated_since`) and its cursor order.
            models.Index(fields=["updated_at", "id"], name="initiative_updated_idx"),
            models.Index(fields=["status", "started_on"], name="initiative_status_start_idx"),
            models.Index(fields=["grant_date"], name="initiative_grant_date_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self) -> SelfHelpGroup | Cooperative | None:
        return self.group or self.cooperative

    @property
    def owner_district_id(self) -> int | None:
        owner = self.owner
        return owner.district_id if owner is not None else None

    @property
    def has_grant(self) -> bool:
        return self.grant_amount is not None

    def save(self, *args, **kwargs):
        self.search_key = search_key(self.title, self.products)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, list] = {}

        def add(name, message):
            errors.setdefault(name, []).append(message)

        if bool(self.group_id) == bool(self.cooperative_id):
            # On a field, so that full_clean() reports this rather than the database
            # constraint's generic message (it skips constraints on fields with errors).
            add(
                "group",
                _(
                    "An initiative belongs either to a self-help group or to a cooperative: "
                    "choose exactly one of the two as its owner."
                ),
            )
        today = timezone.localdate()
        if self.started_on:
            if self.started_on > today:
                add("started_on", _("The start of an initiative cannot be in the future."))
            elif self.started_on < PROGRAMME_START:
                add("started_on", _("The programme started in 2010: enter a date from 2010."))
            else:
                self._check_owner_date(add)
        if self.grant_amount is None:
            if self.grant_date or self.grant_donor or self.grant_purchases:
                add("grant_amount", _("Give the grant's amount, or leave its details empty."))
        else:
            if not self.grant_date:
                add("grant_date", _("Give the date the grant was received."))
            if self.grant_amount < 0:
                add("grant_amount", _("A grant cannot be negative."))
        if self.grant_date and self.grant_date > today:
            add("grant_date", _("The date of a grant cannot be in the future."))
        elif self.grant_date and self.grant_date < PROGRAMME_START:
            add("grant_date", _("The programme started in 2010: enter a date from 2010."))
        if errors:
            raise ValidationError(errors)

    def _check_owner_date(self, add) -> None:
        if self.group_id and self.started_on < self.group.established_on:
            add(
                "started_on",
                _("The group was established on %(date)s: its initiative cannot start earlier.")
                % {"date": self.group.established_on.isoformat()},
            )
        if self.cooperative_id and self.started_on < self.cooperative.formed_on:
            add(
                "started_on",
                _("The cooperative was formed on %(date)s: its initiative cannot start earlier.")
                % {"date": self.cooperative.formed_on.isoformat()},
            )


class InitiativeStatusChange(models.Model):
    """An initiative's status from a date on. The last change on or before a date is its
    status as of that date; the first one is dated the day the initiative started."""

    initiative = models.ForeignKey(
        JointInitiative,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("initiative"),
    )
    status = models.CharField(_("status"), max_length=10, choices=InitiativeStatus)
    changed_on = models.DateField(_("changed on"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["changed_on", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=_choice_values(InitiativeStatus)),
                name="initiative_status_change_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["initiative", "changed_on"], name="initiative_status_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.get_status_display()} ({self.changed_on})"


class SupportTopic(ReferenceName):
    """What a support activity was about, in a list per kind that admins keep."""

    kind = models.CharField(_("kind"), max_length=10, choices=SupportKind)
    search_key = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("support topic")
        verbose_name_plural = _("support topics")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="support_topic_unique_in_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=_choice_values(SupportKind)), name="support_topic_kind_valid"
            ),
        ]

    def save(self, *args, **kwargs):
        self.search_key = search_key(self.name, self.name_ru, self.name_tg)
        super().save(*args, **kwargs)


class SupportActivity(Tracked):
    Kind = SupportKind

    class DeliveredBy(models.TextChoices):
        IOM = "iom", _("IOM")
        UN_WOMEN = "un_women", _("UN Women")
        WBG = "wbg", _("World Bank Group")
        PARTNER_NGO = "partner_ngo", _("partner NGO")

    class Recipient(models.TextChoices):
        GROUPS = "groups", _("self-help groups")
        COOPERATIVE = "cooperative", _("a cooperative")

    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=SupportKind)
    topic = models.ForeignKey(
        SupportTopic, on_delete=models.PROTECT, related_name="activities", verbose_name=_("topic")
    )
    delivered_by = models.CharField(_("delivered by"), max_length=12, choices=DeliveredBy)
    partner_name = models.CharField(
        _("partner NGO's name"),
        max_length=150,
        blank=True,
        help_text=_("Only when a partner NGO delivered it."),
    )
    # Which of the two kinds of recipient; the groups (many-to-many) cannot be checked by the
    # database, the cooperative can, against this.
    recipient = models.CharField(
        _("recipient"), max_length=12, choices=Recipient, default=Recipient.GROUPS
    )
    groups = models.ManyToManyField(
        SelfHelpGroup,
        blank=True,
        related_name="support_activities",
        verbose_name=_("recipient groups"),
    )
    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_activities",
        verbose_name=_("recipient cooperative"),
    )
    women = models.PositiveIntegerField(_("women participants"), default=0)
    men = models.PositiveIntegerField(_("men participants"), default=0)
    notes = limited_text(_("notes"), max_length=NOTES_MAX_LENGTH, blank=True)
    search_key = models.TextField(editable=False, default="")

    history = HistoricalRecords(m2m_fields=[groups])

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("support activity")
        verbose_name_plural = _("support activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=_choice_values(SupportKind)), name="support_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(delivered_by__in=["iom", "un_women", "wbg", "partner_ngo"]),
                name="support_delivered_by_valid",
            ),
            models.CheckConstraint(
                condition=(Q(delivered_by="partner_ngo") & ~Q(partner_name=""))
                | (~Q(delivered_by="partner_ngo") & Q(partner_name="")),
                name="support_partner_named_when_partner",
            ),
            models.CheckConstraint(
                condition=Q(recipient="groups", cooperative__isnull=True)
                | Q(recipient="cooperative", cooperative__isnull=False),
                name="support_one_kind_of_recipient",
            ),
            models.CheckConstraint(
                condition=Q(women__gte=0) & Q(men__gte=0), name="support_participants_not_negative"
            ),
            length_at_most("notes", NOTES_MAX_LENGTH, name="support_notes_length"),
        ]
        indexes = [
            # The API's incremental sync (`updated_since`) and its cursor order.
            models.Index(fields=["updated_at", "id"], name="support_updated_idx"),
            models.Index(fields=["kind", "held_on"], name="support_kind_held_idx"),
            models.Index(fields=["held_on"], name="support_held_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.held_on})"

    @property
    def participants(self) -> int:
        return self.women + self.men

    def recipient_districts(self) -> str:
        """The district of the cooperative, or of the groups, it went to."""
        if self.cooperative_id:
            return str(self.cooperative.district)
        return ", ".join(sorted({str(g.district) for g in self.groups.all()}))

    def save(self, *args, **kwargs):
        self.search_key = search_key(self.partner_name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, list] = {}

        def add(name, message):
            errors.setdefault(name, []).append(message)

        if self.topic_id and self.kind and self.topic.kind != self.kind:
            add(
                "topic",
                _("“%(topic)s” is a topic of %(topic_kind)s support, not of %(kind)s support.")
                % {
                    "topic": self.topic,
                    "topic_kind": self.topic.get_kind_display(),
                    "kind": self.get_kind_display(),
                },
            )
        if self.delivered_by == self.DeliveredBy.PARTNER_NGO and not self.partner_name.strip():
            add("partner_name", _("Give the name of the partner NGO that delivered it."))
        if self.delivered_by != self.DeliveredBy.PARTNER_NGO and self.partner_name:
            add("partner_name", _("Only a partner NGO is named here; leave it empty."))
        if self.held_on:
            if self.held_on > timezone.localdate():
                add("held_on", _("The date of a support activity cannot be in the future."))
            elif self.held_on < PROGRAMME_START:
                add("held_on", _("The programme started in 2010: enter a date from 2010."))
        if self.recipient == self.Recipient.COOPERATIVE and not self.cooperative_id:
            add("cooperative", _("Choose the cooperative that received the support."))
        if self.recipient == self.Recipient.GROUPS and self.cooperative_id:
            add(
                "cooperative",
                _("Support goes to groups or to a cooperative: choose one of the two, not both."),
            )
        if errors:
            raise ValidationError(errors)
