"""Guessing passwords: after five wrong passwords the account is locked for 15 minutes, with a
clear message, and even the right password is refused meanwhile."""

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, save_screenshot
from tests.factories import PASSWORD, field_officer


def attempt(page, base: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("officer-devashtich")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_five_wrong_passwords_lock_the_account(live_server, page, viewport):
    page.set_viewport_size(viewport)
    tag = "desktop" if viewport == DESKTOP else "phone"
    field_officer("Devashtich", username="officer-devashtich")
    base = live_server.url

    for number in range(1, 5):
        attempt(page, base, f"wrong-{number}")
        # Each attempt answers with the sign-in form again and says why.
        expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username")
        assert AccessAttempt.objects.get(username="officer-devashtich").failures_since_start == (
            number
        )

    attempt(page, base, "wrong-5")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-in attempts")
    expect(page.get_by_role("alert")).to_contain_text("locked for 15 minutes")
    save_screenshot(page, f"locked-out-{tag}")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    # The right password is refused while the lock lasts.
    attempt(page, base, PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("locked for 15 minutes")
    assert "/accounts/login/" in page.url
    assert AccessAttempt.objects.get(username="officer-devashtich").failures_since_start >= 5
    assert not Session.objects.exists()
