"""No input of any kind causes a 500: generated values posted to every form and put in every
registry's query string; invalid input changes nothing in the database."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import SelfHelpGroup
from members.models import Member
from tests import factories

pytestmark = pytest.mark.django_db

NASTY = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=string.printable, max_size=300),
    st.sampled_from(
        [
            "",
            "\x00",
            "<script>alert(1)</script>",
            "'; DROP TABLE groups_selfhelpgroup; --",
            "🤝👩‍🌾",
            "مرحبا بالعالم",  # right-to-left text
            "9" * 40,
            "-1",
            "0",
            "2024-02-30",
            "31.12.2019",
            "1899-01-01",
            "9999-12-31",
            "x" * 5000,
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates().map(str),
)

GROUP_FIELDS = ["name", "district", "jamoat", "village", "established_on", "status",
                "dissolved_on", "activities", "notes", "version"]  # fmt: skip
MEMBER_FIELDS = ["group", "surname", "given_name", "patronymic", "sex", "birth_year", "phone",
                 "role", "joined_on", "head_of_household", "migration_link", "skills",
                 "version", "confirm_not_duplicate"]  # fmt: skip
COOPERATIVE_FIELDS = ["name", "registration_number", "district", "formed_on", "status",
                      "groups", "branches", "director", "description"]  # fmt: skip
LIST_PARAMS = ["q", "province", "district", "jamoat", "status", "activity", "in_cooperative",
               "cooperative", "established_after", "established_before", "has_men",
               "needs_leader", "as_of", "group", "sex", "role", "migration_link", "age",
               "joined_after", "joined_before", "left_after", "left_before",
               "head_of_household", "branch", "formed_after", "formed_before", "sort",
               "page"]  # fmt: skip
ALLOWED = {200, 302, 400, 403, 404, 405}
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def snapshot():
    return (
        list(SelfHelpGroup.objects.order_by("pk").values()),
        list(Member.objects.order_by("pk").values()),
        Cooperative.objects.count(),
        CooperativeMembership.objects.count(),
    )


@pytest.fixture
def world(client):
    officer = factories.field_officer("Devashtich", username="fuzz-officer")
    group = factories.GroupFactory()
    leader = factories.MemberFactory(group=group, role="leader")
    man = factories.MemberFactory(group=group, sex="M")
    other = factories.GroupFactory(district=factories.district("Rasht"))
    stranger = factories.MemberFactory(group=other)
    client.force_login(officer)
    return {"group": group, "leader": leader, "man": man, "other": other, "stranger": stranger}


def form_posts(world):
    group, man, stranger = world["group"], world["man"], world["stranger"]
    return {
        "/groups/new/": GROUP_FIELDS,
        f"/groups/{group.code}/edit/": GROUP_FIELDS,
        f"/groups/{world['other'].code}/edit/": GROUP_FIELDS,
        f"/members/new/?group={group.code}": MEMBER_FIELDS,
        f"/members/{man.pk}/edit/": MEMBER_FIELDS,
        f"/members/{man.pk}/leave/": ["left_on"],
        f"/members/{man.pk}/make-leader/": ["confirm"],
        f"/members/{man.pk}/transfer/": ["to_group", "group", "on_date", "transferred_on"],
        f"/members/{stranger.pk}/leave/": ["left_on"],
        "/cooperatives/new/": COOPERATIVE_FIELDS,
        f"/cooperatives/groups/{group.code}/join/": ["cooperative", "joined_on"],
    }


@SETTINGS
@given(data=st.data())
def test_forms_never_fail_and_invalid_posts_save_nothing(client, world, data):
    for url, fields in form_posts(world).items():
        chosen = data.draw(st.lists(st.sampled_from(fields), unique=True), label=url)
        payload = {field: data.draw(NASTY, label=field) for field in chosen}
        before = snapshot()
        response = client.post(url, payload)
        assert response.status_code in ALLOWED, (url, payload, response.status_code)
        if response.status_code != 302:
            assert snapshot() == before, (url, payload)


@SETTINGS
@given(data=st.data())
def test_registries_never_fail_on_any_query_string(client, world, data):
    chosen = data.draw(st.lists(st.sampled_from(LIST_PARAMS), unique=True, max_size=6))
    params = {name: data.draw(NASTY, label=name) for name in chosen}
    for url in (
        "/groups/",
        "/members/",
        "/cooperatives/",
        "/groups/export/csv/",
        "/members/export/csv/",
        "/cooperatives/export/csv/",
    ):
        response = client.get(url, params)
        assert response.status_code in ALLOWED, (url, params, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)


@pytest.mark.parametrize("param", LIST_PARAMS)
@pytest.mark.parametrize("value", ["\x00", "a\x00b", "<b>x</b>", "9" * 30, "-5"])
def test_every_registry_parameter_takes_nul_bytes_and_nonsense(client, world, param, value):
    for url in ("/groups/", "/members/", "/cooperatives/"):
        response = client.get(url, {param: value})
        assert response.status_code in ALLOWED, (url, param, value)


def test_an_id_beyond_64_bits_in_a_multiple_choice_is_a_bad_request(client, world):
    response = client.post(
        "/groups/new/", {"name": "x", "activities": ["9223372036854775808"], "district": "1"}
    )
    assert response.status_code in (200, 400)
    assert SelfHelpGroup.objects.filter(name="x").count() == 0
