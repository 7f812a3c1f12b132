"""No input causes a 500 on the initiative and support pages: generated values posted to
every form and put in the registries' query strings; an invalid post saves nothing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from initiatives.models import InitiativeStatusChange, JointInitiative, SupportActivity
from tests.initiatives.factories import InitiativeFactory, SupportFactory
from tests.rmp_portal.test_no_server_errors import ALLOWED, NASTY

pytestmark = pytest.mark.django_db

INITIATIVE_FIELDS = ["title", "activity_type", "started_on", "status", "products",
                     "participants", "partners", "grant_amount", "grant_donor", "grant_date",
                     "grant_purchases", "notes", "version"]  # fmt: skip
SUPPORT_FIELDS = ["held_on", "kind", "topic", "delivered_by", "partner_name", "groups",
                  "cooperative", "women", "men", "notes", "version"]  # fmt: skip
LIST_PARAMS = ["q", "province", "district", "status", "activity_type", "owner", "started_after",
               "started_before", "has_grant", "granted_after", "granted_before", "as_of", "kind",
               "topic", "delivered_by", "recipient", "held_after", "held_before", "sort",
               "page"]  # fmt: skip
SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def snapshot():
    return (
        list(JointInitiative.objects.order_by("pk").values()),
        list(SupportActivity.objects.order_by("pk").values()),
        InitiativeStatusChange.objects.count(),
        JointInitiative.participants.through.objects.count(),
        SupportActivity.groups.through.objects.count(),
    )


@pytest.fixture
def world(client, officer, lola, guncha):
    initiative = InitiativeFactory(group=lola)
    support = SupportFactory(groups=[lola])
    client.force_login(officer)
    return {"lola": lola, "guncha": guncha, "initiative": initiative, "support": support}


def form_posts(world):
    initiative, support = world["initiative"], world["support"]
    return {
        f"/initiatives/new/?group={world['lola'].code}": INITIATIVE_FIELDS,
        f"/initiatives/new/?cooperative={world['guncha'].pk}": INITIATIVE_FIELDS,
        f"/initiatives/{initiative.pk}/edit/": INITIATIVE_FIELDS,
        f"/initiatives/{initiative.pk}/status/": ["status", "changed_on", "note"],
        "/support/new/": SUPPORT_FIELDS,
        f"/support/{support.pk}/edit/": SUPPORT_FIELDS,
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
        "/initiatives/",
        "/support/",
        "/initiatives/export/csv/",
        "/support/export/xlsx/",
        "/initiatives/new/",
        "/support/new/",
    ):
        response = client.get(url, params)
        assert response.status_code in ALLOWED, (url, params, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)


@pytest.mark.parametrize("param", [*LIST_PARAMS, "group", "cooperative"])
@pytest.mark.parametrize("value", ["\x00", "a\x00b", "<b>x</b>", "9" * 30, "-5"])
def test_every_parameter_takes_nul_bytes_and_nonsense(client, world, param, value):
    for url in ("/initiatives/", "/support/", "/initiatives/new/", "/support/new/"):
        response = client.get(url, {param: value})
        assert response.status_code in ALLOWED, (url, param, value)
