"""Switching the interface language from the header: Tajik, then Russian. The <select>
submits itself with JavaScript; without JavaScript a "Go" button does it."""

import re

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from rmp_portal.models import StaffProfile
from tests.e2e.conftest import DESKTOP, PHONE, save_screenshot, sign_in
from tests.factories import PASSWORD, GroupFactory, field_officer


def translated(text: str, language: str) -> str:
    """`text` as the catalogue of `language` has it (compiled .mo in locale/)."""
    with translation.override(language):
        return translation.gettext(text)


def open_menu_on_a_phone(page) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        expect(page.locator("#main-nav.collapse.show")).to_be_visible()


def choose(page, code: str) -> None:
    open_menu_on_a_phone(page)
    page.locator("#language-select").select_option(code)
    # The page the form posts to answers with the new language.
    expect(page.locator("html")).to_have_attribute("lang", code)


def language_cookie(context) -> str | None:
    return next(
        (c["value"] for c in context.cookies() if c["name"] == settings.LANGUAGE_COOKIE_NAME),
        None,
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_user_switches_the_language_to_tajik_and_russian(live_server, page, viewport):
    page.set_viewport_size(viewport)
    tag = "desktop" if viewport == DESKTOP else "phone"
    field_officer("Devashtich", username="officer-devashtich")
    group = GroupFactory(name="Guncha-Lola")
    base = live_server.url
    sign_in(page, base, "officer-devashtich", PASSWORD, landing="/my-work/")

    page.goto(f"{base}/groups/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    choose(page, "tg")
    # Back on the same page, in Tajik.
    assert page.url.endswith("/groups/")
    expect(page.locator("#language-select")).to_have_value("tg")
    save_screenshot(page, f"language-tajik-{tag}")
    # The registry's title and the group's district are in Tajik.
    expect(page.locator("h1")).to_contain_text(translated("Self-help groups", "tg"))
    expect(page.locator("main")).to_contain_text("Ноҳияи Деваштич")
    # The choice is kept on the profile too, for the user's other computers.
    assert StaffProfile.objects.get(user__username="officer-devashtich").language == "tg"

    # The choice persists on the next page.
    page.goto(f"{base}/groups/{group.code}/")
    expect(page.locator("html")).to_have_attribute("lang", "tg")
    expect(page.locator("#language-select")).to_have_value("tg")
    assert language_cookie(page.context) == "tg"

    choose(page, "ru")
    assert page.url.endswith(f"/groups/{group.code}/")
    page.goto(f"{base}/members/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("#language-select")).to_have_value("ru")
    assert language_cookie(page.context) == "ru"
    expect(page.locator("h1")).to_contain_text(translated("Members", "ru"))
    # No horizontal scrolling in either language.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_without_javascript_the_go_button_switches_the_language(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.locator("#language-select").select_option("ru")
        # Nothing happens until the button is pressed.
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.get_by_role("button", name="Go").click()
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        assert re.search(r"/accounts/login/$", page.url)
        expect(page.locator("#language-select")).to_have_value("ru")
        assert language_cookie(context) == "ru"
    finally:
        context.close()


def test_signing_in_applies_the_language_saved_on_the_profile(live_server, page):
    field_officer("Devashtich", username="officer-devashtich")
    StaffProfile.objects.filter(user__username="officer-devashtich").update(language="tg")
    page.set_viewport_size(DESKTOP)

    # A browser that never chose a language: the sign-in page is in English.
    sign_in(page, live_server.url, "officer-devashtich", PASSWORD, landing="/my-work/")

    expect(page.locator("html")).to_have_attribute("lang", "tg")
    expect(page.locator("#language-select")).to_have_value("tg")
    assert language_cookie(page.context) == "tg"


def test_tajik_pages_look_right(live_server, browser):
    """Screenshots of the main pages in Tajik (test-artifacts/screenshots/tajik-*.png), for a
    person to look at: long Tajik words must not break the layout. The browser asks for
    Russian, as most in Tajikistan do. (A date picker shows dates in the browser's own
    format, not the page's: headless Chromium's is mm/dd/yyyy whatever it is asked.)"""
    field_officer("Devashtich", username="officer-devashtich")
    StaffProfile.objects.filter(user__username="officer-devashtich").update(language="tg")
    group = GroupFactory(name="Гунча", village="Яхтан")
    base = live_server.url
    context = browser.new_context(locale="ru-RU", viewport=DESKTOP)
    try:
        page = context.new_page()
        # The sign-in page follows the browser (Russian) until the profile's language applies.
        page.goto(f"{base}/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        page.locator("input[name=username]").fill("officer-devashtich")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form:has(input[name=password]) [type=submit]").click()
        page.wait_for_url(f"{base}/my-work/")
        for name, path in [
            ("dashboard", "/provinces/SU/"),
            ("group-registry", "/groups/"),
            ("member-form", f"/members/new/?group={group.code}"),
        ]:
            page.goto(f"{base}{path}")
            expect(page.locator("html")).to_have_attribute("lang", "tg")
            save_screenshot(page, f"tajik-{name}")
            assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    finally:
        context.close()
