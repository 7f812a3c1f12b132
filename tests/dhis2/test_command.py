"""`manage.py dhis2_export`: the file, and sending to a (fake) DHIS2, a dry run first."""

import base64
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.dhis2.conftest import CONFLICT, PASSWORD, USERNAME, closed_port

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("dhis2_export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args) -> str:
    with pytest.raises(CommandError) as error:
        run(*args)
    return str(error.value)


def test_it_writes_the_payload_to_the_file(registry, codes, tmp_path):
    target = tmp_path / "q3.json"
    out, err = run("--period", "2026Q3", "--out", str(target))
    written = json.loads(target.read_text(encoding="utf-8"))
    assert len(written["dataValues"]) == 18
    assert {
        "dataElement": "RMP_MEMBERS",
        "period": "2026Q3",
        "orgUnit": "OU_DEV",
        "categoryOptionCombo": "FEMALE",
        "value": "4",
    } in written["dataValues"]
    assert f"18 data values for 2026Q3 written to {target}." in out
    assert "Left out, no DHIS2 org unit code:" in err


def test_without_out_it_writes_a_file_named_after_the_period(
    registry, codes, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    run("--period", "202608")
    written = json.loads((tmp_path / "dhis2-202608.json").read_text(encoding="utf-8"))
    assert {v["period"] for v in written["dataValues"]} == {"202608"}


def test_out_dash_prints_the_payload(registry, codes):
    out, _err = run("--period", "2026Q3", "--out", "-")
    assert len(json.loads(out)["dataValues"]) == 18


@pytest.mark.parametrize(
    ("period", "message"),
    [("2026-Q3", "is not a DHIS2 period"), ("2026Q4", "has not ended yet")],
)
def test_a_bad_period_is_a_clear_error(db, period, message, tmp_path):
    assert message in refused("--period", period, "--out", str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()


def test_force_without_send_is_refused(db):
    assert "go with --send" in refused("--period", "2026Q3", "--force")


def test_send_makes_a_dry_run_with_codes_then_the_real_send(registry, codes, dhis2):
    out, _err = run("--period", "2026Q3", "--send")
    assert [r["query"]["dryRun"] for r in dhis2.received] == [["true"], ["false"]]
    for request in dhis2.received:
        assert request["path"] == "/api/dataValueSets"
        assert request["query"]["idScheme"] == ["CODE"]
        assert request["query"]["dataElementIdScheme"] == ["CODE"]
        assert request["query"]["orgUnitIdScheme"] == ["CODE"]
        assert len(request["body"]["dataValues"]) == 18
    assert dhis2.received[0]["body"] == dhis2.received[1]["body"]
    lines = out.splitlines()
    assert lines[0] == "Dry run: SUCCESS; imported 18, updated 0, ignored 0, deleted 0."
    assert lines[1] == "Sent: SUCCESS; imported 18, updated 0, ignored 0, deleted 0."


def test_send_with_out_writes_the_file_too(registry, codes, dhis2, tmp_path):
    run("--period", "2026Q3", "--send", "--out", str(tmp_path / "sent.json"))
    written = json.loads((tmp_path / "sent.json").read_text(encoding="utf-8"))
    assert written == dhis2.received[-1]["body"]


def test_conflicts_in_the_dry_run_are_shown_and_stop_the_send(registry, codes, dhis2):
    dhis2.conflicts_on_dry_run = True
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as error:
        call_command("dhis2_export", "--period", "2026Q3", "--send", stdout=out, stderr=err)
    assert "Not sent: the dry run reported conflicts" in str(error.value)
    assert "--force" in str(error.value)
    shown = out.getvalue()
    assert "Dry run: WARNING; imported 17, updated 0, ignored 1, deleted 0." in shown
    assert "Conflicts: 1." in shown
    assert f"- {CONFLICT['object']}: {CONFLICT['value']}" in shown
    assert [r["query"]["dryRun"] for r in dhis2.received] == [["true"]]


def test_force_sends_despite_conflicts(registry, codes, dhis2):
    dhis2.conflicts_on_dry_run = True
    out, _err = run("--period", "2026Q3", "--send", "--force")
    assert [r["query"]["dryRun"] for r in dhis2.received] == [["true"], ["false"]]
    assert "Sent: SUCCESS; imported 18" in out


def test_dry_run_only_sends_nothing_for_real(registry, codes, dhis2):
    out, _err = run("--period", "2026Q3", "--send", "--dry-run-only")
    assert [r["query"]["dryRun"] for r in dhis2.received] == [["true"]]
    assert out.splitlines()[-1] == "Dry run only: nothing was sent."


def test_the_summary_of_dhis2_before_2_38_is_read_too(registry, codes, dhis2):
    dhis2.legacy = True
    out, _err = run("--period", "2026Q3", "--send")
    assert "Sent: SUCCESS; imported 18" in out


def test_it_sends_the_configured_basic_auth(registry, codes, dhis2):
    run("--period", "2026Q3", "--send", "--dry-run-only")
    sent = dhis2.received[0]["authorization"]
    assert base64.b64decode(sent.removeprefix("Basic ")).decode() == f"{USERNAME}:{PASSWORD}"


def test_a_wrong_password_is_a_clear_error(registry, codes, dhis2, settings):
    settings.DHIS2_PASSWORD = "wrong"
    message = refused("--period", "2026Q3", "--send")
    assert "DHIS2 refused the user name or password (HTTP 401)" in message
    assert len(dhis2.received) == 1


def test_an_unreachable_dhis2_is_a_clear_error(registry, codes, settings):
    port = closed_port()
    settings.DHIS2_URL = f"http://127.0.0.1:{port}"
    message = refused("--period", "2026Q3", "--send")
    assert f"DHIS2 could not be reached at http://127.0.0.1:{port}" in message


def test_a_slow_dhis2_times_out_with_a_clear_error(registry, codes, dhis2, settings):
    settings.DHIS2_TIMEOUT = 0.3
    dhis2.delay = 1
    message = refused("--period", "2026Q3", "--send")
    assert "DHIS2 did not answer within 0.3 seconds (DHIS2_TIMEOUT)" in message


def test_an_answer_that_is_not_json_is_a_clear_error(registry, codes, dhis2):
    dhis2.html = True
    message = refused("--period", "2026Q3", "--send")
    assert "DHIS2 did not answer with an import summary (not JSON" in message
    assert len(dhis2.received) == 1


def test_a_wrong_path_is_a_clear_error(registry, codes, dhis2, settings):
    settings.DHIS2_URL = dhis2.url + "/dhis"
    assert "DHIS2 answered HTTP 404." in refused("--period", "2026Q3", "--send")


def test_without_a_url_only_files_are_written(registry, codes, settings):
    settings.DHIS2_URL = ""
    assert "DHIS2_URL is not set" in refused("--period", "2026Q3", "--send")


def test_the_help_describes_the_options():
    from rmp_portal.dhis2.management.commands.dhis2_export import Command

    text = Command().create_parser("manage.py", "dhis2_export").format_help()
    assert "--dry-run-only" in text
    assert "With --send: send even if the dry run reports conflicts." in " ".join(text.split())
