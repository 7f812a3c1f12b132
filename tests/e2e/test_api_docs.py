"""The API's documentation page (Swagger UI, from the vendored sidecar files) works in a
real browser under the portal's Content-Security-Policy: every endpoint is listed, and no
script is refused."""

from tests.factories import PASSWORD, manager


def test_swagger_ui_lists_the_endpoints_under_the_csp(live_server, page):
    manager("SU", username="manager-sughd")
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "script-src" in message.text or "Refused to load" in message.text
            else None
        ),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("manager-sughd")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/provinces/SU/")

    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".opblock-summary-path").first.wait_for()

    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert {"/api/v1/groups/", "/api/v1/members/", "/api/v1/figures/"} <= {
        p.replace("\u200b", "") for p in paths
    }
    assert refused == []
