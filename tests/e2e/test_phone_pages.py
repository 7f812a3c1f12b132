"""A field officer's pages on a phone (360 x 740), in a real browser, on a small registry built
with the factories: no page scrolls sideways (member lists become cards), every link and button
is big enough to tap, and the forms help: a dialog confirms making a leader, recording a
departure and dissolving a group (and without JavaScript the forms are sent at once), a failed
form starts with a summary of its errors, dates are typed dd.mm.yyyy and empty choices say
"— choose —".

Screenshots of every page: test-artifacts/screenshots/phone-*.png."""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from members.models import Member
from tests.e2e.conftest import PHONE, save_screenshot, sign_in
from tests.factories import (
    PASSWORD,
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    field_officer,
)
from tests.initiatives.factories import InitiativeFactory, SupportFactory

OFFICER = "officer-devashtich"
# Two rows of a members import: a woman (new) and a man as leader (an error).
IMPORT_CSV = (
    "Group;Surname;Given name;Sex;Birth year;Role;Joined\r\n"
    "{code};Hakimova;Dilnoza;F;1985;;01.03.2014\r\n"
    "{code};Karimov;Zafar;M;1980;leader;01.03.2014\r\n"
    "{code};Jalolova;;F;1990;;31.02.2014\r\n"
)
# WCAG 2.5.8 (target size, minimum) and 2.5.5's 44 px for the main action of a page.
MIN_TARGET = 24
MIN_PRIMARY = 44

SMALL_TARGETS = """([minTarget, minPrimary]) => {
  const out = [];
  const hidden = (el) => el.closest(".visually-hidden, .visually-hidden-focusable:not(:focus)");
  for (const el of document.querySelectorAll("a, button, input[type=submit], summary")) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || hidden(el)) continue;
    if (getComputedStyle(el).visibility === "hidden") continue;
    // A link inside a sentence is exempt (WCAG 2.5.8, "inline").
    if (el.tagName === "A" && el.closest("p")) continue;
    const least = el.matches(".btn-primary") ? minPrimary : minTarget;
    if (box.width < least - 0.5 || box.height < least - 0.5) {
      const text = (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40);
      out.push(`${el.tagName.toLowerCase()}.${el.className} "${text}" ` +
               `${box.width.toFixed(0)}x${box.height.toFixed(0)}`);
    }
  }
  return out;
}"""

OVERFLOWING = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".table-responsive, .table-scroller")) continue;
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 0.5) {
      out.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} right=${box.right}`);
    }
  }
  return out.slice(0, 8);
}"""


@dataclass
class World:
    group: object
    leader: Member
    zebo: Member
    man: Member
    cooperative: object
    initiative: object
    support: object


def build_world() -> World:
    """An officer's district with a group of six current members and one former member, a
    second group, a cooperative of both, an initiative and a support activity."""
    field_officer("Devashtich", username=OFFICER)
    group = GroupFactory(name="Bonuvoni Yakhtan")
    leader = MemberFactory(group=group, surname="Usmonova", given_name="Rukhsora", role="leader")
    zebo = MemberFactory(group=group, surname="Karimova", given_name="Zebo")
    for surname, given_name in [("Saidova", "Nigora"), ("Rahimova", "Gulnora")]:
        MemberFactory(group=group, surname=surname, given_name=given_name)
    man = MemberFactory(group=group, surname="Oblokulov", given_name="Akbar", sex="M")
    MemberFactory(group=group, surname="Nazarova", given_name="Mavjuda-Sharofatkhon")
    MemberFactory(
        group=group, surname="Jalolova", given_name="Madina", left_on=datetime.date(2016, 2, 1)
    )
    second = GroupFactory(name="Lola")
    MemberFactory(group=second, surname="Sharipova", given_name="Lola", role="leader")
    cooperative = CooperativeFactory(name="Guncha", registration_number="0123456789-TJ")
    CooperativeMembershipFactory(cooperative=cooperative, group=group)
    CooperativeMembershipFactory(cooperative=cooperative, group=second)
    initiative = InitiativeFactory(
        group=group, title="Milk collection point", participants=[leader, zebo, man]
    )
    support = SupportFactory(groups=[group, second])
    return World(group, leader, zebo, man, cooperative, initiative, support)


@pytest.fixture
def world(live_server) -> World:
    return build_world()


@pytest.fixture
def officer_page(live_server, page, world):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, OFFICER, PASSWORD)
    return page


def upload_members(page, base: str, code: str) -> None:
    """Upload a members file with errors; waits for its preview."""
    page.goto(f"{base}/imports/members/new/")
    page.locator("input[type=file]").set_input_files(
        {
            "name": "members.csv",
            "mimeType": "text/csv",
            "buffer": IMPORT_CSV.format(code=code).encode(),
        }
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r".*/imports/runs/\d+/$"))


def check_page(page, name: str) -> list[str]:
    """What is wrong with the page on a phone: sideways scrolling, small targets."""
    problems = []
    width = PHONE["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    inner_width = page.evaluate("window.innerWidth")
    if scroll_width > inner_width:
        overflowing = page.evaluate(OVERFLOWING, width)
        problems.append(f"{name}: scrolls sideways ({scroll_width}px): {overflowing}")
    for target in page.evaluate(SMALL_TARGETS, [MIN_TARGET, MIN_PRIMARY]):
        problems.append(f"{name}: small target {target}")
    return problems


def test_an_officers_pages_fit_a_phone_and_are_easy_to_tap(live_server, officer_page, world):
    page, base = officer_page, live_server.url
    group, member = world.group, world.zebo
    pages = [
        ("home", "/"),
        ("groups-registry", "/groups/"),
        ("group-page", f"/groups/{group.code}/"),
        ("group-edit-form", f"/groups/{group.code}/edit/"),
        ("member-page", f"/members/{member.pk}/"),
        ("member-form", f"/members/new/?group={group.code}"),
        ("member-edit-form", f"/members/{member.pk}/edit/"),
        ("members-registry", "/members/"),
        ("cooperatives-registry", "/cooperatives/"),
        ("cooperative-page", f"/cooperatives/{world.cooperative.pk}/"),
        ("initiatives-registry", "/initiatives/"),
        ("initiative-page", f"/initiatives/{world.initiative.pk}/"),
        ("support-registry", "/support/"),
        ("support-page", f"/support/{world.support.pk}/"),
        ("group-form", "/groups/new/"),
        ("cooperative-form", "/cooperatives/new/"),
        ("initiative-form", f"/initiatives/new/?group={group.code}"),
        ("support-form", "/support/new/"),
        ("imports-upload", "/imports/members/new/"),
        ("data-quality", "/data-quality/"),
        ("my-work", "/my-work/"),
    ]
    problems, seen = [], []
    for name, path in pages:
        response = page.goto(f"{base}{path}")
        if name == "my-work" and response.status != 200:
            continue  # being built: checked once it renders
        assert response.status == 200, f"{name}: HTTP {response.status}"
        seen.append(name)
        save_screenshot(page, f"phone-{name}")
        problems += check_page(page, name)

    # The group page lists its members as cards, each with its actions.
    page.goto(f"{base}/groups/{group.code}/")
    cards = page.locator("#current-members tbody tr")
    expect(cards).to_have_count(6)
    first = cards.first.bounding_box()
    assert first["width"] <= PHONE["width"], "a member card is wider than the screen"
    zebo = cards.filter(has_text="Karimova Zebo")
    joined = zebo.locator("td[data-label='Joined']")
    expect(joined).to_have_text("03/01/2012")
    label = joined.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Joined"'
    expect(zebo.get_by_role("button", name=re.compile("Make leader"))).to_be_visible()

    upload_members(page, base, group.code)
    seen.append("import-preview")
    save_screenshot(page, "phone-import-preview")
    problems += check_page(page, "import-preview")
    # The errors and the confirm button are on the first screen, and the wide table of rows
    # scrolls inside its own box.
    confirm = page.get_by_role("button", name="Confirm and import")
    expect(confirm).to_be_in_viewport()
    expect(page.locator("#import-errors")).to_be_visible()
    expect(page.locator("#import-errors")).to_contain_text("a man cannot be the leader")
    box = confirm.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    # The list of imports, with that one.
    page.goto(f"{base}/imports/")
    seen.append("imports")
    save_screenshot(page, "phone-imports")
    problems += check_page(page, "imports")

    assert not problems, "\n".join(problems)
    assert len(seen) >= 22


def test_making_a_leader_asks_first_and_names_her_and_the_group(
    live_server, officer_page, world, screenshot
):
    page, base, group, zebo = officer_page, live_server.url, world.group, world.zebo
    page.goto(f"{base}/groups/{group.code}/")
    page.get_by_role("button", name=re.compile(r"Make leader.*Karimova Zebo")).click()

    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"Make Karimova Zebo the leader of {group.code}?")
    cancel = dialog.get_by_role("button", name="Cancel")
    expect(cancel).to_be_focused()
    screenshot("phone-confirm-make-leader")
    cancel.click()
    expect(dialog).to_be_hidden()
    zebo.refresh_from_db()
    assert zebo.role == "member"
    assert page.url.endswith(f"/groups/{group.code}/")

    # Escape cancels too.
    page.get_by_role("button", name=re.compile(r"Make leader.*Karimova Zebo")).click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    zebo.refresh_from_db()
    assert zebo.role == "member"

    page.get_by_role("button", name=re.compile(r"Make leader.*Karimova Zebo")).click()
    dialog.get_by_role("button", name="Make leader").click()
    expect(page.get_by_role("status").first).to_contain_text("is now the leader of")
    zebo.refresh_from_db()
    assert zebo.role == "leader"
    assert Member.objects.get(pk=world.leader.pk).role == "member"


def test_recording_a_departure_asks_first(live_server, officer_page, world):
    page, base, zebo = officer_page, live_server.url, world.zebo
    page.goto(f"{base}/members/{zebo.pk}/")
    page.locator("#id_left_on").fill("01.02.2020")
    page.get_by_role("button", name="Record departure").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Record that Karimova Zebo left {world.group.code}?")
    dialog.get_by_role("button", name="Cancel").click()
    zebo.refresh_from_db()
    assert zebo.left_on is None

    page.get_by_role("button", name="Record departure").click()
    dialog.get_by_role("button", name="Record departure").click()
    page.wait_for_url(f"**/groups/{world.group.code}/")
    zebo.refresh_from_db()
    assert zebo.left_on == datetime.date(2020, 2, 1)


def test_dissolving_a_group_asks_first(live_server, officer_page, world):
    page, base = officer_page, live_server.url
    group = GroupFactory(name="Chashma")
    page.goto(f"{base}/groups/{group.code}/edit/")
    form = page.locator("main form[method=post]")
    assert form.get_attribute("data-confirm") == f"Dissolve the group {group.code} Chashma?"
    page.locator("#id_status").select_option("dissolved")
    page.locator("#id_dissolved_on").fill("01.02.2020")
    page.locator("main form[method=post] button[type=submit]").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Dissolve the group {group.code} Chashma?")
    dialog.get_by_role("button", name="Cancel").click()
    group.refresh_from_db()
    assert group.status == "active"

    page.locator("main form[method=post] button[type=submit]").click()
    dialog.get_by_role("button", name="Dissolve").click()
    page.wait_for_url(f"**/groups/{group.code}/")
    group.refresh_from_db()
    assert (group.status, group.dissolved_on) == ("dissolved", datetime.date(2020, 2, 1))

    # Editing a dissolved group again asks nothing: only the change to "dissolved" does.
    page.goto(f"{base}/groups/{group.code}/edit/")
    page.locator("#id_village").fill("Chashma-Bolo")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**/groups/{group.code}/")
    group.refresh_from_db()
    assert group.village == "Chashma-Bolo"


def test_without_javascript_the_actions_work_without_a_dialog(live_server, browser, world):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, OFFICER, PASSWORD)
        page.goto(f"{live_server.url}/groups/{world.group.code}/")
        page.get_by_role("button", name=re.compile(r"Make leader.*Karimova Zebo")).click()
        expect(page.get_by_role("status").first).to_contain_text("is now the leader of")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
    world.zebo.refresh_from_db()
    assert world.zebo.role == "leader"


def test_a_failed_form_starts_with_a_summary_of_its_errors(
    live_server, officer_page, world, screenshot
):
    page, base = officer_page, live_server.url
    page.goto(f"{base}/members/new/?group={world.group.code}")
    page.locator("#id_surname").fill("")
    page.locator("#id_joined_on").fill("31.02.2020")
    page.get_by_role("button", name="Add member").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    expect(summary).to_contain_text("Please correct the following:")
    screenshot("phone-error-summary")
    # The per-field messages stay where they were.
    expect(page.locator("#div_id_surname .invalid-feedback")).to_be_visible()

    link = summary.get_by_role("link", name=re.compile(r"^Surname: "))
    assert link.get_attribute("href") == "#id_surname"
    link.click()
    expect(page.locator("#id_surname")).to_be_focused()
    summary.get_by_role("link", name=re.compile(r"^Joined on: ")).click()
    expect(page.locator("#id_joined_on")).to_be_focused()
    assert Member.objects.filter(group=world.group).count() == 7


def test_dates_are_typed_and_shown_day_first_in_russian(live_server, officer_page, world):
    page, base = officer_page, live_server.url
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": base}])
    page.goto(f"{base}/members/{world.zebo.pk}/edit/")
    joined = page.locator("#id_joined_on")
    expect(joined).to_have_attribute("type", "text")
    expect(joined).to_have_attribute("inputmode", "numeric")
    # "дд.мм.гггг" once the catalogue has it.
    with translation.override("ru"):
        expect(joined).to_have_attribute("placeholder", gettext("dd.mm.yyyy"))
    expect(joined).to_have_value("01.03.2012")

    # Typed on a number pad (no dot key): the dots come by themselves.
    joined.fill("")
    joined.press_sequentially("05032024")
    expect(joined).to_have_value("05.03.2024")
    page.locator("form[method=post] button[type=submit].btn-primary").click()
    page.wait_for_url(f"**/members/{world.zebo.pk}/")
    world.zebo.refresh_from_db()
    assert world.zebo.joined_on == datetime.date(2024, 3, 5)
    expect(page.locator("main")).to_contain_text("05.03.2024")


def test_an_empty_choice_says_choose(live_server, officer_page, world):
    page, base = officer_page, live_server.url
    page.goto(f"{base}/members/new/?group={world.group.code}")
    sex = page.locator("#id_sex")
    expect(sex.locator("option[value='']")).to_have_text("— choose —")
    expect(page.locator("main")).not_to_contain_text("---------")
    page.goto(f"{base}/members/")
    expect(page.locator("#id_sex option[value='']")).to_have_text("— choose —")
