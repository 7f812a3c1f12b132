"""Form widgets every app's forms and filters use."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """A date picker. Its value is always ISO (what <input type="date"> shows and sends),
    never the language's format (24.11.2026), which the picker would take for empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateRangeInput(django_filters.widgets.DateRangeWidget):
    """Two date inputs under the field's legend, each with its own accessible name ("from",
    "to"): a legend alone does not label the inputs for screen readers."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"type": "date", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, word in zip(
            context["widget"]["subwidgets"], (_("from"), _("to")), strict=True
        ):
            subwidget["attrs"]["aria-label"] = word
        return context
