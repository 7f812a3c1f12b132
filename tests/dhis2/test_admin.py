"""DHIS2 in Django admin: the codes, and an export's actions (download, dry run, send) with
what DHIS2 answered kept on the export."""

import json

import pytest
from django.urls import reverse

from rmp_portal.dhis2.models import CategoryOptionCombo, DataElement, Export, OrgUnit
from tests.dhis2.conftest import CONFLICT, closed_port
from tests.factories import district

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:dhis2_export_changelist"


def act(client, action: str, *exports: Export, follow=True):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [e.pk for e in exports]},
        follow=follow,
    )


def shown(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def export(admin_user):
    return Export.objects.create(period="2026Q3", created_by=admin_user)


def test_an_export_is_added_by_choosing_its_period(admin_client, admin_user):
    response = admin_client.post(reverse("admin:dhis2_export_add"), {"period": "2026Q3"})
    assert response.status_code == 302
    export = Export.objects.get()
    assert (export.period, export.created_by, export.outcome) == ("2026Q3", admin_user, "new")


@pytest.mark.parametrize(
    ("period", "message"), [("2026-09", "is not a DHIS2 period"), ("2026Q4", "has not ended")]
)
def test_a_bad_period_is_refused_on_the_form(admin_client, period, message):
    response = admin_client.post(reverse("admin:dhis2_export_add"), {"period": period})
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["period"])
    assert not Export.objects.exists()


def test_download_payload_gives_the_json_file(admin_client, registry, codes, export):
    response = act(admin_client, "download_payload", export, follow=False)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="dhis2-2026Q3.json"'
    data = json.loads(response.content)
    assert len(data["dataValues"]) == 18
    assert {
        "dataElement": "RMP_GROUPS",
        "period": "2026Q3",
        "orgUnit": "OU_DEV",
        "categoryOptionCombo": "default",
        "value": "2",
    } in data["dataValues"]


def test_download_needs_exactly_one_export(admin_client, export):
    other = Export.objects.create(period="202608")
    response = act(admin_client, "download_payload", export, other)
    assert "Choose one export to download its payload." in shown(response)


def test_dry_run_stores_dhis2s_summary_and_imports_nothing(
    admin_client, registry, codes, dhis2, export
):
    response = act(admin_client, "dry_run", export)
    assert [r["query"]["dryRun"] for r in dhis2.received] == [["true"]]
    assert dhis2.received[0]["query"]["idScheme"] == ["CODE"]
    export.refresh_from_db()
    assert export.outcome == Export.Outcome.DRY_RUN
    assert (export.values, export.imported, export.ignored, export.dhis2_status) == (
        18,
        18,
        0,
        "SUCCESS",
    )
    assert "Isfara" in export.left_out
    assert any(
        m.startswith("2026Q3: Dry run: SUCCESS; imported 18, updated 0") for m in shown(response)
    )


def test_send_makes_the_dry_run_then_the_real_send(admin_client, registry, codes, dhis2, export):
    act(admin_client, "send", export)
    assert [r["query"]["dryRun"] for r in dhis2.received] == [["true"], ["false"]]
    export.refresh_from_db()
    assert (export.outcome, export.imported, export.conflicts) == ("sent", 18, [])
    assert "Sent: SUCCESS; imported 18" in export.message


def test_conflicts_stop_the_send_and_are_shown_on_the_export(
    admin_client, registry, codes, dhis2, export
):
    dhis2.conflicts_on_dry_run = True
    response = act(admin_client, "send", export)
    assert [r["query"]["dryRun"] for r in dhis2.received] == [["true"]]
    export.refresh_from_db()
    assert export.outcome == Export.Outcome.CONFLICTS
    assert export.conflicts == [CONFLICT]
    assert (export.imported, export.ignored, export.dhis2_status) == (17, 1, "WARNING")
    assert any("Not sent: the dry run found problems." in m for m in shown(response))
    page = admin_client.get(reverse("admin:dhis2_export_change", args=[export.pk]))
    assert "XYZ: Data element not found" in page.content.decode()
    assert "dry run with conflicts: not sent" in page.content.decode()


def test_send_anyway_sends_despite_conflicts(admin_client, registry, codes, dhis2, export):
    dhis2.conflicts_on_dry_run = True
    act(admin_client, "send_anyway", export)
    assert [r["query"]["dryRun"] for r in dhis2.received] == [["true"], ["false"]]
    export.refresh_from_db()
    assert export.outcome == Export.Outcome.SENT


def test_a_failure_is_a_message_and_is_kept_not_a_server_error(
    admin_client, registry, codes, dhis2, export, settings
):
    settings.DHIS2_PASSWORD = "wrong"
    response = act(admin_client, "send", export)
    assert response.status_code == 200
    assert any("DHIS2 refused the user name or password (HTTP 401)" in m for m in shown(response))
    export.refresh_from_db()
    assert export.outcome == Export.Outcome.FAILED
    assert "HTTP 401" in export.message


def test_an_unreachable_dhis2_is_a_message(admin_client, registry, codes, export, settings):
    settings.DHIS2_URL = f"http://127.0.0.1:{closed_port()}"
    response = act(admin_client, "dry_run", export)
    assert any("DHIS2 could not be reached" in m for m in shown(response))
    export.refresh_from_db()
    assert export.outcome == Export.Outcome.FAILED


def test_an_org_unit_code_is_set_on_the_changelist(admin_client, registry, dhis2, export):
    unit = OrgUnit.objects.get(district=district("Rasht"))
    response = admin_client.get(reverse("admin:dhis2_orgunit_changelist"), {"q": "Rasht"})
    assert response.status_code == 200
    units = list(response.context["cl"].result_list)
    form = {
        "form-TOTAL_FORMS": len(units),
        "form-INITIAL_FORMS": len(units),
        "_save": "Save",
    }
    for index, row in enumerate(units):
        form[f"form-{index}-district"] = row.pk
        form[f"form-{index}-code"] = "OU_RASHT" if row.pk == unit.pk else ""
    admin_client.post(reverse("admin:dhis2_orgunit_changelist") + "?q=Rasht", form)
    unit.refresh_from_db()
    assert unit.code == "OU_RASHT"
    act(admin_client, "dry_run", export)
    assert {v["orgUnit"] for v in dhis2.received[0]["body"]["dataValues"]} == {"OU_RASHT"}


def test_a_data_element_code_is_changed_on_its_page(admin_client):
    element = DataElement.objects.get(figure="cooperatives")
    url = reverse("admin:dhis2_dataelement_change", args=[element.pk])
    page = admin_client.get(url)
    assert "Cooperatives" in page.content.decode()
    admin_client.post(url, {"code": "COOP_COUNT"})
    element.refresh_from_db()
    assert element.code == "COOP_COUNT"
    # The set of figures is fixed: none is added or deleted in admin.
    assert admin_client.get(reverse("admin:dhis2_dataelement_add")).status_code == 403


@pytest.mark.parametrize(
    ("model", "may_add"),
    [(OrgUnit, True), (DataElement, False), (CategoryOptionCombo, False), (Export, True)],
)
def test_every_page_of_the_codes_and_exports_answers(admin_client, export, model, may_add):
    name = f"admin:dhis2_{model._meta.model_name}"
    changelist = admin_client.get(reverse(f"{name}_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1
    assert admin_client.get(reverse(f"{name}_add")).status_code == (200 if may_add else 403)
    obj = model.objects.first()
    assert admin_client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200
