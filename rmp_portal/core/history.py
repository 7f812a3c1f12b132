"""A record's history for its detail page: who changed what, when, field by field, with the
labels in the user's language and foreign keys shown by name.

The history comes from django-simple-history. Everything a page shows is read in a fixed
number of queries, however long the history: the record's historical rows, one query per
many-to-many field for the linked rows each historical row saved (a group's activities, a
cooperative's branches), the historical rows of its cooperative memberships (a cooperative's
groups joining and leaving, a group's cooperatives), and one query per kind of record named
by a foreign key.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext

# Bookkeeping fields a reader does not need to see in a change list.
HIDDEN_FIELDS = {
    "id",
    "search_key",
    "phone_digits",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
}
LIMIT = 50
# A group's or cooperative's cooperative memberships are few (a handful in a lifetime); this
# only bounds the query.
CHILD_LIMIT = 500
# The change reason an import writes (imports.models.ImportRun.change_reason): linked.
IMPORT_REASON = re.compile(r"^import #(\d+)$")


@dataclass(frozen=True)
class Children:
    """Records whose history belongs on the parent's page: `model` rows pointing to the
    parent through `parent` and named on the page by their `subject` foreign key."""

    model: type[models.Model]
    parent: str
    subject: str
    label: object  # a lazy translation with %(name)s


# Child records per parent model, registered by the app that owns the child model in its
# AppConfig.ready() (cooperatives registers its memberships under groups and cooperatives), so
# this engine names no model.
_CHILDREN: dict[type[models.Model], list[Children]] = defaultdict(list)


def register_children(parent: type[models.Model], children: Children) -> None:
    """Show the history of `children.model` rows on `parent`'s page."""
    if children not in _CHILDREN[parent]:
        _CHILDREN[parent].append(children)


def _children(model: type[models.Model]) -> list[Children]:
    return _CHILDREN.get(model, [])


@dataclass
class _Stream:
    """The historical rows of one record, newest first, and how to show them."""

    model: type[models.Model]
    records: list
    fields: list[models.Field]
    m2m: list[models.ManyToManyField]
    children: Children | None = None
    links: dict[str, dict[int, set]] = field(default_factory=dict)  # m2m: history_id -> pks
    complete: bool = True  # the oldest row is the record's first one


def history_entries(
    instance: models.Model, *, limit: int = LIMIT, hidden: Iterable[str] = ()
) -> list[dict]:
    """The newest `limit` changes of the record (and of its child records), newest first.

    Fields in `hidden` (personal data the reader may not see) are named as changed but their
    values are not shown."""
    model = type(instance)
    hidden = set(hidden)
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    streams = [
        _Stream(
            model,
            records[:limit],
            _tracked(model),
            _tracked_m2m(model),
            complete=len(records) <= limit,
        )
    ]
    if len(records) > limit:
        streams[0].records.append(records[limit])  # only to compare the oldest shown with
    for children in _children(model):
        streams += _child_streams(children, instance.pk)
    for stream in streams:
        _load_links(stream)
    names = _names(streams)
    entries = []
    for stream in streams:
        entries += _stream_entries(stream, names, hidden)
    entries.sort(key=lambda e: (e["date"], e["order"]), reverse=True)
    return entries[:limit]


def _tracked(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable and f.name not in HIDDEN_FIELDS and not f.many_to_many
    ]


def _tracked_m2m(model) -> list[models.ManyToManyField]:
    history_model = model.history.model
    return [f for f in getattr(history_model, "_history_m2m_fields", []) if f.editable]


def _child_streams(children: Children, parent_pk) -> list[_Stream]:
    rows = list(
        children.model.history.filter(**{f"{children.parent}_id": parent_pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:CHILD_LIMIT]
    )
    by_record = defaultdict(list)
    for row in rows:
        by_record[row.id].append(row)
    fields = [f for f in _tracked(children.model) if f.name != children.parent]
    return [
        _Stream(children.model, chain, fields, [], children=children)
        for chain in by_record.values()
    ]


def _load_links(stream: _Stream) -> None:
    """The linked rows each historical row saved, per many-to-many field (one query each)."""
    ids = [r.history_id for r in stream.records]
    history_model = stream.model.history.model
    for m2m in stream.m2m:
        through = getattr(history_model, m2m.name).model
        target = m2m.m2m_reverse_field_name()
        links: dict[int, set] = {i: set() for i in ids}
        for history_id, pk in through.objects.filter(history_id__in=ids).values_list(
            "history_id", target
        ):
            links[history_id].add(pk)
        stream.links[m2m.name] = links


def _names(streams: list[_Stream]) -> dict:
    """Every record a foreign key or many-to-many link names, by model and key: one query
    per model."""
    wanted = defaultdict(set)
    for stream in streams:
        relations = [f for f in stream.fields if f.is_relation]
        if stream.children:
            relations.append(stream.model._meta.get_field(stream.children.subject))
        for record in stream.records:
            for f in relations:
                value = getattr(record, f.attname)
                if value is not None:
                    wanted[f.related_model].add(value)
        for m2m in stream.m2m:
            for pks in stream.links[m2m.name].values():
                wanted[m2m.related_model].update(pks)
    return {
        related: {obj.pk: label_of(obj) for obj in related._base_manager.filter(pk__in=pks)}
        for related, pks in wanted.items()
    }


def label_of(obj) -> str:
    """How a change list names a record: its `history_label` where it has one (a member is
    named without the patronymic, which is personal data), else str()."""
    label = getattr(obj, "history_label", None)
    return label if isinstance(label, str) else str(obj)


def _stream_entries(stream: _Stream, names: dict, hidden: set[str]) -> list[dict]:
    entries = []
    records = stream.records
    shown = records if stream.complete else records[:-1]
    subject = ""
    if stream.children:
        subject_field = stream.model._meta.get_field(stream.children.subject)
        name = _show(subject_field, getattr(records[0], subject_field.attname), names)
        subject = stream.children.label % {"name": name}
    for index, new in enumerate(shown):
        old = records[index + 1] if index + 1 < len(records) else None
        entry = {
            "date": new.history_date,
            "order": new.history_id,
            "user": new.history_user,
            "kind": new.get_history_type_display(),
            "created": new.history_type == "+",
            "deleted": new.history_type == "-",
            "reason": new.history_change_reason or "",
            "import_run": _import_run(new.history_change_reason),
            "subject": subject,
            "changes": [],
            "values": [],
            "initial": old is None,
        }
        if old is None and stream.children and not entry["deleted"]:
            # A group joining (or a membership added in the admin): what it was created as.
            entry["values"] = [
                {"label": f.verbose_name, "value": _show(f, getattr(new, f.attname), names)}
                for f in stream.fields
                if f.name != stream.children.subject and getattr(new, f.attname) is not None
            ]
        elif old is not None and not entry["deleted"]:
            entry["changes"] = _changes(stream, new, old, names, hidden)
            if not entry["changes"]:
                # Saved without a change anyone can see (only bookkeeping fields, or a
                # many-to-many save that left the links as they were).
                continue
        entries.append(entry)
    return entries


def _import_run(reason: str | None) -> int | None:
    match = IMPORT_REASON.match(reason or "")
    return int(match[1]) if match else None


def _changes(stream: _Stream, new, old, names: dict, hidden: set[str]) -> list[dict]:
    changes = []
    for f in stream.fields:
        before, after = getattr(old, f.attname), getattr(new, f.attname)
        if before != after:
            changes.append(_change(f, before, after, names, hidden))
    for m2m in stream.m2m:
        links = stream.links[m2m.name]
        before, after = links[old.history_id], links[new.history_id]
        if before != after:
            changes.append(
                {
                    "label": m2m.verbose_name,
                    "old": _list(m2m, before, names),
                    "new": _list(m2m, after, names),
                    "hidden": m2m.name in hidden,
                }
            )
    return changes


def _change(f: models.Field, before, after, names: dict, hidden: set[str]) -> dict:
    if f.name in hidden:
        return {"label": f.verbose_name, "old": "", "new": "", "hidden": True}
    return {
        "label": f.verbose_name,
        "old": _show(f, before, names),
        "new": _show(f, after, names),
        "hidden": False,
    }


def _list(m2m: models.ManyToManyField, pks: set, names: dict) -> str:
    if not pks:
        return "—"
    known = names.get(m2m.related_model, {})
    return ", ".join(sorted(known.get(pk, f"#{pk}") for pk in pks))


def _show(f: models.Field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if f.is_relation:
        return names.get(f.related_model, {}).get(value, f"#{value}")
    return format_value(f, value)


def format_value(f: models.Field, value) -> str:
    """A stored value (not a relation) as the user reads it."""
    if value is None or value == "":
        return "—"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        # Django's own catalogue translates this triple (the yesno filter's default).
        words = gettext("yes,no,maybe").split(",")
        if len(words) < 2:
            words = ["yes", "no"]
        return words[0] if value else words[1]
    if isinstance(value, datetime.datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)
