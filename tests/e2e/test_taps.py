"""How many taps a field officer needs on a 360 px phone: from "My work" to a saved member
(target: at most 8), and for each further member of the same group (at most 4, plus typing).

Every tap is counted as a phone user makes it: a button or link, a tap into a text field
before typing, and two for a drop-down list (open it, pick the choice). Typing is not a tap.
A field the page already focuses (the surname after "Save and add another") needs no tap."""

from django.utils import timezone
from playwright.sync_api import expect

from members.models import Member
from tests.e2e.conftest import PHONE, sign_in
from tests.factories import GroupFactory, field_officer

OFFICER, PASSWORD = "officer-taps", "a-long-test-password-1"


class Taps:
    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator) -> None:
        locator.click()
        self.count += 1

    def type_into(self, locator, text: str, *, focused: bool = False) -> None:
        if focused:
            expect(locator).to_be_focused()
        else:
            self.tap(locator)
        self.page.keyboard.type(text)

    def choose(self, select, value: str) -> None:
        select.select_option(value)
        self.count += 2


def test_a_member_takes_few_taps_from_my_work_and_fewer_for_the_next(live_server, page):
    user = field_officer("Devashtich", username=OFFICER)
    user.set_password(PASSWORD)
    user.save()
    group = GroupFactory(name="Bonuvoni Yakhtan")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, OFFICER, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/my-work/")

    first = Taps(page)
    first.tap(page.locator(".mywork-add-member").first)
    first.type_into(page.locator("#id_surname"), "Karimova", focused=True)
    first.type_into(page.locator("#id_given_name"), "Zebo")
    first.choose(page.locator("#id_sex"), "F")
    first.tap(page.locator("#member-save-add-another"))

    expect(page.locator("#id_surname")).to_have_value("")
    assert first.count <= 8, f"{first.count} taps to the first member"
    zebo = Member.objects.get(surname="Karimova")
    assert (zebo.group, zebo.given_name, zebo.sex) == (group, "Zebo", "F")
    assert zebo.joined_on == timezone.localdate()  # the form's default: today

    # The form opened again for the same group, with the same joined date.
    expect(page.locator("#id_group")).to_have_value(group.code)
    expect(page.locator("#id_joined_on")).to_have_value(zebo.joined_on.strftime("%d.%m.%Y"))
    further = Taps(page)
    further.type_into(page.locator("#id_surname"), "Saidova", focused=True)
    further.type_into(page.locator("#id_given_name"), "Nigora")
    further.choose(page.locator("#id_sex"), "F")
    further.tap(page.locator("#member-save-add-another"))

    expect(page.locator("#id_surname")).to_have_value("")
    assert further.count <= 4, f"{further.count} taps to each further member"
    nigora = Member.objects.get(surname="Saidova")
    assert (nigora.group, nigora.joined_on) == (group, zebo.joined_on)
    print(f"taps: {first.count} to the first member, {further.count} to each further one")
