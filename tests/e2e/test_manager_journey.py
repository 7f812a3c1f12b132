"""A manager's drill-down, in a real browser: from a figure on the province dashboard to the
registry filtered to exactly the records it counts, then the same rows as an XLSX file."""

import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from members.models import Member
from tests.e2e.conftest import DESKTOP, PHONE, save_screenshot, sign_in


def number(text: str) -> int:
    """ "1,234 members" -> 1234 (thousands separators of any language dropped)."""
    match = re.search(r"\d[\d\s,.\u00a0\u202f]*", text)
    assert match, f"no number in {text!r}"
    return int(re.sub(r"\D", "", match.group()))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_manager_drills_from_a_dashboard_figure_to_the_registry_and_its_export(
    live_server, page, demo_data, viewport, tmp_path
):
    page.set_viewport_size(viewport)
    tag = "desktop" if viewport == DESKTOP else "phone"
    base = live_server.url
    sign_in(page, base, "manager-sughd", demo_data, landing="/provinces/SU/")

    page.goto(f"{base}/provinces/SU/")
    figure = page.locator("#figure-women a[data-figure]")
    expect(figure).to_be_visible()
    women = number(figure.inner_text())
    expected = (
        Member.objects.current_on(timezone.localdate())
        .filter(sex="F", group__district__province__code="SU")
        .count()
    )
    assert women == expected > 0

    figure.click()
    page.wait_for_url(re.compile(r".*/members/\?.+"))
    total = page.locator("#registry-total")
    expect(total).to_contain_text("members")
    assert number(total.inner_text()) == women
    save_screenshot(page, f"drilldown-women-{tag}")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download XLSX").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert header[:2] == ("Name", "Sex")
    assert len(data) == women
    assert {str(row[1]).casefold() for row in data} == {"female"}
