"""{% date_input "as_of" dates.as_of "id_as_of" %}: a typed dd.mm.yyyy date box for forms that
templates lay out themselves (a GET form's controls), the same as DateInput renders."""

from django import template

from rmp_portal.core.widgets import DateInput

register = template.Library()


@register.simple_tag
def date_input(name: str, value, field_id: str, css_class: str = "form-control form-control-sm"):
    return DateInput(attrs={"class": css_class, "id": field_id}).render(name, value)
