"""No lost updates: two field officers of one district open the same group's edit form; the
first saves; the second's save is refused, with the other person's change shown, and the
database keeps the first change only."""

import pytest
from playwright.sync_api import expect

from groups.models import SelfHelpGroup
from tests.e2e.conftest import DESKTOP, PHONE, save_screenshot, sign_in
from tests.factories import PASSWORD, GroupFactory, field_officer


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_stale_edit_is_refused_and_shows_the_other_change(live_server, browser, viewport):
    tag = "desktop" if viewport == DESKTOP else "phone"
    field_officer("Devashtich", username="officer-a")
    field_officer("Devashtich", username="officer-b")
    group = GroupFactory(name="Guncha-Lola", village="Yakhtan")
    base = live_server.url
    edit_url = f"{base}/groups/{group.code}/edit/"

    first_context = browser.new_context(viewport=viewport)
    second_context = browser.new_context(viewport=viewport)
    try:
        first, second = first_context.new_page(), second_context.new_page()
        sign_in(first, base, "officer-a", PASSWORD, landing="/my-work/")
        sign_in(second, base, "officer-b", PASSWORD, landing="/my-work/")
        # Both open the form of the same version of the group.
        first.goto(edit_url)
        second.goto(edit_url)
        expect(first.locator("#id_village")).to_have_value("Yakhtan")
        expect(second.locator("#id_village")).to_have_value("Yakhtan")

        # The first officer corrects the village and saves.
        first.locator("#id_village").fill("Yakhtan-Bolo")
        first.get_by_role("button", name="Save changes").click()
        first.wait_for_url(f"{base}/groups/{group.code}/")
        expect(first.get_by_role("status").first).to_contain_text(f"Group {group.code} saved")
        assert SelfHelpGroup.objects.get(pk=group.pk).village == "Yakhtan-Bolo"

        # The second, still on the old version, renames the group and saves.
        second.locator("#id_name").fill("Lola renamed")
        second.get_by_role("button", name="Save changes").click()
        refusal = second.get_by_role("alert").filter(has_text="Someone else saved this record")
        expect(refusal).to_be_visible()
        assert second.url == edit_url  # still on the form, nothing saved
        stale = second.locator("#stale-changes")
        expect(stale).to_contain_text("Yakhtan-Bolo")
        expect(stale).to_contain_text("Lola renamed")
        # The form now holds the saved version, for the second officer to edit again.
        expect(second.locator("#id_village")).to_have_value("Yakhtan-Bolo")
        expect(second.locator("#id_name")).to_have_value("Guncha-Lola")
        save_screenshot(second, f"stale-edit-refused-{tag}")
        assert second.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        first_context.close()
        second_context.close()

    group.refresh_from_db()
    assert (group.name, group.village) == ("Guncha-Lola", "Yakhtan-Bolo")
    assert group.updated_by.username == "officer-a"
    assert group.history.count() == 2  # created, then the first officer's change only
