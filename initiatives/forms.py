from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative
from cooperatives.selectors import cooperatives_editable
from groups.models import ActivityType, SelfHelpGroup
from groups.selectors import groups_editable
from initiatives import selectors
from initiatives.models import InitiativeStatus, JointInitiative, SupportActivity, SupportTopic
from members.models import Member
from rmp_portal.core.concurrency import VersionedFormMixin
from rmp_portal.core.widgets import DateInput

SMALL_DATE = {"class": "form-control form-control-sm"}
SMALL_SELECT = {"class": "form-select form-select-sm"}


def member_label(member: Member) -> str:
    return f"{member.surname} {member.given_name} · {member.group.code}"


class InitiativeForm(VersionedFormMixin, forms.ModelForm):
    """An initiative of a given owner (a group or a cooperative, fixed when it is created):
    the participants to choose from are the current members of the owner's group(s), and on
    an edit also those already taking part."""

    class Meta:
        model = JointInitiative
        fields = [
            "title",
            "activity_type",
            "started_on",
            "status",
            "products",
            "participants",
            "partners",
            "grant_amount",
            "grant_donor",
            "grant_date",
            "grant_purchases",
            "notes",
        ]
        widgets = {
            "started_on": DateInput(),
            "grant_date": DateInput(),
            "participants": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "products": forms.Textarea(attrs={"rows": 2}),
            "partners": forms.Textarea(attrs={"rows": 2}),
            "grant_purchases": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        if not self.instance.pk:
            # The owner is fixed before the form; the model's rules (one owner, not started
            # before it existed) check it with the rest.
            if isinstance(owner, SelfHelpGroup):
                self.instance.group = owner
            else:
                self.instance.cooperative = owner
        candidates = selectors.participant_candidates(owner)
        if self.instance.pk:
            del self.fields["status"]
            ids = set(candidates.values_list("pk", flat=True))
            ids |= set(self.instance.participants.values_list("pk", flat=True))
            candidates = (
                Member.objects.filter(pk__in=sorted(ids))
                .select_related("group")
                .order_by("group__code", "surname", "given_name", "pk")
            )
        else:
            self.fields["status"].help_text = _(
                "Its status on the day it started; later changes are recorded on its page."
            )
        participants = self.fields["participants"]
        participants.queryset = candidates
        participants.label_from_instance = member_label
        participants.help_text = _("Current members of the owner's group(s).")
        participants.error_messages["invalid_choice"] = _(
            "A chosen participant is not a current member of the owner's group(s). Choose again."
        )
        self.fields["activity_type"].queryset = ActivityType.objects.all()
        self.fields["grant_amount"].widget.attrs.update(min="0", step="0.01")
        self.fields["grant_amount"].help_text = _(
            "In Tajik somoni. Leave the grant empty if there was none."
        )


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=InitiativeStatus.choices,
        widget=forms.Select(attrs=SMALL_SELECT),
    )
    changed_on = forms.DateField(
        label=_("From"), widget=DateInput(attrs=SMALL_DATE), initial=timezone.localdate
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, current: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Offered: the statuses it can change to (the service refuses the same one anyway).
        self.fields["status"].choices = [c for c in InitiativeStatus.choices if c[0] != current]


class GroupsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: SelfHelpGroup) -> str:
        return f"{obj.code} {obj.name} · {obj.district}"


class SupportForm(VersionedFormMixin, forms.ModelForm):
    """Support to groups of the user's districts (all in one province) or to one of her
    cooperatives; the service checks the rules and says what is wrong."""

    groups = GroupsField(
        queryset=SelfHelpGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        label=_("Recipient groups"),
        help_text=_("One or more groups of one province, or else a cooperative below."),
        error_messages={
            "invalid_choice": _("Choose groups of your districts from the list."),
            "invalid_pk_value": _("Choose groups from the list."),
        },
    )

    class Meta:
        model = SupportActivity
        fields = [
            "held_on",
            "kind",
            "topic",
            "delivered_by",
            "partner_name",
            "groups",
            "cooperative",
            "women",
            "men",
            "notes",
        ]
        widgets = {
            "held_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Dissolved groups and cooperatives receive no new support; an edit keeps the
        # recipients the activity already has.
        groups = ~Q(status=SelfHelpGroup.Status.DISSOLVED)
        cooperatives = ~Q(status=Cooperative.Status.DISSOLVED)
        if self.instance.pk:
            groups |= Q(pk__in=self.instance.groups.values("pk"))
            cooperatives |= Q(pk=self.instance.cooperative_id)
        self.fields["groups"].queryset = (
            groups_editable(user)
            .filter(groups)
            .select_related("district__province")
            .order_by("district__province__code", "district__name", "code")
        )
        self.fields["cooperative"].queryset = (
            cooperatives_editable(user)
            .filter(cooperatives)
            .select_related("district")
            .order_by("name", "pk")
        )
        self.fields["cooperative"].label_from_instance = lambda c: f"{c.name} ({c.district})"
        self.fields["cooperative"].help_text = _("Or a cooperative, instead of groups.")
        topic = self.fields["topic"]
        topic.queryset = SupportTopic.objects.order_by("kind", "name")
        topic.label_from_instance = lambda t: f"{t.get_kind_display()}: {t}"
        topic.help_text = _("A topic of the kind chosen above.")
        for name in ("women", "men"):
            self.fields[name].widget.attrs.update(min="0")

    def clean(self):
        cleaned = super().clean()
        # Which kind of recipient follows from what was chosen (the service refuses both or
        # neither, with a message).
        only_cooperative = cleaned.get("cooperative") and not cleaned.get("groups")
        self.instance.recipient = (
            SupportActivity.Recipient.COOPERATIVE
            if only_cooperative
            else SupportActivity.Recipient.GROUPS
        )
        return cleaned
