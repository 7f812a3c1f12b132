import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import SelfHelpGroup
from groups.selectors import groups_editable
from members.models import Member
from members.services import EDITABLE_FIELDS
from rmp_portal.core.concurrency import VersionedFormMixin
from rmp_portal.core.phones import normalize_phone
from rmp_portal.core.widgets import DateInput

PERSON_FIELDS = list(EDITABLE_FIELDS)

# Up to this many groups are offered in a list; beyond it (an admin, a national registry) the
# registry code is typed instead.
GROUP_SELECT_LIMIT = 300


class GroupCodeField(forms.ModelChoiceField):
    """A group chosen among `queryset` and sent as its registry code, so a group that is not
    offered (another district's, a forged id) is a form error, never a lookup elsewhere."""

    def __init__(self, queryset, **kwargs):
        if queryset.count() > GROUP_SELECT_LIMIT:
            kwargs["widget"] = forms.TextInput(attrs={"autocomplete": "off"})
            kwargs["help_text"] = _("The group's registry code, e.g. SU-0042.")
        super().__init__(queryset, to_field_name="code", **kwargs)

    def to_python(self, value):
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


def open_groups(user):
    """Groups the user may add members to: in their districts, not dissolved."""
    return groups_editable(user).exclude(status=SelfHelpGroup.Status.DISSOLVED).order_by("code")


def _not_ancient(value: datetime.date | None) -> datetime.date | None:
    if value and value < datetime.date(1900, 1, 1):
        raise forms.ValidationError(_("Enter a real date."))
    return value


class MemberForm(VersionedFormMixin, forms.ModelForm):
    """Editing a membership's facts. The group is changed by a transfer, the departure by
    "record departure", so neither is here."""

    class Meta:
        model = Member
        fields = PERSON_FIELDS
        widgets = {
            "joined_on": DateInput(),
            "skills": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_year"].widget.attrs.update({"min": 1900, "max": 2100})

    def clean_joined_on(self):
        return _not_ancient(self.cleaned_data.get("joined_on"))

    def clean_phone(self):
        # "92 123 4567" is saved as "+992921234567"; what is not a valid number is refused
        # here, on the field, also a number saved before numbers were checked: the form
        # shows it, so it is corrected (or emptied) with the edit.
        return normalize_phone(self.cleaned_data.get("phone"))


class MemberCreateForm(MemberForm):
    confirm_not_duplicate = forms.BooleanField(
        label=_("This is a different person: save anyway"), required=False
    )

    class Meta(MemberForm.Meta):
        fields = ["group", *PERSON_FIELDS]

    def __init__(self, *args, user, offer_confirm: bool = False, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["group"] = GroupCodeField(open_groups(user), label=_("Group"))
        self.fields["joined_on"].initial = timezone.localdate()
        if not offer_confirm:
            del self.fields["confirm_not_duplicate"]


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].initial = timezone.localdate()

    def clean_left_on(self):
        return _not_ancient(self.cleaned_data.get("left_on"))


class TransferForm(forms.Form):
    on_date = forms.DateField(label=_("Date of transfer"), widget=DateInput())

    def __init__(self, *args, member: Member, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_group"] = GroupCodeField(
            open_groups(user).exclude(pk=member.group_id), label=_("To group")
        )
        self.fields["on_date"].initial = timezone.localdate()
        self.order_fields(["to_group", "on_date"])

    def clean_on_date(self):
        return _not_ancient(self.cleaned_data.get("on_date"))
