"""No lost updates: an edit form carries the version (updated_at) it was loaded from; saving
over a newer version is refused and the user sees, side by side, the version they loaded,
what the other person saved and what they entered themselves."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from rmp_portal.core.history import format_value, label_of


class StaleChanges(list):
    """The rows of the side-by-side (dicts: label, before, theirs, mine, changed_by_them,
    changed_by_me), with who saved the newer version and when."""

    def __init__(self, rows=(), *, by=None, at=None, before_known: bool = False):
        super().__init__(rows)
        self.by = by
        self.at = at
        self.before_known = before_known


class StaleEdit(Exception):
    def __init__(self, current: models.Model, changes: list[dict]):
        super().__init__("stale edit")
        self.current = current
        self.changes = changes


def version_of(instance: models.Model) -> str:
    return instance.updated_at.isoformat() if instance.updated_at else ""


class VersionedFormMixin(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["version"].initial = version_of(instance)

    def _update_errors(self, errors):
        # A ModelForm's model rules may name a field the form does not show (a former
        # member's date of leaving, when the joining date moves past it): Django would raise
        # ValueError, a 500. Those messages go above the form instead.
        if hasattr(errors, "error_dict"):
            hidden = [
                name for name in errors.error_dict if name not in (*self.fields, NON_FIELD_ERRORS)
            ]
            if hidden:
                by_field = dict(errors.error_dict)
                above = by_field.setdefault(NON_FIELD_ERRORS, [])
                for name in hidden:
                    above.extend(by_field.pop(name))
                errors = ValidationError(by_field)
        super()._update_errors(errors)


def check_version(*, instance: models.Model, version: str | None, submitted: dict) -> None:
    """Lock the row and compare its version with the one the form was loaded from.

    Must be called inside a transaction. `submitted` maps field names to the values the user
    sent. A form without a version, or with a version that is not the stored one, is refused
    (StaleEdit): its rows are the fields that the other person or this user changed since
    the loaded version (found in the change history), or, when that version is not in the
    history, the fields where the stored record and the submitted values differ."""
    current = type(instance).objects.select_for_update().get(pk=instance.pk)
    loaded = parse_datetime(version) if version else None
    if loaded is not None and current.updated_at == loaded:
        return
    base = _loaded_record(current, loaded)
    rows = []
    for name, mine in submitted.items():
        field = current._meta.get_field(name)
        theirs = _value(current, field)
        mine = _key(field, mine)
        before = _historical_value(base, field) if base is not None else None
        if base is not None:
            by_them, by_me = theirs != before, mine != before
            if not (by_them or by_me):
                continue
        elif theirs == mine:
            continue
        else:
            by_them, by_me = True, True
        rows.append(
            {
                "label": field.verbose_name,
                "before": _display(field, before) if base is not None else "",
                "theirs": _display(field, theirs),
                "mine": _display(field, mine),
                "changed_by_them": by_them,
                "changed_by_me": by_me,
            }
        )
    raise StaleEdit(
        current,
        StaleChanges(
            rows, by=current.updated_by, at=current.updated_at, before_known=base is not None
        ),
    )


def _loaded_record(current: models.Model, loaded):
    """The historical row of the version the form was loaded from: the last one saved with
    that updated_at (a save writes one, and each many-to-many change one more). History ids
    grow with every row written, so the highest is the last."""
    history = getattr(type(current), "history", None)
    if loaded is None or history is None:
        return None
    return current.history.filter(updated_at=loaded).order_by("-history_id").first()


# Values are compared as keys: a foreign key by primary key, a many-to-many field as the set
# of primary keys; `_display` turns a key back into what the user reads.


def _key(field, value):
    if field.many_to_many:
        return frozenset(getattr(o, "pk", o) for o in value)
    if field.is_relation:
        return getattr(value, "pk", value)
    return value


def _value(instance, field):
    if field.many_to_many:
        return frozenset(getattr(instance, field.name).values_list("pk", flat=True))
    return getattr(instance, field.attname)


def _historical_value(record, field):
    if field.many_to_many:
        links = getattr(record, field.name, None)
        if links is None:  # a many-to-many field the history does not keep
            return frozenset()
        return frozenset(links.values_list(field.m2m_reverse_field_name(), flat=True))
    return getattr(record, field.attname)


def _display(field, value) -> str:
    if field.many_to_many:
        if not value:
            return "—"
        objects = field.related_model._base_manager.filter(pk__in=value)
        return ", ".join(sorted(label_of(o) for o in objects))
    if field.is_relation:
        if value is None:
            return "—"
        obj = field.related_model._base_manager.filter(pk=value).first()
        return label_of(obj) if obj is not None else f"#{value}"
    return format_value(field, value)


STALE_MESSAGE = _(
    "Someone else saved this record while you were editing it. Nothing you entered was "
    "saved. Compare the changes below, then edit the current version again."
)
