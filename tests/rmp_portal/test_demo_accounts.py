"""The demo accounts see exactly what the README's table says."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from groups.models import SelfHelpGroup
from members.models import Member
from rmp_portal.devdata.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo_data", force=True, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def sign_in(client, username):
    response = client.post(
        "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    return response


def total(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["paginator"].count


@pytest.mark.parametrize(
    "username, groups, lands_on",
    [
        ("admin", 482, "/"),
        ("manager", 482, "/"),
        ("manager-sughd", 199, "/provinces/SU/"),
        ("manager-rasht", 283, "/provinces/RA/"),
        ("officer-devashtich", 199, "/my-work/"),
        ("officer-rasht", 283, "/my-work/"),
    ],
)
def test_each_account_signs_in_and_reads_its_registry(client, demo, username, groups, lands_on):
    response = sign_in(client, username)
    assert response.redirect_chain[-1][0] == lands_on
    assert total(client, "/groups/?district=") == groups  # all districts they may read
    # An officer's registry opens on their own districts; everyone else's on all of them.
    opens_on = groups
    if username.startswith("officer"):
        districts = response.wsgi_request.user.staff_profile.districts.all()
        opens_on = SelfHelpGroup.objects.filter(district__in=districts).count()
    assert total(client, "/groups/") == opens_on


def test_the_devashtich_officer_changes_devashtich_only(client, demo):
    sign_in(client, "officer-devashtich")
    own = SelfHelpGroup.objects.filter(district__name="Devashtich").first()
    other = SelfHelpGroup.objects.filter(district__name="Asht").first()
    rasht = SelfHelpGroup.objects.filter(district__province__code="RA").first()
    assert client.get(f"/groups/{own.code}/edit/").status_code == 200
    assert client.get(f"/groups/{other.code}/edit/").status_code == 404
    assert client.get(f"/groups/{other.code}/").status_code == 200
    assert client.get(f"/groups/{rasht.code}/").status_code == 404
    # Personal data of the rest of Sughd is left out.
    member = Member.objects.filter(group=other).exclude(phone="").first()
    assert member.phone not in client.get(f"/members/{member.pk}/").content.decode()


def test_managers_change_nothing(client, demo):
    sign_in(client, "manager")
    group = SelfHelpGroup.objects.first()
    assert client.get(f"/groups/{group.code}/").status_code == 200
    assert client.get(f"/groups/{group.code}/edit/").status_code == 404
    assert client.get("/groups/new/").status_code == 403
    assert client.get("/cooperatives/new/").status_code == 403


def test_the_programme_manager_sees_the_published_figures(client, demo):
    sign_in(client, "manager")
    assert total(client, "/members/?status=current&sex=F") == 2884
    assert total(client, "/members/?status=current&sex=M") == 71
    assert total(client, "/groups/?as_of=2011-09-30") == 178
    assert total(client, "/members/?status=current&as_of=2011-09-30") == 1049


def test_the_analyst_account_reads_figures_and_no_record(client, demo):
    response = sign_in(client, "analyst")
    assert response.redirect_chain[-1][0] == "/"
    assert "482" in response.content.decode()  # the programme's groups, as a figure
    assert client.get("/groups/").status_code == 403
    assert client.get("/members/").status_code == 403
