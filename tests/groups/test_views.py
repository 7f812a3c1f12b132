import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cooperatives.models import CooperativeMembership
from groups.models import ActivityType, District, Jamoat, SelfHelpGroup
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    district,
)

pytestmark = pytest.mark.django_db


def rows_of_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def rows_of_xlsx(response) -> list[list]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def groups():
    devashtich = GroupFactory(name="Guncha-1", district=district("Devashtich"))
    MemberFactory(group=devashtich, role="leader", surname="Usmonova", given_name="Rukhsora")
    MemberFactory(group=devashtich, sex="M", surname="Oblokulov", given_name="Akbar")
    asht = GroupFactory(name="Shaidon women", district=district("Asht"))
    rasht = GroupFactory(name="Gharm hope", district=district("Rasht"))
    return {"devashtich": devashtich, "asht": asht, "rasht": rasht}


class TestRegistryScope:
    def test_an_officer_sees_the_groups_of_their_province_only(self, client, officer, groups):
        client.force_login(officer)
        # "All districts" (an empty district filter): everything the officer may read.
        response = client.get("/groups/?district=")
        assert response.status_code == 200
        codes = [g.code for g in response.context["object_list"]]
        assert codes == [groups["devashtich"].code, groups["asht"].code]
        assert "2 groups" in response.content.decode()
        # Without any filter the registry opens on their own districts (test_registry_mine).
        response = client.get("/groups/")
        assert [g.code for g in response.context["object_list"]] == [groups["devashtich"].code]

    def test_a_programme_manager_sees_every_group(self, client, manager_all, groups):
        client.force_login(manager_all)
        response = client.get("/groups/")
        assert response.context["paginator"].count == 3

    def test_a_province_manager_sees_only_their_province(self, client, manager_rasht, groups):
        client.force_login(manager_rasht)
        response = client.get("/groups/")
        assert [g.code for g in response.context["object_list"]] == [groups["rasht"].code]

    def test_another_province_group_page_is_not_found(self, client, officer, groups):
        client.force_login(officer)
        assert client.get(f"/groups/{groups['rasht'].code}/").status_code == 404
        assert client.get(f"/groups/{groups['rasht'].code}/edit/").status_code == 404

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, groups):
        response = client.get(f"/groups/{groups['devashtich'].code}/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


class TestRegistryColumnsAndFilters:
    def test_it_shows_counts_leader_and_cooperative(self, client, officer, groups):
        coop = CooperativeFactory(name="Guncha")
        CooperativeMembershipFactory(cooperative=coop, group=groups["devashtich"])
        client.force_login(officer)
        response = client.get(f"/groups/?district={district('Devashtich').pk}")
        group = response.context["object_list"][0]
        assert (group.current_women, group.current_men) == (1, 1)
        assert group.leader_name == "Usmonova Rukhsora"
        assert group.cooperative_name == "Guncha"
        html = response.content.decode()
        assert "Usmonova Rukhsora" in html and "Guncha" in html

    @pytest.mark.parametrize(
        "query, expected",
        [
            ("status=active", ["devashtich", "asht"]),
            ("has_men=yes", ["devashtich"]),
            ("has_men=no", ["asht"]),
            ("needs_leader=yes", ["asht"]),
            ("q=Ghonchi", ["devashtich"]),  # a district's former name
            ("q=Усмонова", ["devashtich"]),  # the leader's name, typed in Cyrillic
            ("q=shaidon", ["asht"]),
            ("established_after=2013-01-01", []),
        ],
    )
    def test_filters(self, client, officer, groups, query, expected):
        client.force_login(officer)
        response = client.get(f"/groups/?{query}")
        assert response.status_code == 200
        shown = [g.code for g in response.context["object_list"]]
        assert shown == [groups[k].code for k in expected]

    def test_it_filters_by_province_and_narrows_district_choices(self, client, manager_all, groups):
        client.force_login(manager_all)
        rasht_province = district("Rasht").province_id
        response = client.get(f"/groups/?province={rasht_province}")
        assert [g.code for g in response.context["object_list"]] == [groups["rasht"].code]
        choices = response.context["filter"].form.fields["district"].queryset
        assert set(choices.values_list("province_id", flat=True)) == {rasht_province}

    def test_it_filters_by_activity_jamoat_and_cooperative(self, client, officer, groups):
        dairy = ActivityType.objects.get(name="Dairy processing")
        groups["asht"].activities.add(dairy)
        jamoat = Jamoat.objects.get(name="Ghonchi")
        SelfHelpGroup.objects.filter(pk=groups["devashtich"].pk).update(jamoat=jamoat)
        coop = CooperativeFactory()
        CooperativeMembershipFactory(cooperative=coop, group=groups["devashtich"])
        client.force_login(officer)
        for query, key in [
            (f"activity={dairy.pk}", "asht"),
            (f"jamoat={jamoat.pk}", "devashtich"),
            (f"cooperative={coop.pk}", "devashtich"),
            ("in_cooperative=yes", "devashtich"),
            ("in_cooperative=no", "asht"),
        ]:
            response = client.get(f"/groups/?{query}")
            assert [g.code for g in response.context["object_list"]] == [groups[key].code], query

    def test_as_of_counts_the_registry_as_it_stood(self, client, officer):
        old = GroupFactory(established_on=datetime.date(2010, 5, 1))
        MemberFactory(group=old, joined_on=datetime.date(2010, 5, 1))
        MemberFactory(
            group=old, joined_on=datetime.date(2010, 5, 1), left_on=datetime.date(2012, 1, 1)
        )
        MemberFactory(group=old, joined_on=datetime.date(2013, 1, 1))
        GroupFactory(established_on=datetime.date(2014, 6, 1))
        client.force_login(officer)
        response = client.get("/groups/?as_of=2011-09-30")
        shown = response.context["object_list"]
        assert [g.code for g in shown] == [old.code]
        assert shown[0].current_women == 2

    @pytest.mark.parametrize(
        "query",
        [
            "district=abc",
            "province=999999",
            "established_after=2020-99-99",
            "as_of=yesterday",
            "page=-5",
            "page=abc",
            "sort=nonsense",
            "sort=-women",
            "q=" + "x" * 5000,
            "q=%00%01",
            "status=<script>",
        ],
    )
    def test_it_never_fails_on_a_malformed_query_string(self, client, officer, groups, query):
        client.force_login(officer)
        assert client.get(f"/groups/?{query}").status_code == 200

    def test_it_sorts_by_any_column(self, client, officer, groups):
        client.force_login(officer)
        response = client.get("/groups/?district=&sort=-name")
        assert [g.name for g in response.context["object_list"]] == ["Shaidon women", "Guncha-1"]
        response = client.get("/groups/?district=&sort=women")
        assert [g.current_women for g in response.context["object_list"]] == [0, 1]

    def test_it_paginates_fifty_a_page_with_the_total(self, client, manager_all):
        GroupFactory.create_batch(55)
        client.force_login(manager_all)
        response = client.get("/groups/?page=2")
        assert len(response.context["object_list"]) == 5
        assert "55 groups" in response.content.decode()

    def test_the_empty_state_says_nothing_matches(self, client, officer):
        client.force_login(officer)
        response = client.get("/groups/?q=nothing-like-this")
        assert "No groups match these filters." in response.content.decode()

    def test_queries_do_not_grow_with_the_rows_shown(self, client, manager_all):
        def count_queries():
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/groups/").status_code == 200
            return len(queries)

        client.force_login(manager_all)
        for _ in range(5):
            MemberFactory(group=GroupFactory())
        few = count_queries()
        for _ in range(45):
            MemberFactory(group=GroupFactory())
        assert count_queries() == few


class TestExport:
    def test_csv_has_exactly_the_filtered_rows_with_headers(self, client, officer, groups):
        client.force_login(officer)
        response = client.get("/groups/export/csv/?has_men=no")
        assert response["Content-Type"].startswith("text/csv")
        rows = rows_of_csv(response)
        assert rows[0][:3] == ["Code", "Name", "District"]
        assert [r[0] for r in rows[1:]] == [groups["asht"].code]

    def test_xlsx_has_all_pages(self, client, manager_all):
        GroupFactory.create_batch(60)
        client.force_login(manager_all)
        rows = rows_of_xlsx(client.get("/groups/export/xlsx/"))
        assert len(rows) == 61

    def test_formulas_are_neutralised(self, client, officer):
        GroupFactory(name='=HYPERLINK("http://evil")')
        client.force_login(officer)
        rows = rows_of_csv(client.get("/groups/export/csv/"))
        assert rows[1][1].startswith("'=")

    def test_an_unknown_format_is_not_found(self, client, officer):
        client.force_login(officer)
        assert client.get("/groups/export/pdf/").status_code == 404


class TestCreateAndEdit:
    def form_data(self, **overrides):
        data = {
            "name": "New hope",
            "district": district("Devashtich").pk,
            "village": "Mujun",
            "established_on": "2015-04-01",
            "status": "active",
            "activities": [ActivityType.objects.get(name="Beekeeping").pk],
        }
        data.update(overrides)
        return data

    def test_an_officer_registers_a_group_in_their_district(self, client, officer):
        client.force_login(officer)
        response = client.post("/groups/new/", self.form_data())
        group = SelfHelpGroup.objects.get(name="New hope")
        assert response.status_code == 302
        assert response["Location"] == f"/groups/{group.code}/"
        assert group.code.startswith("SU-")
        assert group.created_by == officer
        assert list(group.activities.values_list("name", flat=True)) == ["Beekeeping"]
        page = client.get(response["Location"])
        assert f"Group {group.code} registered." in page.content.decode()

    def test_an_officer_cannot_register_a_group_in_another_district(self, client, officer):
        client.force_login(officer)
        response = client.post("/groups/new/", self.form_data(district=district("Asht").pk))
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert not SelfHelpGroup.objects.filter(name="New hope").exists()

    @pytest.mark.parametrize(
        "overrides, field, message",
        [
            ({"established_on": "2009-12-31"}, "established_on", "programme started in 2010"),
            ({"established_on": "2999-01-01"}, "established_on", "cannot be in the future"),
            ({"established_on": "31.31.2020"}, "established_on", "Enter a valid date"),
            ({"name": ""}, "name", "This field is required"),
            ({"status": "dissolved"}, "dissolved_on", "Give the date the group was dissolved"),
        ],
    )
    def test_bad_input_gets_a_clear_message_and_saves_nothing(
        self, client, officer, overrides, field, message
    ):
        client.force_login(officer)
        response = client.post("/groups/new/", self.form_data(**overrides))
        assert response.status_code == 200
        errors = " ".join(str(e) for e in response.context["form"].errors.get(field, []))
        assert message in errors
        assert SelfHelpGroup.objects.count() == 0

    def test_a_jamoat_of_another_district_is_refused(self, client):
        from tests.factories import field_officer

        user = field_officer("Devashtich", "Asht", username="two-districts")
        client.force_login(user)
        shaidon = Jamoat.objects.get(name="Shaidon")
        response = client.post("/groups/new/", self.form_data(jamoat=shaidon.pk))
        assert "This jamoat is not in the district" in str(response.context["form"].errors)
        assert SelfHelpGroup.objects.count() == 0

    def test_managers_and_other_districts_cannot_create_or_edit(
        self, client, manager_all, officer_same_province, groups
    ):
        client.force_login(manager_all)
        assert client.get("/groups/new/").status_code == 403
        assert client.post("/groups/new/", self.form_data()).status_code == 403
        code = groups["devashtich"].code
        assert client.get(f"/groups/{code}/edit/").status_code == 404
        client.force_login(officer_same_province)
        assert client.get(f"/groups/{code}/").status_code == 200
        assert client.post(f"/groups/{code}/edit/", self.form_data()).status_code == 404
        assert SelfHelpGroup.objects.get(pk=groups["devashtich"].pk).name == "Guncha-1"

    def test_an_officer_edits_a_group(self, client, officer, groups):
        client.force_login(officer)
        group = groups["devashtich"]
        page = client.get(f"/groups/{group.code}/edit/")
        version = page.context["form"]["version"].value()
        response = client.post(
            f"/groups/{group.code}/edit/", self.form_data(name="Renamed", version=version)
        )
        assert response.status_code == 302
        group.refresh_from_db()
        assert group.name == "Renamed" and group.updated_by == officer

    def test_a_stale_edit_is_refused_and_shows_the_other_change(self, client, officer, groups):
        group = groups["devashtich"]
        client.force_login(officer)
        version = client.get(f"/groups/{group.code}/edit/").context["form"]["version"].value()
        # Someone else saves the group in between.
        other = SelfHelpGroup.objects.get(pk=group.pk)
        other.village = "Yakhtan-2"
        other.save()
        response = client.post(
            f"/groups/{group.code}/edit/", self.form_data(name="Mine", version=version)
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Someone else saved this record" in html
        assert "Yakhtan-2" in html
        group.refresh_from_db()
        assert (group.name, group.village) == ("Guncha-1", "Yakhtan-2")


class TestDetail:
    def test_it_lists_current_members_leader_first_and_former_members(self, client, officer):
        group = GroupFactory()
        MemberFactory(group=group, surname="Aminova")
        MemberFactory(group=group, surname="Zoirova", role="leader")
        MemberFactory(group=group, surname="Karimova", left_on=datetime.date(2014, 1, 1))
        client.force_login(officer)
        response = client.get(f"/groups/{group.code}/")
        assert [m.surname for m in response.context["current_members"]] == ["Zoirova", "Aminova"]
        assert [m.surname for m in response.context["former_members"]] == ["Karimova"]

    def test_personal_data_is_shown_in_own_district_only(
        self, client, officer, officer_same_province
    ):
        group = GroupFactory()
        MemberFactory(group=group, phone="+992 92 555 1234", patronymic="Saidovna")
        client.force_login(officer)
        # Stored as "+992925551234" (E.164, rmp_portal.core.phones), shown "+992 92 555 1234".
        assert "+992 92 555 1234" in client.get(f"/groups/{group.code}/").content.decode()
        client.force_login(officer_same_province)
        html = client.get(f"/groups/{group.code}/").content.decode()
        assert "555 1234" not in html and "5551234" not in html and "Saidovna" not in html
        assert "Edit group" not in html

    def test_a_group_without_leader_is_flagged(self, client, officer):
        group = GroupFactory()
        MemberFactory(group=group)
        client.force_login(officer)
        assert "Needs a leader" in client.get(f"/groups/{group.code}/").content.decode()

    def test_it_shows_the_cooperative_history(self, client, officer):
        group = GroupFactory()
        first = CooperativeFactory(name="Old coop")
        CooperativeMembership.objects.create(
            cooperative=first,
            group=group,
            joined_on=datetime.date(2013, 1, 1),
            left_on=datetime.date(2014, 1, 1),
        )
        CooperativeMembershipFactory(cooperative=CooperativeFactory(name="New coop"), group=group)
        client.force_login(officer)
        html = client.get(f"/groups/{group.code}/").content.decode()
        assert "Old coop" in html and "New coop" in html


def test_district_lookup_helper_matches_reference_data():
    assert District.objects.filter(name="Devashtich", former_names__icontains="Ghonchi").exists()


class TestHistory:
    def test_the_group_page_shows_who_changed_what(self, client, officer, groups):
        group = groups["devashtich"]
        client.force_login(officer)
        version = client.get(f"/groups/{group.code}/edit/").context["form"]["version"].value()
        client.post(
            f"/groups/{group.code}/edit/",
            TestCreateAndEdit().form_data(
                name="Renamed", district=district("Devashtich").pk, version=version
            ),
        )
        html = client.get(f"/groups/{group.code}/").content.decode()
        assert "Name: <del>Guncha-1</del> → <ins>Renamed</ins>" in html
        assert "Village: <del>Yakhtan</del> → <ins>Mujun</ins>" in html
        assert "officer" in html

    def test_foreign_keys_are_shown_by_name(self, client, officer, groups):
        group = groups["devashtich"]
        group.jamoat = Jamoat.objects.get(name="Yakhtan")
        group.save()
        client.force_login(officer)
        html = client.get(f"/groups/{group.code}/").content.decode()
        assert "Jamoat: <del>—</del> → <ins>Yakhtan</ins>" in html

    def test_history_queries_do_not_grow_with_its_length(self, client, officer, groups):
        group = groups["devashtich"]
        client.force_login(officer)

        def count():
            with CaptureQueriesContext(connection) as queries:
                client.get(f"/groups/{group.code}/")
            return len(queries)

        group.jamoat = Jamoat.objects.get(name="Yakhtan")
        group.save()
        first = count()
        for name in ("Mujun", "Vahdat", "Rosrovut"):
            group.jamoat = Jamoat.objects.get(name=name)
            group.save()
        assert count() == first
