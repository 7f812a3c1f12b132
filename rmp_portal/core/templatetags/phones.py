"""{{ member.phone|phone }}: a stored E.164 number as people read it, "+992 92 123 4567"."""

from django import template

from rmp_portal.core.phones import format_phone

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    return format_phone(value) or "—"
