from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives import selectors, services
from cooperatives.models import Cooperative
from groups.models import ActivityType, Province, SelfHelpGroup
from groups.selectors import districts_editable
from members.models import Member
from rmp_portal.core.concurrency import VersionedFormMixin
from rmp_portal.core.widgets import DateInput

SMALL_DATE = {"class": "form-control form-control-sm"}
SMALL_SELECT = {"class": "form-select form-select-sm"}


def member_label(member: Member) -> str:
    return f"{member.surname} {member.given_name}"


class GroupsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: SelfHelpGroup) -> str:
        return f"{obj.code} {obj.name} · {obj.district}"


class CooperativeFormingForm(forms.ModelForm):
    """Forming a cooperative of groups: the choices are the groups the user may change that
    are active and in no cooperative; anything else posted is an invalid choice."""

    groups = GroupsField(
        queryset=SelfHelpGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        label=_("Groups that form it"),
        help_text=_("Two or more active groups of one province that are in no cooperative."),
        error_messages={
            "invalid_choice": _(
                "A chosen group can no longer be chosen: it is not active, is already in a "
                "cooperative, or is outside your districts. Choose again."
            ),
            "invalid_pk_value": _("Choose groups from the list."),
        },
    )
    director = forms.TypedChoiceField(
        label=_("Director"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Optional: a current member of one of the chosen groups."),
    )
    field_order = [
        "groups",
        "name",
        "registration_number",
        "district",
        "formed_on",
        "status",
        "branches",
        "director",
        "description",
    ]

    class Meta:
        model = Cooperative
        fields = [
            "name",
            "registration_number",
            "district",
            "formed_on",
            "status",
            "branches",
            "description",
        ]
        widgets = {
            "formed_on": DateInput(),
            "branches": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, province: Province | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        eligible = selectors.groups_free_to_join(user=user)
        districts = districts_editable(user)
        if province is not None:
            eligible = eligible.filter(district__province=province)
            districts = districts.filter(province=province)
        self.fields["groups"].queryset = eligible
        self.fields["district"].queryset = districts
        if len(districts) == 1:
            self.fields["district"].empty_label = None
        self.fields["district"].label_from_instance = lambda d: f"{d} ({d.province})"
        self.fields["district"].help_text = _("In the province of the groups.")
        self.fields["formed_on"].initial = timezone.localdate
        self.fields["status"].choices = [
            c for c in Cooperative.Status.choices if c[0] in services.FORMING_STATUSES
        ]
        self.fields["branches"].queryset = ActivityType.objects.all()
        self.candidates = selectors.director_candidates(eligible)
        self.fields["director"].choices = self._director_choices

    def _director_choices(self):
        # Grouped by group (an <optgroup> each), so the list reads like the registry.
        choices: list = [("", "---------")]
        by_group: dict[SelfHelpGroup, list] = {}
        for member in self.candidates:
            by_group.setdefault(member.group, []).append((member.pk, member_label(member)))
        choices += [(f"{g.code} {g.name}", items) for g, items in by_group.items()]
        return choices

    def clean_director(self) -> Member | None:
        pk = self.cleaned_data.get("director")
        if pk is None:
            return None
        member = self.candidates.filter(pk=pk).first()
        if member is None:
            raise forms.ValidationError(
                _("The director must be a current member of one of the chosen groups.")
            )
        return member

    def clean(self):
        cleaned = super().clean()
        if "groups" in self.errors:
            return cleaned
        errors = services.forming_errors(
            user=self.user,
            groups=list(cleaned.get("groups") or []),
            district=cleaned.get("district"),
            formed_on=cleaned.get("formed_on"),
            director=cleaned.get("director"),
        )
        for name, messages in errors.items():
            for message in messages:
                if name not in self.errors or message not in self.errors[name]:
                    self.add_error(name, message)
        return cleaned


class CooperativeEditForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Cooperative
        fields = [
            "name",
            "registration_number",
            "status",
            "dissolved_on",
            "branches",
            "director",
            "description",
        ]
        widgets = {
            "dissolved_on": DateInput(),
            "branches": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        director = self.fields["director"]
        director.queryset = selectors.current_director_candidates(cooperative=self.instance)
        director.label_from_instance = lambda m: f"{member_label(m)} ({m.group.code})"
        director.help_text = _("A current member of one of the cooperative's current groups.")
        self.fields["branches"].queryset = ActivityType.objects.all()
        self.fields["dissolved_on"].help_text = _(
            "Only for a dissolved cooperative: its groups leave it on this date."
        )


class JoinCooperativeForm(forms.Form):
    """On a group's page: the cooperative it joins."""

    cooperative = forms.ModelChoiceField(
        queryset=Cooperative.objects.none(),
        label=_("Cooperative"),
        widget=forms.Select(attrs=SMALL_SELECT),
        error_messages={
            "invalid_choice": _(
                "Choose a cooperative of the group's province that is not dissolved."
            )
        },
    )
    joined_on = forms.DateField(
        label=_("Joined on"), widget=DateInput(attrs=SMALL_DATE), initial=timezone.localdate
    )

    def __init__(self, *args, user, group: SelfHelpGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cooperative"].queryset = selectors.cooperatives_open_to(user=user, group=group)
        self.fields["cooperative"].label_from_instance = lambda c: f"{c.name} ({c.district})"


class AddGroupForm(forms.Form):
    """On a cooperative's page: a group of its province joins it."""

    group = forms.ModelChoiceField(
        queryset=SelfHelpGroup.objects.none(),
        label=_("Group"),
        widget=forms.Select(attrs=SMALL_SELECT),
        error_messages={
            "invalid_choice": _(
                "Choose an active group of your districts, in this province, that is in no "
                "cooperative."
            )
        },
    )
    joined_on = forms.DateField(
        label=_("Joined on"), widget=DateInput(attrs=SMALL_DATE), initial=timezone.localdate
    )

    def __init__(self, *args, user, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = selectors.groups_free_to_join(user=user).filter(
            district__province_id=cooperative.district.province_id
        )
        self.fields["group"].label_from_instance = lambda g: f"{g.code} {g.name} · {g.district}"


class LeaveCooperativeForm(forms.Form):
    left_on = forms.DateField(
        label=_("Left on"), widget=DateInput(attrs=SMALL_DATE), initial=timezone.localdate
    )
