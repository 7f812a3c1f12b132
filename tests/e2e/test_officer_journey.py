"""A field officer's day, in a real browser: register a group, add five members, make a
woman leader, be refused making a man leader, record a departure, form a cooperative."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cooperatives.models import Cooperative
from groups.models import SelfHelpGroup
from members.models import Member
from tests.e2e.conftest import DESKTOP, PHONE
from tests.factories import PASSWORD, GroupFactory, MemberFactory, field_officer

MEMBERS = [
    ("Rahimova", "Gulnora", "F"),
    ("Saidova", "Nigora", "F"),
    ("Karimova", "Zarina", "F"),
    ("Nazarova", "Mavjuda", "F"),
    ("Oblokulov", "Akbar", "M"),
]


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/my-work/$"))  # an officer's home


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_field_officer_registers_a_group_and_forms_a_cooperative(
    live_server, page, screenshot, viewport
):
    page.set_viewport_size(viewport)
    tag = "desktop" if viewport == DESKTOP else "phone"
    field_officer("Devashtich", username="officer-devashtich")
    neighbour = GroupFactory(name="Neighbours")
    MemberFactory(group=neighbour, role="leader", surname="Usmonova", given_name="Rukhsora")
    base = live_server.url
    sign_in(page, base, "officer-devashtich")

    # Register a group.
    page.goto(f"{base}/groups/new/")
    page.locator("#id_name").fill("Journey women")
    page.locator("#id_village").fill("Yakhtan")
    page.locator("#id_established_on").fill("2015-04-01")
    screenshot(f"group-form-{tag}")
    page.get_by_role("button", name="Register group").click()
    expect(page.get_by_role("status").first).to_contain_text("registered")
    group = SelfHelpGroup.objects.get(name="Journey women")
    assert page.url.endswith(f"/groups/{group.code}/")

    # Add five members from the group page.
    for surname, given_name, sex in MEMBERS:
        page.get_by_role("link", name="Add member").click()
        page.locator("#id_surname").fill(surname)
        page.locator("#id_given_name").fill(given_name)
        page.locator("#id_sex").select_option(sex)
        page.locator("#id_joined_on").fill("2015-04-01")
        page.get_by_role("button", name="Add member").click()
        page.wait_for_url(f"**/groups/{group.code}/")
    assert group.members.current().count() == 5
    screenshot(f"group-page-{tag}")

    # Make one of the women leader (a dialog asks first).
    page.get_by_role("button", name=re.compile(r"Make leader.*Saidova Nigora")).click()
    page.get_by_role("dialog").get_by_role("button", name="Make leader").click()
    expect(page.get_by_role("status").first).to_contain_text("is now the leader of")
    assert Member.objects.get(group=group, role="leader").surname == "Saidova"

    # A man cannot be made leader: the edit form says why and saves nothing.
    man = Member.objects.get(group=group, surname="Oblokulov")
    page.goto(f"{base}/members/{man.pk}/edit/")
    page.locator("#id_role").select_option("leader")
    page.get_by_role("button", name="Save changes").click()
    # The message is in the summary at the top and under the field.
    expect(page.locator(".error-summary")).to_contain_text("a man cannot be the leader")
    expect(page.locator("#div_id_role")).to_contain_text("a man cannot be the leader")
    screenshot(f"man-as-leader-refused-{tag}")
    man.refresh_from_db()
    assert man.role == "member"

    # Record a departure.
    leaving = Member.objects.get(group=group, surname="Karimova")
    page.goto(f"{base}/members/{leaving.pk}/")
    page.locator("form[action$='/leave/'] input[name=left_on]").fill("01.02.2016")
    page.get_by_role("button", name="Record departure").click()
    page.get_by_role("dialog").get_by_role("button", name="Record departure").click()
    page.wait_for_url(f"**/groups/{group.code}/")
    leaving.refresh_from_db()
    assert leaving.left_on == datetime.date(2016, 2, 1)
    assert group.members.current().count() == 4

    # Form a cooperative from the new group and its neighbour.
    page.goto(f"{base}/cooperatives/new/")
    page.get_by_label(re.compile(group.code)).check()
    page.get_by_label(re.compile(neighbour.code)).check()
    page.locator("#id_name").fill("Journey cooperative")
    page.locator("#id_formed_on").fill("2016-03-01")
    page.get_by_role("button", name="Form cooperative").click()
    page.wait_for_url(re.compile(r".*/cooperatives/\d+/$"))
    cooperative = Cooperative.objects.get(name="Journey cooperative")
    assert page.url.endswith(f"/cooperatives/{cooperative.pk}/")
    expect(page.get_by_role("main")).to_contain_text(group.code)
    expect(page.get_by_role("main")).to_contain_text(neighbour.code)
    screenshot(f"cooperative-page-{tag}")
    assert sorted(cooperative.memberships.values_list("group__code", flat=True)) == sorted(
        [group.code, neighbour.code]
    )
    # Nothing on a phone may be wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
