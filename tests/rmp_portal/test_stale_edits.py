"""No lost updates: two field officers, each in their own browser (test client), open the
edit form of the same group, member or cooperative. A saves first; B's save is refused with a
message and a side-by-side of what A changed, and nothing of B's is written. B reloads the
form, saves again, and the record's history shows both changes, each with its author."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from cooperatives.models import Cooperative
from groups.models import ActivityType, SelfHelpGroup
from rmp_portal.core.concurrency import STALE_MESSAGE
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    field_officer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def amina(db):
    return field_officer("Devashtich", username="amina")


@pytest.fixture
def bahrom(db):
    return field_officer("Devashtich", username="bahrom")


@pytest.fixture
def browsers(amina, bahrom):
    a, b = Client(), Client()
    a.force_login(amina)
    b.force_login(bahrom)
    return a, b


def activity(name: str) -> ActivityType:
    return ActivityType.objects.get(name=name)


def form_data(response, **changes) -> dict:
    """What the browser posts back for the form on the page, with the user's `changes`."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        elif value is not None:
            data[name] = str(value)
    for name, value in changes.items():
        if isinstance(value, bool):
            data.pop(name, None)
            if value:
                data[name] = "on"
        else:
            data[name] = value
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def stale_table(html: str) -> str:
    start = html.index('id="stale-changes"')
    return html[start : html.index("</table>", start)]


def row_of(table: str, label: str) -> list[str]:
    """The cells of the side-by-side's row for `label`: before, saved now, entered."""
    match = re.search(rf"<th scope=\"row\"[^>]*>{label}</th>(.*?)</tr>", table, re.S)
    assert match, f"no row for {label}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    return [re.sub(r"<[^>]+>.*?</[^>]+>", "", c).strip() for c in cells]


def history_section(client, url: str, heading_id: str = "history-heading") -> str:
    html = client.get(url).content.decode()
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def refused(response) -> str:
    assert response.status_code == 200
    assert str(STALE_MESSAGE) in messages_of(response)
    return response.content.decode()


# A group ---------------------------------------------------------------------------------


@pytest.fixture
def group(db):
    group = GroupFactory(name="Guncha-1", village="Yakhtan")
    group.activities.set([activity("Dairy processing")])
    return group


def test_the_second_save_of_a_group_is_refused_and_shows_the_first(browsers, group):
    a, b = browsers
    url = f"/groups/{group.code}/edit/"
    form_a, form_b = a.get(url), b.get(url)
    lemons = [str(activity("Dairy processing").pk), str(activity("Lemon cultivation").pk)]
    saved = a.post(url, form_data(form_a, name="Guncha lemons", activities=lemons))
    assert saved.status_code == 302
    records = group.history.count()

    html = refused(b.post(url, form_data(form_b, village="Mujun")))

    table = stale_table(html)
    assert row_of(table, "Name") == ["Guncha-1", "Guncha lemons", "Guncha-1"]
    assert row_of(table, "Village") == ["Yakhtan", "Yakhtan", "Mujun"]
    assert row_of(table, "Activities") == [
        "Dairy processing",
        "Dairy processing, Lemon cultivation",
        "Dairy processing",
    ]
    assert "Saved by amina" in html
    group.refresh_from_db()
    assert (group.name, group.village) == ("Guncha lemons", "Yakhtan")
    assert group.history.count() == records  # nothing of B's, not even a history row


def test_after_reloading_the_second_officer_saves_and_history_shows_both(browsers, group):
    a, b = browsers
    url = f"/groups/{group.code}/edit/"
    form_a, form_b = a.get(url), b.get(url)
    a.post(url, form_data(form_a, name="Guncha lemons"))
    refused(b.post(url, form_data(form_b, village="Mujun")))

    again = b.post(url, form_data(b.get(url), village="Mujun"))

    assert again.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.village) == ("Guncha lemons", "Mujun")
    history = history_section(b, f"/groups/{group.code}/")
    assert "Name: <del>Guncha-1</del> → <ins>Guncha lemons</ins>" in history
    assert "Village: <del>Yakhtan</del> → <ins>Mujun</ins>" in history
    assert "· amina" in history and "· bahrom" in history


def test_the_refusal_page_carries_the_saved_version(browsers, group):
    a, b = browsers
    url = f"/groups/{group.code}/edit/"
    form_a, form_b = a.get(url), b.get(url)
    a.post(url, form_data(form_a, name="Guncha lemons"))
    refusal = b.post(url, form_data(form_b, village="Mujun"))

    # The form under the side-by-side shows A's version: B enters the change there again.
    assert refusal.context["form"]["name"].value() == "Guncha lemons"
    again = b.post(url, form_data(refusal, village="Mujun"))

    assert again.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.village) == ("Guncha lemons", "Mujun")


def test_a_form_without_its_version_is_refused(browsers, group):
    _a, b = browsers
    url = f"/groups/{group.code}/edit/"
    data = form_data(b.get(url), village="Mujun")
    del data["version"]

    refused(b.post(url, data))

    group.refresh_from_db()
    assert group.village == "Yakhtan"


# A member --------------------------------------------------------------------------------


@pytest.fixture
def member(group):
    return MemberFactory(
        group=group, surname="Rahimova", given_name="Gulnora", phone="+992 92 111 1111"
    )


def test_the_second_save_of_a_member_is_refused_and_shows_the_first(browsers, member):
    a, b = browsers
    url = f"/members/{member.pk}/edit/"
    form_a, form_b = a.get(url), b.get(url)
    assert a.post(url, form_data(form_a, phone="+992 92 222 2222")).status_code == 302
    records = member.history.count()

    html = refused(b.post(url, form_data(form_b, skills="Sewing", head_of_household=True)))

    table = stale_table(html)
    # Numbers as stored (E.164, rmp_portal.core.phones).
    assert row_of(table, "Phone") == ["+992921111111", "+992922222222", "+992921111111"]
    assert row_of(table, "Skills and professional interests") == ["—", "—", "Sewing"]
    assert row_of(table, "Head of household") == ["no", "no", "yes"]
    member.refresh_from_db()
    assert (member.phone, member.skills, member.head_of_household) == (
        "+992922222222",
        "",
        False,
    )
    assert member.history.count() == records


def test_after_reloading_both_member_changes_are_kept_and_in_history(browsers, member):
    a, b = browsers
    url = f"/members/{member.pk}/edit/"
    form_a, form_b = a.get(url), b.get(url)
    a.post(url, form_data(form_a, phone="+992 92 222 2222"))
    refused(b.post(url, form_data(form_b, skills="Sewing")))

    assert b.post(url, form_data(b.get(url), skills="Sewing")).status_code == 302

    member.refresh_from_db()
    assert (member.phone, member.skills) == ("+992922222222", "Sewing")
    history = history_section(b, f"/members/{member.pk}/", "changes-heading")
    assert "Phone: <del>+992921111111</del> → <ins>+992922222222</ins>" in history
    assert "Skills and professional interests: <del>—</del> → <ins>Sewing</ins>" in history
    assert "· amina" in history and "· bahrom" in history


def test_a_departure_recorded_meanwhile_makes_a_member_edit_stale(browsers, member):
    a, b = browsers
    url = f"/members/{member.pk}/edit/"
    form_b = b.get(url)
    a.post(f"/members/{member.pk}/leave/", {"left_on": "2021-05-01"})

    html = refused(b.post(url, form_data(form_b, skills="Sewing")))

    member.refresh_from_db()
    assert member.left_on == datetime.date(2021, 5, 1) and member.skills == ""
    assert "Saved by amina" in html


# A cooperative ---------------------------------------------------------------------------


@pytest.fixture
def cooperative(db):
    cooperative = CooperativeFactory(name="Guncha", description="Lemons")
    for _ in range(2):
        CooperativeMembershipFactory(cooperative=cooperative, group=GroupFactory())
    cooperative.branches.set([activity("Lemon cultivation")])
    return cooperative


def test_the_second_save_of_a_cooperative_is_refused_and_shows_the_first(browsers, cooperative):
    a, b = browsers
    url = f"/cooperatives/{cooperative.pk}/edit/"
    form_a, form_b = a.get(url), b.get(url)
    branches = [str(activity("Lemon cultivation").pk), str(activity("Dairy processing").pk)]
    saved = a.post(url, form_data(form_a, name="Guncha-Ghonchi", branches=branches))
    assert saved.status_code == 302
    records = cooperative.history.count()

    html = refused(b.post(url, form_data(form_b, description="Lemons and milk")))

    table = stale_table(html)
    assert row_of(table, "Name") == ["Guncha", "Guncha-Ghonchi", "Guncha"]
    assert row_of(table, "Business branches") == [
        "Lemon cultivation",
        "Dairy processing, Lemon cultivation",
        "Lemon cultivation",
    ]
    assert row_of(table, "Description") == ["Lemons", "Lemons", "Lemons and milk"]
    cooperative.refresh_from_db()
    assert (cooperative.name, cooperative.description) == ("Guncha-Ghonchi", "Lemons")
    assert cooperative.branches.count() == 2
    assert cooperative.history.count() == records


def test_after_reloading_both_cooperative_changes_are_kept_and_in_history(browsers, cooperative):
    a, b = browsers
    url = f"/cooperatives/{cooperative.pk}/edit/"
    form_a, form_b = a.get(url), b.get(url)
    a.post(url, form_data(form_a, name="Guncha-Ghonchi"))
    refused(b.post(url, form_data(form_b, description="Lemons and milk")))

    again = b.post(url, form_data(b.get(url), description="Lemons and milk"))

    assert again.status_code == 302
    cooperative = Cooperative.objects.get(pk=cooperative.pk)
    assert (cooperative.name, cooperative.description) == ("Guncha-Ghonchi", "Lemons and milk")
    history = history_section(b, f"/cooperatives/{cooperative.pk}/")
    assert "Name: <del>Guncha</del> → <ins>Guncha-Ghonchi</ins>" in history
    assert "Description: <del>Lemons</del> → <ins>Lemons and milk</ins>" in history
    assert "· amina" in history and "· bahrom" in history


# Without the version in the history ------------------------------------------------------


def test_a_version_missing_from_the_history_still_refuses_and_compares(browsers, group):
    """Rows bulk-loaded without history (scale data): the side-by-side compares what is
    saved now with what was entered."""
    a, b = browsers
    url = f"/groups/{group.code}/edit/"
    form_b = b.get(url)
    SelfHelpGroup.history.all().delete()
    a.post(url, form_data(a.get(url), name="Guncha lemons"))

    html = refused(b.post(url, form_data(form_b, village="Mujun")))

    table = stale_table(html)
    assert row_of(table, "Name") == ["Guncha lemons", "Guncha-1"]
    assert row_of(table, "Village") == ["Yakhtan", "Mujun"]
    group.refresh_from_db()
    assert group.village == "Yakhtan"
