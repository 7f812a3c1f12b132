from django import forms
from django.utils.translation import gettext_lazy as _

from imports.reader import MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An .xlsx workbook or a CSV file, up to 5 MB and 20,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB. Split it into smaller files.")
                % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ConfirmForm(forms.Form):
    all_or_nothing = forms.BooleanField(
        label=_("All or nothing: import nothing if any row has an error"), required=False
    )
    accept_duplicates = forms.BooleanField(
        label=_(
            "I checked the rows marked as possible duplicates: they are different people, "
            "import them too"
        ),
        required=False,
    )
