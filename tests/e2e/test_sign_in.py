from tests.factories import PASSWORD, field_officer


def test_an_officer_signs_in_and_out(live_server, page, screenshot):
    field_officer("Devashtich", username="officer-devashtich")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    screenshot("login-desktop")
    page.get_by_label("Username").fill("officer-devashtich")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # A field officer lands on "My work": their groups and their recent changes.
    page.wait_for_url(f"{live_server.url}/my-work/")
    assert (
        page.get_by_role("button", name="officer-devashtich").count()
        + page.get_by_text("officer-devashtich").count()
    )
    page.get_by_text("officer-devashtich").first.click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def test_a_wrong_password_shows_a_clear_message(live_server, page):
    field_officer("Devashtich", username="officer-devashtich")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("officer-devashtich")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("Please enter a correct username")
