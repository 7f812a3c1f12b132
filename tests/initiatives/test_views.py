"""Initiative and support pages, each as the officer in scope, an officer of the same
province (read-only), an officer of another province (404), a manager (read and export) and
an anonymous visitor (sign in)."""

import datetime

import pytest
from django.contrib.messages import get_messages

from initiatives.models import InitiativeStatusChange, JointInitiative, SupportActivity
from rmp_portal.core.concurrency import STALE_MESSAGE, version_of
from tests.factories import GroupFactory
from tests.initiatives.factories import InitiativeFactory, SupportFactory, activity, topic

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def lemons(lola):
    """Lola's operating initiative with a grant and one participant."""
    return InitiativeFactory(
        group=lola,
        title="Lemon trees",
        activity_type=activity("Lemon cultivation"),
        status="planned",
        changes=[("operating", datetime.date(2016, 4, 1))],
        products="Lemons and saplings",
        grant_amount=18500,
        grant_date=datetime.date(2015, 5, 20),
        grant_donor="UN Women",
        participants=[lola.members.get(surname="Usmonova")],
    )


@pytest.fixture
def training(lola):
    return SupportFactory(
        groups=[lola],
        kind="legal",
        topic=topic("Migrants' rights"),
        delivered_by="partner_ngo",
        partner_name="Legal Aid Centre",
        women=14,
        men=2,
    )


# Initiative detail


def test_it_shows_an_initiative_to_the_officer_of_its_district(client, officer, lemons):
    client.force_login(officer)

    response = client.get(f"/initiatives/{lemons.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Lemon trees" in page
    assert "Lemons and saplings" in page
    assert "18,500 TJS" in page
    assert "Usmonova Gulnora" in page
    assert f'href="/groups/{lemons.group.code}/"' in page
    assert f'href="/initiatives/{lemons.pk}/edit/"' in page
    assert f'action="/initiatives/{lemons.pk}/status/"' in page
    assert 'id="status-changes"' in page and "04/01/2016" in page
    assert 'id="history-heading"' in page


def test_it_shows_an_initiative_read_only_in_the_same_province(
    client, officer_same_province, lemons
):
    client.force_login(officer_same_province)

    page = client.get(f"/initiatives/{lemons.pk}/").content.decode()

    assert "Lemon trees" in page
    assert "/edit/" not in page
    assert "/status/" not in page
    assert client.get(f"/initiatives/{lemons.pk}/edit/").status_code == 404


def test_it_hides_an_initiative_from_another_province(client, officer_other_province, lemons):
    client.force_login(officer_other_province)

    response = client.get(f"/initiatives/{lemons.pk}/")

    assert response.status_code == 404
    assert "Lemon trees" not in response.content.decode()


def test_a_manager_reads_but_does_not_edit(client, manager_sughd, manager_rasht, lemons):
    client.force_login(manager_sughd)

    page = client.get(f"/initiatives/{lemons.pk}/").content.decode()

    assert "Lemon trees" in page and "/edit/" not in page
    assert client.get(f"/initiatives/{lemons.pk}/edit/").status_code == 404
    assert client.get("/initiatives/new/").status_code == 403
    client.force_login(manager_rasht)
    assert client.get(f"/initiatives/{lemons.pk}/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/initiatives/",
        "/initiatives/export/csv/",
        "/initiatives/new/",
        "/initiatives/1/",
        "/initiatives/1/edit/",
        "/support/",
        "/support/export/xlsx/",
        "/support/new/",
        "/support/1/",
        "/support/1/edit/",
    ],
)
def test_it_sends_an_anonymous_visitor_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_answers_404_for_an_unknown_initiative(client, officer):
    client.force_login(officer)

    assert client.get("/initiatives/999999/").status_code == 404
    assert client.get("/support/999999/").status_code == 404


# Adding and editing an initiative


def test_it_asks_whose_initiative_it_is_first(client, officer, lola, asht_group):
    client.force_login(officer)

    page = client.get("/initiatives/new/").content.decode()
    outside = client.get(f"/initiatives/new/?group={asht_group.code}").content.decode()

    assert f'value="{lola.code}"' in page
    assert asht_group.code not in page
    assert "not one of yours" in outside


def test_it_adds_an_initiative_of_a_group(client, officer, lola):
    client.force_login(officer)
    usmonova = lola.members.get(surname="Usmonova")

    response = client.post(
        f"/initiatives/new/?group={lola.code}",
        {
            "title": "Sewing workshop",
            "activity_type": activity("Sewing and quilts (kurpa)").pk,
            "started_on": "2016-02-01",
            "status": "planned",
            "participants": [usmonova.pk],
            "grant_amount": "",
        },
    )

    initiative = JointInitiative.objects.get()
    assert response.status_code == 302
    assert response.url == f"/initiatives/{initiative.pk}/"
    assert initiative.group == lola and initiative.created_by == officer
    assert list(initiative.participants.all()) == [usmonova]
    assert InitiativeStatusChange.objects.get().changed_on == datetime.date(2016, 2, 1)


def test_it_refuses_a_participant_of_another_group_with_a_message(client, officer, lola):
    client.force_login(officer)
    stranger = GroupFactory().members.create(
        surname="Stranger", given_name="A", sex="F", joined_on=datetime.date(2012, 1, 1)
    )

    response = client.post(
        f"/initiatives/new/?group={lola.code}",
        {
            "title": "Sewing",
            "activity_type": activity().pk,
            "started_on": "2016-02-01",
            "status": "idea",
            "participants": [stranger.pk],
        },
    )

    assert response.status_code == 200
    assert "not a current member of the owner" in response.content.decode()
    assert not JointInitiative.objects.exists()


def test_it_refuses_a_negative_grant_with_a_message(client, officer, lola):
    client.force_login(officer)

    response = client.post(
        f"/initiatives/new/?group={lola.code}",
        {
            "title": "Sewing",
            "activity_type": activity().pk,
            "started_on": "2016-02-01",
            "status": "idea",
            "grant_amount": "-100",
            "grant_date": "2016-03-01",
        },
    )

    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert not JointInitiative.objects.exists()


def test_it_refuses_a_stale_edit_and_shows_what_changed(client, officer, lemons):
    client.force_login(officer)
    form = client.get(f"/initiatives/{lemons.pk}/edit/").context["form"]
    loaded = form["version"].value()
    other = JointInitiative.objects.get(pk=lemons.pk)
    other.title = "Lemon trees and saplings"
    other.save()

    response = client.post(
        f"/initiatives/{lemons.pk}/edit/",
        {
            "title": "Mine",
            "activity_type": lemons.activity_type_id,
            "started_on": "2015-03-01",
            "version": loaded,
        },
    )

    assert response.status_code == 200
    assert STALE_MESSAGE in messages_of(response)
    assert 'id="stale-changes"' in response.content.decode()
    assert JointInitiative.objects.get().title == "Lemon trees and saplings"


def test_an_edit_saves_and_shows_in_the_history(client, officer, lemons):
    client.force_login(officer)

    response = client.post(
        f"/initiatives/{lemons.pk}/edit/",
        {
            "title": "Lemon trees in trenches",
            "activity_type": lemons.activity_type_id,
            "started_on": "2015-03-01",
            "grant_amount": "18500",
            "grant_date": "2015-05-20",
            "grant_donor": "UN Women",
            "version": version_of(lemons),
        },
    )

    assert response.status_code == 302
    page = client.get(f"/initiatives/{lemons.pk}/").content.decode()
    history = page[page.index('id="history-heading"') :]
    assert "Lemon trees in trenches" in history and "Lemon trees</del>" in history


# Status changes


def test_the_status_changes_from_the_initiatives_page(client, officer, lemons):
    client.force_login(officer)

    response = client.post(
        f"/initiatives/{lemons.pk}/status/", {"status": "suspended", "changed_on": "2020-03-15"}
    )

    assert response.status_code == 302
    assert JointInitiative.objects.get().status == "suspended"
    assert "The initiative is suspended from 03/15/2020." in messages_of(response)


def test_a_status_change_before_the_last_one_is_refused_with_a_message(client, officer, lemons):
    client.force_login(officer)

    response = client.post(
        f"/initiatives/{lemons.pk}/status/", {"status": "closed", "changed_on": "2016-01-01"}
    )

    assert response.status_code == 302
    assert any("cannot be dated earlier" in m for m in messages_of(response))
    assert JointInitiative.objects.get().status == "operating"


def test_the_status_change_refuses_get(client, officer, lemons):
    client.force_login(officer)

    assert client.get(f"/initiatives/{lemons.pk}/status/").status_code == 405


def test_the_status_change_is_not_found_outside_the_officers_districts(
    client, officer_same_province, lemons
):
    client.force_login(officer_same_province)

    response = client.post(
        f"/initiatives/{lemons.pk}/status/", {"status": "closed", "changed_on": "2020-01-01"}
    )

    assert response.status_code == 404
    assert JointInitiative.objects.get().status == "operating"


# Support pages


def test_it_shows_support_to_the_officer_and_read_only_in_the_province(
    client, officer, officer_same_province, officer_other_province, training
):
    client.force_login(officer)
    page = client.get(f"/support/{training.pk}/").content.decode()
    assert "Migrants&#x27; rights" in page or "Migrants' rights" in page
    assert "Legal Aid Centre" in page
    assert 'id="support-women">14<' in page and 'id="support-men">2<' in page
    assert f'href="/support/{training.pk}/edit/"' in page
    assert 'id="history-heading"' in page

    client.force_login(officer_same_province)
    page = client.get(f"/support/{training.pk}/").content.decode()
    assert "Legal Aid Centre" in page and "/edit/" not in page

    client.force_login(officer_other_province)
    assert client.get(f"/support/{training.pk}/").status_code == 404


def test_support_to_groups_of_two_districts_is_edited_only_by_who_has_both(
    client, officer, lola, asht_group
):
    shared = SupportFactory(groups=[lola, asht_group])
    client.force_login(officer)

    assert client.get(f"/support/{shared.pk}/").status_code == 200
    assert client.get(f"/support/{shared.pk}/edit/").status_code == 404


def test_it_records_support_from_a_groups_page(client, officer, lola):
    client.force_login(officer)
    form = client.get(f"/support/new/?group={lola.code}").context["form"]
    assert form.initial["groups"] == [lola.pk]

    response = client.post(
        "/support/new/",
        {
            "held_on": "2017-04-12",
            "kind": "social",
            "topic": topic("Health").pk,
            "delivered_by": "un_women",
            "groups": [lola.pk],
            "women": "18",
            "men": "0",
        },
    )

    activity = SupportActivity.objects.get()
    assert response.status_code == 302
    assert response.url == f"/support/{activity.pk}/"
    assert list(activity.groups.all()) == [lola]


def test_it_records_support_to_a_cooperative(client, officer, guncha):
    client.force_login(officer)

    response = client.post(
        "/support/new/",
        {
            "held_on": "2017-04-12",
            "kind": "economic",
            "topic": topic("Business training").pk,
            "delivered_by": "wbg",
            "cooperative": guncha.pk,
            "women": "9",
            "men": "1",
        },
    )

    assert response.status_code == 302
    assert SupportActivity.objects.get().recipient == "cooperative"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"topic": "Legal consultation"}, "not of social support"),
        ({"women": "-3"}, "greater than or equal to 0"),
        ({"delivered_by": "partner_ngo"}, "name of the partner NGO"),
        ({"groups": None}, "Choose the groups, or the cooperative"),
        ({"cooperative": True}, "not both"),
    ],
)
def test_it_refuses_invalid_support_with_a_message(client, officer, lola, guncha, fields, message):
    client.force_login(officer)
    post = {
        "held_on": "2017-04-12",
        "kind": "social",
        "topic": topic("Health").pk,
        "delivered_by": "un_women",
        "groups": [lola.pk],
        "women": "18",
        "men": "0",
    }
    for name, value in fields.items():
        if name == "topic":
            post["topic"] = topic(value).pk
        elif name == "cooperative":
            post["cooperative"] = guncha.pk
        elif value is None:
            post.pop(name)
        else:
            post[name] = value

    response = client.post("/support/new/", post)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SupportActivity.objects.exists()


def test_a_stale_support_edit_is_refused(client, officer, training):
    client.force_login(officer)
    loaded = client.get(f"/support/{training.pk}/edit/").context["form"]["version"].value()
    other = SupportActivity.objects.get()
    other.women = 20
    other.save()

    response = client.post(
        f"/support/{training.pk}/edit/",
        {
            "held_on": "2016-05-10",
            "kind": "legal",
            "topic": training.topic_id,
            "delivered_by": "partner_ngo",
            "partner_name": "Legal Aid Centre",
            "groups": [training.groups.get().pk],
            "women": "15",
            "men": "2",
            "version": loaded,
        },
    )

    assert STALE_MESSAGE in messages_of(response)
    assert SupportActivity.objects.get().women == 20


# On the group's and the cooperative's pages


def test_a_groups_page_lists_its_initiatives_and_support(client, officer, lola, lemons, training):
    client.force_login(officer)

    page = client.get(f"/groups/{lola.code}/").content.decode()

    assert 'id="owner-initiatives"' in page and "Lemon trees" in page
    assert 'id="owner-support"' in page and f'href="/support/{training.pk}/"' in page
    assert f'href="/initiatives/new/?group={lola.code}"' in page
    assert f'href="/support/new/?group={lola.code}"' in page


def test_a_cooperatives_page_lists_its_initiatives_and_support(
    client, officer_same_province, guncha
):
    InitiativeFactory(group=None, cooperative=guncha, title="Guncha dairy")
    SupportFactory(recipient="cooperative", cooperative=guncha, women=7)
    client.force_login(officer_same_province)

    page = client.get(f"/cooperatives/{guncha.pk}/").content.decode()

    assert "Guncha dairy" in page
    assert "7 women, 0 men" in page
    assert "/initiatives/new/" not in page  # read-only for her
