"""The pages' scope and personal-data rules, again through the API: out-of-scope records are
absent (404 one by one), personal fields null outside the caller's personal scope."""

import pytest

from tests.api import world as world_module

pytestmark = pytest.mark.django_db
RESOURCES = ("groups", "members", "cooperatives", "initiatives", "support")


@pytest.fixture
def world(db):
    return world_module.build()


def _ids(records) -> set[int]:
    return {r.pk for r in records}


def _expected(world, resource: str, districts) -> set[int]:
    return set().union(*(_ids(getattr(world, resource)[d]) for d in districts))


def _listed(api, resource) -> set[int]:
    return {row["id"] for row in api.all(f"/api/v1/{resource}/")}


@pytest.mark.parametrize("resource", RESOURCES)
def test_an_officer_reads_her_province_only(world, api_for, officer, resource):
    api = api_for(officer)
    assert _listed(api, resource) == _expected(world, resource, ("Devashtich", "Asht"))
    rasht = getattr(world, resource)["Rasht"][0]
    assert api.get(f"/api/v1/{resource}/{rasht.pk}/").status_code == 404


@pytest.mark.parametrize("resource", RESOURCES)
def test_an_officer_of_another_province_reads_only_hers(
    world, api_for, officer_other_province, resource
):
    api = api_for(officer_other_province)
    assert _listed(api, resource) == _expected(world, resource, ("Rasht",))
    sughd = getattr(world, resource)["Devashtich"][0]
    assert api.get(f"/api/v1/{resource}/{sughd.pk}/").status_code == 404


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_province_manager_sees_nothing_of_other_provinces(
    world, api_for, manager_sughd, resource
):
    api = api_for(manager_sughd)
    assert _listed(api, resource) == _expected(world, resource, ("Devashtich", "Asht"))
    rasht = getattr(world, resource)["Rasht"][0]
    assert api.get(f"/api/v1/{resource}/{rasht.pk}/").status_code == 404


@pytest.mark.parametrize("user", ["manager_all", "admin"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_programme_managers_and_admins_read_everything(world, api_for, request, user, resource):
    api = api_for(request.getfixturevalue(user))
    assert _listed(api, resource) == _expected(world, resource, world_module.DISTRICTS)


def _personal(api) -> dict[int, tuple]:
    return {
        row["id"]: (row["phone"], row["birth_year"], row["patronymic"])
        for row in api.all("/api/v1/members/")
    }


def test_an_officer_sees_personal_data_only_in_her_districts(world, api_for, officer):
    rows = _personal(api_for(officer))
    for member in world.members["Devashtich"]:
        assert rows[member.pk] == (member.phone, 1980, "Saidovna")
    for member in world.members["Asht"]:
        assert rows[member.pk] == (None, None, None)
    response = api_for(officer).get(f"/api/v1/members/{world.members['Asht'][0].pk}/")
    assert response.json()["phone"] is None
    assert response.json()["surname"] == world.members["Asht"][0].surname


def test_a_province_manager_sees_her_provinces_personal_data(world, api_for, manager_sughd):
    rows = _personal(api_for(manager_sughd))
    assert all(value[0] for value in rows.values())
    assert set(rows) == _expected(world, "members", ("Devashtich", "Asht"))


def test_the_age_filter_finds_nobody_outside_personal_scope(world, api_for, officer):
    found = {r["id"] for r in api_for(officer).all("/api/v1/members/", {"age": "45-54"})}
    assert found == _ids(world.members["Devashtich"])  # born 1980; Asht's are not counted


def test_a_phone_search_finds_nobody_outside_personal_scope(world, api_for, officer):
    asht = world.members["Asht"][0]
    rows = api_for(officer).all("/api/v1/members/", {"q": asht.phone})
    assert rows == []
    own = world.members["Devashtich"][0]
    rows = api_for(officer).all("/api/v1/members/", {"q": own.phone})
    assert [r["id"] for r in rows] == [own.pk]
