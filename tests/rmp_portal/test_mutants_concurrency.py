"""The stale-edit side by side, row by row (rmp_portal.core.concurrency.check_version): who
changed which field since the form was loaded, what is shown for empty values, records and
lists of records, and what happens without a known version.

Written against the survivors of `make mutation` in rmp_portal/core/concurrency.py
(docs/testing.md)."""

import datetime

import pytest
from django import forms
from django.db import transaction

from groups.models import ActivityType, SelfHelpGroup
from rmp_portal.core import concurrency
from rmp_portal.core.concurrency import StaleChanges, StaleEdit, check_version, version_of
from rmp_portal.models import Target
from tests.factories import CooperativeFactory, GroupFactory, MemberFactory, field_officer

pytestmark = pytest.mark.django_db

ROW_KEYS = {"label", "before", "theirs", "mine", "changed_by_them", "changed_by_me"}


def stale(instance, version, **submitted) -> StaleEdit:
    with pytest.raises(StaleEdit) as caught, transaction.atomic():
        check_version(instance=instance, version=version, submitted=submitted)
    return caught.value


def rows_by_label(error: StaleEdit) -> dict[str, dict]:
    for row in error.changes:
        assert set(row) == ROW_KEYS
    return {str(row["label"]): row for row in error.changes}


def saved_by_someone_else(instance, user=None, **changes):
    other = type(instance).objects.get(pk=instance.pk)
    for name, value in changes.items():
        setattr(other, name, value)
    if user is not None:
        other.updated_by = user
    other.save()
    return other


def test_the_current_version_passes():
    group = GroupFactory()

    with transaction.atomic():
        assert check_version(instance=group, version=version_of(group), submitted={}) is None


def test_a_field_only_they_changed_is_theirs_and_one_only_i_changed_is_mine():
    group = GroupFactory(name="Lola", village="Yakhtan", notes="")
    loaded = version_of(group)
    amina = field_officer("Devashtich", username="amina")
    saved_by_someone_else(group, user=amina, name="Lola-2")

    error = stale(group, loaded, name="Lola", village="Kosatarosh", notes="")

    rows = rows_by_label(error)
    assert set(rows) == {"name", "village"}  # notes: nobody changed them
    assert rows["name"] == {
        "label": "name",
        "before": "Lola",
        "theirs": "Lola-2",
        "mine": "Lola",
        "changed_by_them": True,
        "changed_by_me": False,
    }
    assert (rows["village"]["changed_by_them"], rows["village"]["changed_by_me"]) == (
        False,
        True,
    )
    assert rows["village"]["before"] == "Yakhtan"
    assert error.changes.by == amina and error.changes.before_known is True
    assert error.changes.at == SelfHelpGroup.objects.get(pk=group.pk).updated_at
    assert error.current.name == "Lola-2"


def test_without_a_known_version_every_differing_field_is_both_and_has_no_before():
    group = GroupFactory(name="Lola", village="Yakhtan")
    saved_by_someone_else(group, name="Lola-2")

    for version in ("2001-01-01T00:00:00+00:00", None, ""):
        error = stale(group, version, name="Lola-3", village="Yakhtan")

        assert error.changes.before_known is False
        assert list(rows_by_label(error)) == ["name"]  # the village is the same on both sides
        (row,) = error.changes
        assert (row["before"], row["theirs"], row["mine"]) == ("", "Lola-2", "Lola-3")
        assert (row["changed_by_them"], row["changed_by_me"]) == (True, True)


def test_empty_values_show_as_a_dash():
    group = GroupFactory(village="Yakhtan", notes="")
    loaded = version_of(group)
    saved_by_someone_else(group, notes="Meets on Fridays")

    (row,) = stale(group, loaded, notes="").changes

    assert (row["before"], row["theirs"], row["mine"]) == ("—", "Meets on Fridays", "—")


def test_a_record_is_shown_by_name_and_a_deleted_one_by_its_id():
    cooperative = CooperativeFactory()
    director = MemberFactory(surname="Usmonova", given_name="Gulnora")
    gone = MemberFactory(surname="Gone")
    gone_pk = gone.pk
    gone.delete()
    loaded = version_of(cooperative)
    saved_by_someone_else(cooperative, name="Renamed")

    rows = rows_by_label(stale(cooperative, "2001-01-01T00:00:00+00:00", director=director))
    assert rows["director"]["mine"] == "Usmonova Gulnora"
    assert rows["director"]["theirs"] == "—"
    rows = rows_by_label(stale(cooperative, loaded, director=gone_pk))
    assert rows["director"]["mine"] == f"#{gone_pk}"
    assert (
        rows["director"]["changed_by_me"] is True and rows["director"]["changed_by_them"] is False
    )


def test_lists_of_records_compare_as_sets_and_show_sorted_names():
    group = GroupFactory()
    dairy = ActivityType.objects.get(name="Dairy processing")
    lemons = ActivityType.objects.get(name="Lemon cultivation")
    group.activities.set([dairy])
    group = SelfHelpGroup.objects.get(pk=group.pk)
    loaded = version_of(group)
    saved_by_someone_else(group, name="Renamed")

    # The same activities given as records or as ids: not a change of mine.
    error = stale(group, loaded, activities=[dairy.pk], name=group.name)
    assert list(rows_by_label(error)) == ["name"]
    error = stale(group, loaded, activities=[lemons, dairy])
    (row,) = error.changes
    assert row["before"] == row["theirs"] == "Dairy processing"
    assert row["mine"] == "Dairy processing, Lemon cultivation"
    error = stale(group, loaded, activities=[])
    assert error.changes[0]["mine"] == "—"


def test_the_loaded_version_is_the_last_history_row_saved_with_it():
    """A save writes a history row, each many-to-many change one more with the same
    updated_at: the version loaded is the last of them."""
    group = GroupFactory()
    dairy = ActivityType.objects.get(name="Dairy processing")
    group.activities.set([dairy])  # a second history row, same updated_at
    loaded = version_of(SelfHelpGroup.objects.get(pk=group.pk))
    saved_by_someone_else(group, name="Renamed")

    error = stale(group, loaded, activities=[dairy])

    assert error.changes == []  # the activities were {dairy} in the version loaded


def test_a_loaded_record_needs_a_version_and_a_history():
    target = Target(year=2020)  # no change history

    assert concurrency._loaded_record(target, datetime.datetime(2020, 1, 1)) is None
    group = GroupFactory()
    assert concurrency._loaded_record(group, None) is None
    assert concurrency._loaded_record(group, group.updated_at).name == group.name


def test_a_many_to_many_field_the_history_does_not_keep_was_empty():
    field = SelfHelpGroup._meta.get_field("activities")

    assert concurrency._historical_value(object(), field) == frozenset()


def test_an_unsaved_record_has_no_version():
    assert version_of(SelfHelpGroup()) == ""


def test_a_stale_edit_carries_the_current_record_and_the_rows():
    rows = StaleChanges([{"label": "name"}])
    error = StaleEdit(current="the record", changes=rows)

    assert str(error) == "stale edit"
    assert (error.current, error.changes) == ("the record", rows)
    assert StaleChanges().before_known is False
    assert (StaleChanges().by, StaleChanges().at) == (None, None)


def test_a_versioned_form_without_a_record_has_no_version():
    class Plain(concurrency.VersionedFormMixin, forms.Form):
        pass

    assert Plain()["version"].value() is None
    group = GroupFactory()

    class Edit(concurrency.VersionedFormMixin, forms.ModelForm):
        class Meta:
            model = SelfHelpGroup
            fields = ["name"]

    assert Edit(instance=group)["version"].value() == version_of(group)
    assert Edit(instance=SelfHelpGroup())["version"].value() is None
