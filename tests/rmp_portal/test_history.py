"""The history of every record: who changed which field from what to what, on the member,
cooperative and group pages (a cooperative's groups joining and leaving included), in the
reader's language, within the reader's scope, at a constant number of queries; changes made
by load_demo_data are attributed to it; Django admin shows the history and records deletions;
nothing is deleted from the portal."""

import datetime
import inspect
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.views.generic.edit import DeletionMixin

from cooperatives import services as cooperative_services
from cooperatives.models import Cooperative, CooperativeMembership
from groups.models import ActivityType, SelfHelpGroup
from members import services as member_services
from members.models import Member
from rmp_portal.devdata.demo import CHANGE_REASON
from tests.factories import (
    CooperativeFactory,
    CooperativeMembershipFactory,
    GroupFactory,
    MemberFactory,
    district,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2021, 3, 8)


def activity(name: str) -> ActivityType:
    return ActivityType.objects.get(name=name)


def history_of(client, url: str, heading_id: str = "history-heading") -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def member_history(client, member) -> str:
    return history_of(client, f"/members/{member.pk}/", "changes-heading")


def edit_member(member, user, **changes) -> None:
    data = {name: getattr(member, name) for name in member_services.EDITABLE_FIELDS} | changes
    member.refresh_from_db()
    member_services.member_update(
        member=member, user=user, data=data, version=member.updated_at.isoformat()
    )


@pytest.fixture
def group(db):
    return GroupFactory(name="Bonuvoni Yakhtan")


@pytest.fixture
def member(group):
    return MemberFactory(
        group=group,
        surname="Rahimova",
        given_name="Gulnora",
        patronymic="Saidovna",
        phone="+992 92 111 1111",
        birth_year=1975,
    )


# The member page -------------------------------------------------------------------------


def test_the_member_page_shows_who_changed_which_field_from_what_to_what(client, officer, member):
    edit_member(member, officer, skills="Sewing", migration_link="returnee")
    client.force_login(officer)

    history = member_history(client, member)

    assert "Skills and professional interests: <del>—</del> → <ins>Sewing</ins>" in history
    assert "Migration link: <del>none</del> → <ins>returned migrant</ins>" in history
    assert "· Changed · officer" in history
    assert "· Created ·" in history


def test_a_member_moved_to_another_group_shows_both_groups_by_name(client, officer, member):
    other = GroupFactory(name="Mehrangez")
    member.group = other
    member.save()
    client.force_login(officer)

    history = member_history(client, member)

    assert (
        f"Group: <del>{member_group_label(member, 'Bonuvoni Yakhtan')}</del> → "
        f"<ins>{other.code} Mehrangez</ins>"
    ) in history


def member_group_label(member, name: str) -> str:
    first = member.history.earliest("history_date")
    return f"{SelfHelpGroup.objects.get(pk=first.group_id).code} {name}"


def test_personal_data_changes_are_named_but_not_shown_outside_the_officers_districts(
    client, officer, officer_same_province, member
):
    edit_member(member, officer, phone="+992 92 222 2222", birth_year=1976, skills="Sewing")

    client.force_login(officer)
    own = member_history(client, member)
    client.force_login(officer_same_province)
    other = member_history(client, member)

    # Numbers as stored (E.164, rmp_portal.core.phones).
    assert "Phone: <del>+992921111111</del> → <ins>+992922222222</ins>" in own
    assert "Birth year: <del>1975</del> → <ins>1976</ins>" in own
    assert "Phone: <span" in other and "Birth year: <span" in other
    for secret in ("1111111", "2222222", "1975", "1976", "Saidovna"):
        assert secret not in other
    assert "Skills and professional interests: <del>—</del> → <ins>Sewing</ins>" in other


def test_the_role_timeline_and_the_field_history_agree(client, officer, member):
    member_services.member_make_leader(member=member, user=officer)
    member_services.member_leave(member=member, user=officer, left_on=DAY)
    client.force_login(officer)

    history = member_history(client, member)

    assert "Role: <del>member</del> → <ins>leader</ins>" in history
    assert "Left on: <del>—</del> → <ins>03/08/2021</ins>" in history


def test_labels_and_values_follow_the_readers_language(client, officer, member, monkeypatch):
    # No project catalogue is needed to show that labels are translated when the page is
    # drawn: a label that reads differently in Russian.
    field = Member._meta.get_field("skills")
    label = lazy(lambda: "навыки" if get_language() == "ru" else "skills", str)()
    monkeypatch.setattr(field, "verbose_name", label)
    edit_member(member, officer, skills="Sewing", head_of_household=True, joined_on=DAY)
    client.force_login(officer)

    russian = client.get(f"/members/{member.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    english = member_history(client, member)

    assert "Навыки: <del>—</del> → <ins>Sewing</ins>" in russian
    assert "<del>нет</del> → <ins>да</ins>" in russian  # Django's own catalogue
    assert "<del>01.03.2012</del> → <ins>08.03.2021</ins>" in russian
    assert "Skills: <del>—</del> → <ins>Sewing</ins>" in english
    assert "<del>no</del> → <ins>yes</ins>" in english


def test_the_member_page_is_not_found_outside_the_readers_provinces(
    client, officer_other_province, member
):
    edit_member(member, officer_other_province, skills="Sewing")
    client.force_login(officer_other_province)

    response = client.get(f"/members/{member.pk}/")

    assert response.status_code == 404
    assert "Sewing" not in response.content.decode()


# The cooperative page --------------------------------------------------------------------


@pytest.fixture
def guncha(officer):
    groups = GroupFactory.create_batch(3)
    groups[0].name = "Guncha-1"
    groups[0].save()
    leader = MemberFactory(group=groups[0], surname="Usmonova", given_name="Rukhsora")
    return cooperative_services.cooperative_form(
        user=officer,
        groups=groups,
        name="Guncha",
        district=district("Devashtich"),
        formed_on=datetime.date(2015, 6, 1),
        branches=[activity("Lemon cultivation")],
        director=leader,
    )


def test_the_cooperative_page_shows_its_changes_and_its_groups_joining_and_leaving(
    client, officer, guncha
):
    membership = guncha.memberships.select_related("group").get(group__name="Guncha-1")
    cooperative_services.group_leave_cooperative(user=officer, membership=membership, left_on=DAY)
    late = GroupFactory(name="Latecomer")
    cooperative_services.group_join_cooperative(
        user=officer, group=late, cooperative=guncha, joined_on=DAY
    )
    client.force_login(officer)

    history = history_of(client, f"/cooperatives/{guncha.pk}/")

    code = membership.group.code
    assert f"Group in the cooperative: {code} Guncha-1" in history
    assert "Left on: <del>—</del> → <ins>03/08/2021</ins>" in history
    assert f"Group in the cooperative: {late.code} Latecomer" in history
    assert "Joined on: 03/08/2021" in history
    # Leaving took the director with her group.
    assert "Director: <del>Usmonova Rukhsora</del> → <ins>—</ins>" in history
    assert "Business branches: <del>—</del> → <ins>Lemon cultivation</ins>" in history


def test_the_director_is_named_without_her_patronymic(client, officer, guncha):
    client.force_login(officer)

    history = history_of(client, f"/cooperatives/{guncha.pk}/")

    assert "Director: <del>—</del> → <ins>Usmonova Rukhsora</ins>" in history
    assert "Saidovna" not in history


def test_branch_changes_are_listed_by_name(client, officer, guncha):
    guncha.branches.add(activity("Dairy processing"))
    client.force_login(officer)

    history = history_of(client, f"/cooperatives/{guncha.pk}/")

    assert (
        "Business branches: <del>Lemon cultivation</del> → "
        "<ins>Dairy processing, Lemon cultivation</ins>"
    ) in history


def test_the_cooperative_page_is_not_found_outside_the_readers_provinces(
    client, officer_other_province, guncha
):
    client.force_login(officer_other_province)
    assert client.get(f"/cooperatives/{guncha.pk}/").status_code == 404


# The group page --------------------------------------------------------------------------


def test_the_group_page_shows_activity_changes_and_its_cooperatives(client, officer, group):
    group.activities.set([activity("Sewing and quilts (kurpa)")])
    group.activities.set([activity("Sewing and quilts (kurpa)"), activity("Beekeeping")])
    first = CooperativeFactory(name="Old coop")
    CooperativeMembership.objects.create(
        cooperative=first, group=group, joined_on=datetime.date(2013, 1, 1)
    )
    cooperative_services.group_leave_cooperative(
        user=officer, membership=group.cooperative_memberships.get(), left_on=DAY
    )
    client.force_login(officer)

    history = history_of(client, f"/groups/{group.code}/")

    assert (
        "Activities: <del>Sewing and quilts (kurpa)</del> → "
        "<ins>Beekeeping, Sewing and quilts (kurpa)</ins>"
    ) in history
    assert "Cooperative membership: Old coop" in history
    assert "Left on: <del>—</del> → <ins>03/08/2021</ins>" in history


def test_a_save_that_changes_nothing_visible_is_not_listed(client, officer, group):
    group.activities.set([activity("Sewing and quilts (kurpa)")])
    group.save()  # only updated_at changes
    group.activities.set([activity("Sewing and quilts (kurpa)")])  # the same links
    client.force_login(officer)

    history = history_of(client, f"/groups/{group.code}/")

    assert history.count('<li class="border-start') == 2  # created, then Sewing added


# A constant number of queries ------------------------------------------------------------


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_cost_the_same_queries_for_a_short_and_a_long_history(client, officer, guncha):
    group = guncha.memberships.select_related("group").first().group
    member = MemberFactory(group=group)

    def change(n: int, name: str) -> None:
        """One more change of every kind the pages show."""
        edit_member(member, officer, skills=f"Skill {n}", phone=f"+992 92 000 000{n}")
        group.activities.add(activity(name))
        guncha.branches.add(activity(name))
        guncha.description = f"Version {n}"
        guncha.save()
        joined = CooperativeMembershipFactory(
            cooperative=guncha, group=GroupFactory(), joined_on=datetime.date(2016, 1, 1)
        )
        cooperative_services.group_leave_cooperative(user=officer, membership=joined, left_on=DAY)

    change(0, "Embroidery")
    client.force_login(officer)
    urls = [f"/members/{member.pk}/", f"/cooperatives/{guncha.pk}/", f"/groups/{group.code}/"]
    for url in urls:
        client.get(url)  # the session is saved on the first request after signing in
    short = [queries(client, url) for url in urls]

    for n, name in enumerate(["Beekeeping", "Poultry", "Dairy processing", "Services"], 1):
        change(n, name)

    assert [queries(client, url) for url in urls] == short


# Changes by load_demo_data ---------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo_data", force=True, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_every_history_row_of_the_demo_names_the_command(demo):
    admin = get_user_model().objects.get(username="admin")
    for model in (SelfHelpGroup, Member, Cooperative, CooperativeMembership):
        rows = model.history.all()
        assert rows.filter(history_type="~").exists() or model is not Cooperative
        assert rows.exists(), model
        assert not rows.exclude(history_change_reason=CHANGE_REASON).exists(), model
        assert not rows.exclude(history_user=admin).exists(), model


def test_the_demo_pages_show_the_command_as_the_reason(demo, client):
    client.force_login(get_user_model().objects.get(username="manager"))
    member = Member.objects.order_by("pk").first()
    cooperative = Cooperative.objects.get(name__startswith="Guncha")

    for html in (
        member_history(client, member),
        history_of(client, f"/cooperatives/{cooperative.pk}/"),
        history_of(client, f"/groups/{member.group.code}/"),
    ):
        assert f'· admin <span class="text-muted">({CHANGE_REASON})</span>' in html


# Django admin ----------------------------------------------------------------------------


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


PROTECTED = "would require deleting the following protected related objects"


def test_the_admin_history_shows_a_change_made_in_the_portal(admin_client, officer, member):
    edit_member(member, officer, skills="Sewing")

    response = admin_client.get(admin_url(Member, "history", member.pk))

    assert response.status_code == 200
    records = list(response.context["page_obj"].object_list)
    assert [r.history_user for r in records[:1]] == [officer]
    assert "officer" in response.content.decode()


def test_the_admin_refuses_deleting_a_cooperative_with_groups(admin_client, guncha):
    response = admin_client.post(admin_url(Cooperative, "delete", guncha.pk), {"post": "yes"})

    assert response.status_code == 200
    assert PROTECTED in response.content.decode()
    assert Cooperative.objects.filter(pk=guncha.pk).exists()


def test_the_admin_refuses_deleting_a_director_or_a_transferred_member(
    admin_client, officer, guncha, member
):
    director = guncha.director
    moved = member_services.member_transfer(
        member=member, user=officer, to_group=GroupFactory(), on_date=DAY
    )

    for person in (director, member):
        response = admin_client.post(admin_url(Member, "delete", person.pk), {"post": "yes"})
        assert response.status_code == 200
        assert PROTECTED in response.content.decode()
        assert Member.objects.filter(pk=person.pk).exists()
    assert moved.transferred_from_id == member.pk


def test_an_admin_delete_is_recorded_in_history_with_the_admin(admin_client, admin_user, group):
    mistake = MemberFactory(group=group, surname="Mistake")
    pk = mistake.pk

    response = admin_client.post(admin_url(Member, "delete", pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Member.objects.filter(pk=pk).exists()
    deletion = Member.history.filter(id=pk).latest("history_date")
    assert deletion.history_type == "-"
    assert deletion.history_user == admin_user
    assert deletion.surname == "Mistake"  # the record as it was, kept in history


def test_a_bulk_admin_delete_is_recorded_for_every_record(admin_client, admin_user, group):
    mistakes = MemberFactory.create_batch(2, group=group)

    admin_client.post(
        admin_url(Member, "changelist"),
        {"action": "delete_selected", "_selected_action": [m.pk for m in mistakes], "post": "yes"},
    )

    for mistake in mistakes:
        deletion = Member.history.filter(id=mistake.pk, history_type="-").get()
        assert deletion.history_user == admin_user


# Nothing is deleted from the portal ------------------------------------------------------


def portal_patterns(resolvers=None, prefix=""):
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            yield from portal_patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def test_no_portal_url_deletes_anything():
    patterns = list(portal_patterns())
    assert len(patterns) > 10
    for route, entry in patterns:
        assert "delete" not in route.lower() and "remove" not in route.lower(), route
        assert "delete" not in (entry.name or "").lower(), route
        view = getattr(entry.callback, "view_class", None)
        assert view is None or not issubclass(view, DeletionMixin), route


def test_no_portal_view_or_service_calls_delete():
    import cooperatives.services
    import cooperatives.views
    import groups.services
    import groups.views
    import members.services
    import members.views
    import rmp_portal.views

    for module in (
        groups.views,
        groups.services,
        members.views,
        members.services,
        cooperatives.views,
        cooperatives.services,
        rmp_portal.views,
    ):
        assert not re.search(r"\.delete\(", inspect.getsource(module)), module.__name__


def test_posting_or_deleting_on_detail_pages_deletes_nothing(client, officer, guncha, member):
    client.force_login(officer)
    urls = [
        f"/groups/{member.group.code}/",
        f"/members/{member.pk}/",
        f"/cooperatives/{guncha.pk}/",
    ]
    models = (SelfHelpGroup, Member, Cooperative, CooperativeMembership)
    before = [model.objects.count() for model in models]

    for url in urls:
        client.post(url, {"delete": "1", "_method": "DELETE"})
        client.delete(url)

    assert [model.objects.count() for model in models] == before
