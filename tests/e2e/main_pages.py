"""The portal's main pages, on the demo data, and a walk through them in a real browser: one
browser context per user, signed in once."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cooperatives.models import Cooperative
from members.models import Member
from tests.e2e.conftest import sign_in

MANAGER = "manager"  # programme-wide manager of the demo data
OFFICER = "officer-devashtich"  # field officer of Devashtich (Sughd), where Guncha is


@dataclass(frozen=True)
class MainPage:
    name: str
    user: str | None  # None: not signed in
    path: str
    is_form: bool = False


def main_pages() -> list[MainPage]:
    """Every main page of the portal, on the demo data (load it first). Records pages show the
    cooperative Guncha, one of its groups and that group's leader, as the field officer of
    their district sees them (with the edit buttons)."""
    guncha = Cooperative.objects.get(name="Guncha")
    group = guncha.memberships.order_by("group__code").first().group
    leader = Member.objects.current().get(group=group, role="leader")
    return [
        MainPage("login", None, "/accounts/login/"),
        MainPage("programme-dashboard", MANAGER, "/"),
        MainPage("province-dashboard", MANAGER, "/provinces/SU/"),
        MainPage("groups-registry", MANAGER, "/groups/"),
        MainPage("members-registry", MANAGER, "/members/"),
        MainPage("cooperatives-registry", MANAGER, "/cooperatives/"),
        MainPage("my-work", OFFICER, "/my-work/"),
        MainPage("choose-group", OFFICER, "/members/add/"),
        MainPage("group-page", OFFICER, f"/groups/{group.code}/"),
        MainPage("member-page", OFFICER, f"/members/{leader.pk}/"),
        MainPage("cooperative-page", OFFICER, f"/cooperatives/{guncha.pk}/"),
        MainPage("member-form", OFFICER, f"/members/new/?group={group.code}", is_form=True),
        MainPage("member-edit-form", OFFICER, f"/members/{leader.pk}/edit/", is_form=True),
        MainPage("group-form", OFFICER, "/groups/new/", is_form=True),
        MainPage("group-edit-form", OFFICER, f"/groups/{group.code}/edit/", is_form=True),
        MainPage("cooperative-form", OFFICER, "/cooperatives/new/", is_form=True),
    ]


@contextmanager
def signed_in(browser, base: str, user: str | None, password: str, **context_args) -> Iterator:
    context = browser.new_context(**context_args)
    try:
        page = context.new_page()
        if user:
            sign_in(page, base, user, password)
        yield page
    finally:
        context.close()


def walk(
    browser,
    base: str,
    password: str,
    visit: Callable,
    pages: list[MainPage] | None = None,
    **context_args,
) -> None:
    """Open each main page (signed in as its user) and call `visit(page, main_page)`."""
    pages = main_pages() if pages is None else pages
    users = list(dict.fromkeys(p.user for p in pages))
    for user in users:
        with signed_in(browser, base, user, password, **context_args) as page:
            for main_page in (p for p in pages if p.user == user):
                response = page.goto(f"{base}{main_page.path}")
                assert response.status == 200, f"{main_page.name}: HTTP {response.status}"
                visit(page, main_page)
