"""Writes of groups. Each is one transaction; validation runs before anything is saved."""

from django.db import transaction

from groups.models import SelfHelpGroup
from rmp_portal.core.concurrency import check_version

EDITABLE_FIELDS = (
    "name",
    "district",
    "jamoat",
    "village",
    "established_on",
    "status",
    "dissolved_on",
    "notes",
)


@transaction.atomic
def group_create(*, user, data: dict) -> SelfHelpGroup:
    activities = data.get("activities", [])
    group = SelfHelpGroup(**{f: data[f] for f in EDITABLE_FIELDS if f in data})
    group.created_by = group.updated_by = user
    group.full_clean(exclude=["code"])
    group.save()
    group.activities.set(activities)
    return group


@transaction.atomic
def group_update(*, group: SelfHelpGroup, user, data: dict, version: str | None) -> SelfHelpGroup:
    """Save the edit unless someone else saved the group since the form was loaded
    (raises StaleEdit, and nothing is written)."""
    submitted = {f: data[f] for f in EDITABLE_FIELDS if f in data}
    if "activities" in data:
        submitted["activities"] = list(data["activities"])
    check_version(instance=group, version=version, submitted=submitted)
    for name, value in submitted.items():
        if name != "activities":
            setattr(group, name, value)
    group.updated_by = user
    group.full_clean()
    group.save()
    if "activities" in submitted:
        group.activities.set(submitted["activities"])
    return group
