"""Confirming: every valid row in one transaction, or nothing ("all or nothing", a database
failure at any row); rows are checked again, since records may have changed since the
preview; the change history of each record names the import."""

from unittest import mock

import pytest
from django.db import IntegrityError

from groups.models import SelfHelpGroup
from imports import services
from imports.models import ImportRun
from members.models import Member
from tests import factories
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

HEAD = "Group;Surname;Given name;Sex;Birth year;Role;Joined;Left\r\n"


def thousand_rows(bad_row: int | None = None) -> str:
    """1,000 new members of SU-0001; with `bad_row` (1-based data row), that one has a man as
    leader."""
    lines = []
    for i in range(1, 1001):
        if i == bad_row:
            lines.append(f"SU-0001;Karimov{i};Zafar;M;1980;leader;01.03.2014;\r\n")
        else:
            lines.append(f"SU-0001;Karimova{i};Zebo;F;1980;;01.03.2014;\r\n")
    return HEAD + "".join(lines)


def snapshot():
    return (
        list(Member.objects.order_by("pk").values()),
        list(SelfHelpGroup.objects.order_by("pk").values()),
        Member.history.count(),
    )


@pytest.fixture
def existing(group):
    return factories.MemberFactory(group=group, surname="Nazarova", given_name="Shahlo",
                                   birth_year=1970, role="member")  # fmt: skip


def test_all_or_nothing_imports_nothing_when_row_900_of_1000_is_wrong(officer, existing):
    before = snapshot()
    run = services.import_preview(
        user=officer, kind="members", upload=upload("m.csv", thousand_rows(bad_row=900))
    )
    assert (run.new_count, run.error_count) == (999, 1)
    with pytest.raises(services.ImportRefused, match="Nothing was imported: 1 rows"):
        services.import_commit(run=run, user=officer, all_or_nothing=True)
    assert snapshot() == before
    run.refresh_from_db()
    assert run.status == "previewed" and run.all_or_nothing is False


def test_without_all_or_nothing_the_valid_rows_are_imported_and_the_bad_one_skipped(
    officer, existing
):
    run = services.import_preview(
        user=officer, kind="members", upload=upload("m.csv", thousand_rows(bad_row=900))
    )
    run = services.import_commit(run=run, user=officer)
    assert run.status == "committed" and (run.new_count, run.error_count) == (999, 1)
    assert Member.objects.count() == 1000
    assert not Member.objects.filter(surname="Karimov900").exists()


def test_a_database_failure_during_the_write_rolls_back_every_row(officer, existing):
    text = thousand_rows() + "SU-0001;Nazarova;Shahlo;F;1970;deputy;01.03.2012;\r\n"
    run = services.import_preview(user=officer, kind="members", upload=upload("m.csv", text))
    assert (run.new_count, run.updated_count) == (1000, 1)
    before = snapshot()
    real = services.bulk_create_with_history

    def fail_at_row_900(objs, model, **kwargs):
        real(objs[:899], model, **kwargs)  # rows 1-899 written, then the database refuses
        raise IntegrityError("injected failure at row 900")

    with (
        mock.patch.object(services, "bulk_create_with_history", fail_at_row_900),
        pytest.raises(services.ImportRefused, match="Nothing was imported"),
    ):
        services.import_commit(run=run, user=officer)
    assert snapshot() == before  # the update written before the failure is gone too
    run.refresh_from_db()
    assert run.status == "failed" and "database refused" in run.message


def test_a_database_failure_at_group_900_rolls_back_the_groups(officer):
    text = "Code;Name;District;Established\r\n" + "".join(
        f";Group {i};Devashtich;01.03.2014\r\n" for i in range(1, 1001)
    )
    run = services.import_preview(user=officer, kind="groups", upload=upload("g.csv", text))
    before = snapshot()
    real_save = SelfHelpGroup.save
    calls = {"n": 0}

    def save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 900:
            raise IntegrityError("injected failure at row 900")
        return real_save(self, *args, **kwargs)

    with (
        mock.patch.object(SelfHelpGroup, "save", save),
        pytest.raises(services.ImportRefused),
    ):
        services.import_commit(run=run, user=officer)
    assert snapshot() == before
    assert not SelfHelpGroup.objects.filter(name="Group 1").exists()


def test_the_rows_are_checked_again_on_confirmation(officer, group):
    run = services.import_preview(
        user=officer,
        kind="members",
        upload=upload("m.csv", HEAD + "SU-0001;Karimova;Zebo;F;1980;leader;01.03.2014;\r\n"),
    )
    assert run.new_count == 1
    # Meanwhile someone else makes another member the leader.
    factories.MemberFactory(group=group, surname="Nazarova", role="leader")
    run = services.import_commit(run=run, user=officer)
    assert (run.new_count, run.error_count) == (0, 1)
    assert not Member.objects.filter(surname="Karimova").exists()


def test_a_run_is_confirmed_once(officer, group):
    run = services.import_preview(
        user=officer,
        kind="members",
        upload=upload("m.csv", HEAD + "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n"),
    )
    services.import_commit(run=run, user=officer)
    with pytest.raises(services.ImportRefused, match="already confirmed"):
        services.import_commit(run=run, user=officer)
    assert Member.objects.count() == 1


def test_discarding_saves_nothing_and_forgets_the_rows(officer, group):
    run = services.import_preview(
        user=officer,
        kind="members",
        upload=upload("m.csv", HEAD + "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n"),
    )
    services.import_discard(run=run)
    run.refresh_from_db()
    assert run.status == "discarded" and run.rows == []
    assert not Member.objects.exists()


def test_the_history_of_imported_records_names_the_run(officer, group, existing):
    run = services.import_preview(
        user=officer,
        kind="members",
        upload=upload(
            "m.csv",
            HEAD + "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;\r\n"
            "SU-0001;Nazarova;Shahlo;F;1970;deputy;01.03.2012;\r\n",
        ),
    )
    services.import_commit(run=run, user=officer)
    for member in Member.objects.all():
        record = member.history.latest()
        assert record.history_change_reason == f"import #{run.pk}"
        assert record.history_user == officer
    existing.refresh_from_db()
    assert existing.role == "deputy" and existing.updated_by == officer
    created = Member.objects.get(surname="Karimova")
    assert created.created_by == officer and created.search_key == "karimov zebo"


def test_imported_groups_get_codes_activities_and_history(officer):
    text = (
        "Code;Name;District;Established;Activities\r\n"
        ';New;Devashtich;01.03.2014;"Sewing and quilts (kurpa); Dairy processing"\r\n'
    )
    run = services.import_preview(user=officer, kind="groups", upload=upload("g.csv", text))
    services.import_commit(run=run, user=officer)
    group = SelfHelpGroup.objects.get(name="New")
    assert group.code.startswith("SU-") and group.created_by == officer
    assert sorted(a.name for a in group.activities.all()) == [
        "Dairy processing",
        "Sewing and quilts (kurpa)",
    ]
    assert {h.history_change_reason for h in group.history.all()} == {f"import #{run.pk}"}
    assert ImportRun.objects.get(pk=run.pk).status == "committed"
