"""Form widgets every app's forms and filters use."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

# What a date field accepts as it is typed: 24.11.2026 (or 24.11.26), 24112026 (a phone's
# number pad has no dot) and ISO 2026-11-24. The server reads the same (DATE_INPUT_FORMATS in
# rmp_portal/formats); the pattern only lets the browser say so before sending.
DATE_PATTERN = r"\d{1,2}\.\d{1,2}\.(\d{2}|\d{4})|\d{8}|\d{4}-\d{1,2}-\d{1,2}"
DATE_FORMAT = "%d.%m.%Y"


def date_attrs() -> dict:
    """The attributes of a typed date: a number pad on a phone, the pattern, the format in the
    user's language as placeholder, no autofill."""
    return {
        "inputmode": "numeric",
        "pattern": DATE_PATTERN,
        # Translators: the placeholder of a date field (day, month, year), e.g. 24.11.2026.
        "placeholder": _("dd.mm.yyyy"),
        "autocomplete": "off",
        "data-date-input": "",
    }


class DateInput(forms.DateInput):
    """A date typed as 24.11.2026 in every language, as everyone in Tajikistan writes it.

    A text box, not <input type="date">: a browser's date picker shows and reads the phone's
    own format (which may be 11/24/2026 or empty), never the one the portal asks for. Its
    value is always day first with dots, which every language's DATE_INPUT_FORMATS reads."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={**date_attrs(), **(attrs or {})}, format=DATE_FORMAT)


class DateRangeInput(django_filters.widgets.DateRangeWidget):
    """Two typed dates (see DateInput) under the field's legend, each with its own accessible
    name ("from", "to"): a legend alone does not label the inputs for screen readers."""

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs)
        self.widgets = [DateInput() for _widget in self.widgets]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, word in zip(
            context["widget"]["subwidgets"], (_("from"), _("to")), strict=True
        ):
            subwidget["attrs"]["aria-label"] = word
        return context
