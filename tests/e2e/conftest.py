"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

Without /usr/bin/chromium they are skipped with one line of reason, except where
E2E_REQUIRED is set (CI), where a missing browser is a failure."""

import io
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    missing = not _chromium_available()
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            # live_server needs committed data, so these tests flush every table afterwards;
            # serialized_rollback puts back what the migrations loaded (provinces, districts,
            # jamoats, activity types, permission groups) for the tests that run after them.
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False
            )
            if missing and not os.environ.get("E2E_REQUIRED"):
                item.add_marker(
                    pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: browser tests skipped")
                )


@pytest.fixture(scope="session", autouse=True)
def _serialized_reference_data(playwright, django_db_setup, django_db_blocker):
    """Let serialized_rollback put back the reference data after each browser test.

    setup_databases() keeps the database's initial contents on the connection wrapper of the
    context it ran in. Playwright's sync API runs the tests in a greenlet with a context of
    its own, and Django keeps one wrapper per context (asgiref Local), so when a database
    test ran before the browser tests, the wrapper they use has no copy and every table
    stays empty after the first browser test. Take the copy here, on this wrapper, while
    the database is still as the migrations left it (the other tests rolled back; the
    transactional ones run after these)."""
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            wrapper = connections[alias]
            if not hasattr(wrapper, "_test_serialized_contents"):
                wrapper._test_serialized_contents = wrapper.creation.serialize_db_to_string()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not _chromium_available():
        pytest.fail(f"E2E_REQUIRED is set but there is no Chromium at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def save_screenshot(page, name: str) -> Path:
    """Save a full-page screenshot of `page` under test-artifacts/screenshots/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-artifacts/screenshots/ (ignored by git)."""

    def take(name: str) -> Path:
        return save_screenshot(page, name)

    return take


def sign_in(page, base: str, username: str, password: str, landing: str | None = None) -> None:
    """Sign in through the login form and wait for the page the portal lands on.

    `landing` is a URL path (e.g. "/provinces/SU/"); without it, waiting for any page but the
    login form."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if landing:
        page.wait_for_url(f"{base}{landing}")
    else:
        page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def demo_data(live_server):
    """The demo registry (482 groups, ~3,000 members, 9 cooperatives) and the demo accounts,
    committed so that the live server sees them."""
    from django.core.management import call_command

    from rmp_portal.devdata.demo import DEMO_PASSWORD

    call_command("load_demo_data", force=True, stdout=io.StringIO())
    return DEMO_PASSWORD
