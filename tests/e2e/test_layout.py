"""Every main page at desktop and phone size (360 x 740): a screenshot of each in
test-artifacts/screenshots/, and on a phone no sideways scrolling of the page itself (wide
tables scroll inside their .table-responsive box), the navigation collapsed behind a menu
button, and form fields as wide as the screen allows."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, save_screenshot, sign_in
from tests.e2e.main_pages import main_pages, walk

# A field on a phone fills the width: the screen less the page's, card's and border's padding.
MIN_FIELD_SHARE = 0.8

FIELDS = (
    "main form input:not([type=hidden]):not([type=checkbox]):not([type=radio]),"
    " main form select, main form textarea"
)


def overflowing_elements(page, width: int) -> list[str]:
    """What sticks out past the right edge of the screen (outside scrolling boxes)."""
    return page.evaluate(
        """(width) => {
          const out = [];
          for (const el of document.querySelectorAll("body *")) {
            if (el.closest(".table-responsive")) continue;
            const box = el.getBoundingClientRect();
            if (box.width && box.right > width + 0.5) {
              out.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} right=${box.right}`);
            }
          }
          return out.slice(0, 10);
        }""",
        width,
    )


def check_phone_layout(page, main_page) -> None:
    width = PHONE["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, (
        f"{main_page.name} scrolls sideways ({scroll_width}px): {overflowing_elements(page, width)}"
    )
    if main_page.user:
        # The navigation collapses behind a menu button, which opens it.
        toggler = page.locator(".navbar-toggler")
        expect(toggler).to_be_visible()
        expect(page.locator("#main-nav")).to_be_hidden()
        if main_page.name in ("programme-dashboard", "group-page"):
            toggler.click()
            expect(page.locator("#main-nav.collapse.show")).to_be_visible()
            expect(page.locator("#main-nav").get_by_role("link", name="Members")).to_be_visible()
            expect(page.locator("#language-select")).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            toggler.click()
            expect(page.locator("#main-nav")).to_be_hidden()
    if main_page.is_form:
        fields = page.locator(FIELDS)
        assert fields.count() >= 3, f"{main_page.name}: no form fields found"
        for index in range(fields.count()):
            field = fields.nth(index)
            if not field.is_visible():
                continue
            box = field.bounding_box()
            name = field.get_attribute("name")
            assert box["width"] >= MIN_FIELD_SHARE * width, (
                f"{main_page.name}: field {name} is {box['width']:.0f}px wide on a {width}px screen"
            )
            assert box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_main_pages_fit_the_screen(live_server, browser, demo_data, viewport):
    tag = "desktop" if viewport == DESKTOP else "phone"
    seen = []

    def visit(page, main_page):
        seen.append(main_page.name)
        save_screenshot(page, f"page-{main_page.name}-{tag}")
        if viewport == PHONE:
            check_phone_layout(page, main_page)
        else:
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            # The full navigation is shown, no menu button.
            if main_page.user:
                expect(page.locator(".navbar-toggler")).to_be_hidden()
                expect(page.locator("#main-nav")).to_be_visible()

    walk(browser, live_server.url, demo_data, visit, viewport=viewport)
    assert seen == [p.name for p in main_pages()]


@pytest.mark.parametrize(
    ("viewport", "folded"), [(DESKTOP, False), (PHONE, True)], ids=["desktop", "phone"]
)
def test_registry_filters_start_folded_on_a_phone(live_server, page, demo_data, viewport, folded):
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "manager", demo_data)
    page.goto(f"{live_server.url}/members/?sex=F")
    assert page.evaluate("document.querySelector('details.filters').open") is not folded
    expect(page.locator("#registry-total")).to_be_visible()
    if folded:
        page.get_by_text("Search and filter").click()
        expect(page.get_by_label("Search")).to_be_visible()
