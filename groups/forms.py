import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import ActivityType, Jamoat, SelfHelpGroup
from groups.selectors import districts_editable
from rmp_portal.core.concurrency import VersionedFormMixin
from rmp_portal.core.widgets import DateInput


class GroupForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = SelfHelpGroup
        fields = [
            "name",
            "district",
            "jamoat",
            "village",
            "established_on",
            "status",
            "dissolved_on",
            "activities",
            "notes",
        ]
        widgets = {
            "established_on": DateInput(),
            "dissolved_on": DateInput(),
            "activities": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        districts = districts_editable(user)
        self.fields["district"].queryset = districts
        self.fields["district"].empty_label = None if districts.count() == 1 else "---------"
        self.fields["jamoat"].queryset = Jamoat.objects.filter(
            district__in=districts
        ).select_related("district")
        self.fields["jamoat"].label_from_instance = lambda j: f"{j} ({j.district})"
        self.fields["activities"].queryset = ActivityType.objects.all()
        self.fields["dissolved_on"].help_text = _("Only for a dissolved group.")

    def clean_established_on(self):
        value = self.cleaned_data["established_on"]
        if value and value < datetime.date(1900, 1, 1):
            raise forms.ValidationError(_("Enter a real date."))
        return value
