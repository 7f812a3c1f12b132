"""Personal data (phone, birth year, patronymic) through side channels: a search or a duplicate
check must not answer differently for a real and an invented value outside the districts
where the user may see that data (members.selectors). Each probe sends the same request twice,
once with the stored value and once with an invented one, and asserts the two answers are the
same; inside the user's own districts the real value still finds its record."""

import importlib
import io
import re
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection, transaction

from members import selectors
from members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

MEMBER_LINK = re.compile(r'href="/members/(\d+)/"')
GROUP_LINK = re.compile(r'href="/groups/([A-Z]{2}-\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
DUPLICATES = re.compile(r'<div class="alert alert-warning" id="possible-duplicates".*?</div>', re.S)

# The invented counterparts of the stored values below.
INVENTED_PATRONYMIC = "Qahhorovna"
INVENTED_PHONE = "+992 98 000 1122"
INVENTED_YEAR = 1990


@pytest.fixture
def people(own_group, asht_group, rasht_group):
    """One woman in the officer's district, one elsewhere in Sughd, one in the Rasht Valley,
    each with a patronymic, a phone and a birth year of her own."""
    return {
        "own": MemberFactory(
            group=own_group,
            surname="Rahimova",
            given_name="Gulnora",
            patronymic="Saidovna",
            phone="+992 92 111 2233",
            birth_year=1977,
            role="leader",
        ),
        "asht": MemberFactory(
            group=asht_group,
            surname="Ashurova",
            given_name="Anjira",
            patronymic="Zarifovna",
            phone="+992 93 444 5566",
            birth_year=1966,
            role="leader",
        ),
        "rasht": MemberFactory(
            group=rasht_group,
            surname="Nazarova",
            given_name="Shahlo",
            patronymic="Davlatovna",
            phone="+992 91 777 8899",
            birth_year=1971,
            role="leader",
        ),
    }


def member_search(client, query: str) -> tuple[set[int], int]:
    response = client.get("/members/", {"q": query})
    assert response.status_code == 200
    return {int(pk) for pk in MEMBER_LINK.findall(response.content.decode())}, response.context[
        "total"
    ]


def group_search(client, query: str) -> tuple[set[str], int]:
    response = client.get("/groups/", {"q": query})
    assert response.status_code == 200
    return set(GROUP_LINK.findall(response.content.decode())), response.context["total"]


# ---- the registry search ----------------------------------------------------------------


def test_a_hidden_patronymic_or_phone_finds_what_an_invented_one_finds(client, officer, people):
    client.force_login(officer)
    nothing = (set(), 0)

    for where in ("asht", "rasht"):
        assert member_search(client, people[where].patronymic) == nothing
        assert member_search(client, people[where].phone) == nothing
    assert member_search(client, INVENTED_PATRONYMIC) == nothing
    assert member_search(client, INVENTED_PHONE) == nothing
    # In the officer's own district both still find her, in either script.
    own = ({people["own"].pk}, 1)
    assert member_search(client, "Saidovna") == member_search(client, "Саидовна") == own
    assert member_search(client, people["own"].phone) == own


def test_a_full_name_with_a_hidden_patronymic_finds_what_an_invented_one_finds(
    client, officer, manager_sughd, people
):
    asht = people["asht"]
    client.force_login(officer)

    real = member_search(client, f"{asht.surname} {asht.given_name} {asht.patronymic}")
    invented = member_search(client, f"{asht.surname} {asht.given_name} {INVENTED_PATRONYMIC}")

    assert real == invented == (set(), 0)
    # The name alone, which the registry shows, still finds her.
    assert member_search(client, f"{asht.surname} {asht.given_name}") == ({asht.pk}, 1)
    # A manager of Sughd sees the province's personal data, so finds her by it.
    client.force_login(manager_sughd)
    assert member_search(client, "Zarifovna") == ({asht.pk}, 1)
    assert member_search(client, people["rasht"].patronymic) == (set(), 0)


def test_the_groups_registry_does_not_find_a_leader_by_her_patronymic(client, officer, people):
    """The groups registry searches leaders' names too; the leader's patronymic is personal
    data (and the registry shows only her surname and given name)."""
    client.force_login(officer)

    real = group_search(client, people["asht"].patronymic)
    invented = group_search(client, INVENTED_PATRONYMIC)

    assert real == invented == (set(), 0)
    assert group_search(client, "Ashurova Anjira") == ({people["asht"].group.code}, 1)


# ---- the duplicate check of "Add a member" ------------------------------------------------


def add_member(group, **fields) -> dict:
    data = {
        "group": group.code,
        "surname": "Karimova",
        "given_name": "Zebo",
        "patronymic": "",
        "sex": "F",
        "birth_year": "",
        "phone": "",
        "role": "member",
        "joined_on": "2020-03-01",
        "head_of_household": "",
        "migration_link": "none",
        "skills": "",
    } | {k: str(v) for k, v in fields.items()}
    return data


def probe(client, data: dict) -> tuple:
    """What "Add a member" answers to `data` (status, redirect, the possible-duplicates box,
    whether a member was saved); the database is left as it was, so that the real and the
    invented request meet the same records."""
    before = Member.objects.count()
    with transaction.atomic():
        response = client.post("/members/new/", data)
        saved = Member.objects.count() - before
        transaction.set_rollback(True)
    box = DUPLICATES.search(response.content.decode()) if response.status_code == 200 else None
    return (
        response.status_code,
        response.headers.get("Location"),
        CSRF.sub("", box.group(0)) if box else None,
        saved,
    )


@pytest.mark.parametrize("where", ["asht", "rasht"])
def test_a_phone_outside_the_personal_districts_answers_like_an_invented_one(
    client, officer, people, own_group, where
):
    client.force_login(officer)

    real = probe(client, add_member(own_group, phone=people[where].phone))
    invented = probe(client, add_member(own_group, phone=INVENTED_PHONE))

    assert real == invented
    assert real[0] == 302 and real[2] is None and real[3] == 1  # no warning: saved


@pytest.mark.parametrize("where", ["asht", "rasht"])
def test_a_birth_year_outside_the_personal_districts_answers_like_an_invented_one(
    client, officer, people, own_group, where
):
    person = people[where]
    client.force_login(officer)
    name = {"surname": person.surname, "given_name": person.given_name}

    real = probe(client, add_member(own_group, birth_year=person.birth_year, **name))
    invented = probe(client, add_member(own_group, birth_year=INVENTED_YEAR, **name))

    assert real == invented
    # The name alone (which the registry shows, or not at all for another province) warns,
    # and nothing is saved until the officer confirms.
    status, _location, box, saved = real
    assert status == 200 and box is not None and saved == 0
    assert str(person.birth_year) not in box and person.patronymic not in box
    if where == "asht":
        assert f"{person.surname} {person.given_name}" in box and person.group.code in box
    else:
        assert "a current member of a group outside your area" in box
        assert person.surname not in box and person.group.code not in box


def test_a_patronymic_typed_with_the_given_name_answers_like_an_invented_one(
    client, officer, people, own_group
):
    asht = people["asht"]
    client.force_login(officer)

    real = probe(
        client,
        add_member(own_group, surname=asht.surname, given_name=f"Anjira {asht.patronymic}"),
    )
    invented = probe(
        client,
        add_member(own_group, surname=asht.surname, given_name=f"Anjira {INVENTED_PATRONYMIC}"),
    )

    assert real == invented
    assert real[3] == 1  # no warning: saved


def test_phone_and_birth_year_count_only_in_the_officers_own_district(
    client, officer, people, own_group
):
    own, asht = people["own"], people["asht"]
    client.force_login(officer)

    def by_name(person, year):
        return add_member(
            own_group, surname=person.surname, given_name=person.given_name, birth_year=year
        )

    # Her own district: as before, the phone and the birth year tell.
    by_phone = probe(client, add_member(own_group, phone=own.phone))
    assert by_phone[0] == 200 and "same phone number" in by_phone[2] and by_phone[3] == 0
    right_year = probe(client, by_name(own, own.birth_year))
    assert right_year[0] == 200 and f"born {own.birth_year}" in right_year[2]
    assert right_year[3] == 0
    wrong_year = probe(client, by_name(own, INVENTED_YEAR))
    assert wrong_year[0] == 302 and wrong_year[3] == 1
    # Elsewhere in Sughd: the phone finds nobody, the birth year changes nothing.
    assert probe(client, add_member(own_group, phone=asht.phone))[3] == 1
    assert probe(client, by_name(asht, asht.birth_year)) == probe(
        client, by_name(asht, INVENTED_YEAR)
    )


def test_the_selector_compares_only_names_outside_the_personal_districts(officer, people):
    asht, rasht = people["asht"], people["rasht"]

    def check(**kwargs):
        query = {"surname": "X", "given_name": "Y", "birth_year": None, "phone": ""} | kwargs
        found = selectors.possible_duplicates(user=officer, **query)
        return [(d.member and d.member.pk, d.personal, d.same_name, d.same_phone) for d in found]

    assert check(phone=asht.phone) == check(phone=INVENTED_PHONE) == []
    assert check(phone=rasht.phone) == []
    named = {"surname": asht.surname, "given_name": asht.given_name}
    assert check(birth_year=asht.birth_year, **named) == [(asht.pk, False, True, False)]
    assert check(birth_year=INVENTED_YEAR, **named) == [(asht.pk, False, True, False)]
    far = {"surname": rasht.surname, "given_name": rasht.given_name}
    assert check(birth_year=rasht.birth_year, **far) == [(None, False, True, False)]
    assert check(birth_year=INVENTED_YEAR, **far) == [(None, False, True, False)]


# ---- the name key ----------------------------------------------------------------------


def test_the_name_key_is_the_folded_name_without_the_patronymic(own_group):
    member = MemberFactory(
        group=own_group, surname="Раҳимова", given_name="Гулнора", patronymic="Саидовна"
    )

    assert member.name_key == "rahimov gulnora" == Member.name_key_for("Rahimova", "Gulnora")
    assert member.search_key == "rahimov gulnora saidovna"
    member.surname = "Karimova"
    member.save()
    member.refresh_from_db()
    assert member.name_key == "karimov gulnora"


def test_the_migration_fills_the_name_key_of_existing_members(own_group):
    members = MemberFactory.create_batch(5, group=own_group, patronymic="Saidovna")
    Member.objects.update(name_key="")
    migration = importlib.import_module("members.migrations.0004_member_name_key")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(migration, "BATCH", 2)  # several batches
        migration.backfill(django_apps, SimpleNamespace(connection=connection))

    for member in members:
        member.refresh_from_db()
        assert member.name_key == Member.name_key_for(member.surname, member.given_name)


@pytest.mark.parametrize(
    "command, options",
    [("load_demo_data", {"force": True}), ("generate_scale_data", {"groups": 40, "members": 400})],
)
def test_demo_and_scale_data_fill_the_name_key(command, options):
    call_command(command, stdout=io.StringIO(), stderr=io.StringIO(), **options)

    members = list(Member.objects.values_list("surname", "given_name", "patronymic", "name_key"))
    assert len(members) >= 400
    for surname, given_name, _patronymic, name_key in members:
        assert name_key == Member.name_key_for(surname, given_name)
    assert any(patronymic for *_names, patronymic, _key in members)
