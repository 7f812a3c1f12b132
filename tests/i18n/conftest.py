"""Demo-like records for the language tests: a Devashtich group with its leader and a member,
a cooperative of two groups, an initiative and a support activity, all named in Cyrillic as
field officers type them, so any Latin text left on a page is the interface's own."""

import datetime
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from cooperatives.models import Cooperative
from groups.models import ActivityType, SelfHelpGroup
from initiatives.models import JointInitiative, SupportActivity
from members.models import Member
from tests import factories
from tests.initiatives.factories import InitiativeFactory, SupportFactory

OFFICER = "officer"
MANAGER = "manager"
User = get_user_model()


@dataclass
class Records:
    group: SelfHelpGroup
    other_group: SelfHelpGroup
    leader: Member
    member: Member
    cooperative: Cooperative
    initiative: JointInitiative
    support: SupportActivity

    def data_strings(self) -> tuple[str, ...]:
        """What the test data itself writes in Latin letters (usernames, phone numbers)."""
        return (OFFICER, MANAGER, "newcomer", self.leader.phone, self.member.phone)


@pytest.fixture
def records(db) -> Records:
    factories.field_officer("Devashtich", username=OFFICER)
    factories.manager(programme_wide=True, username=MANAGER)
    factories.UserFactory(username="newcomer")  # signed in, no role yet
    group = factories.GroupFactory(name="Гунча", village="Яхтан")
    group.activities.set(ActivityType.objects.filter(name__in=["Lemon cultivation"]))
    other = factories.GroupFactory(name="Лола", village="Ғончӣ")
    leader = factories.MemberFactory(
        group=group,
        surname="Раҳимова",
        given_name="Гулнора",
        patronymic="Саидовна",
        role=Member.Role.LEADER,
        phone="+992 92 1234567",
    )
    member = factories.MemberFactory(
        group=group,
        surname="Каримова",
        given_name="Нигора",
        patronymic="",
        phone="+992 93 7654321",
    )
    factories.MemberFactory(
        group=other, surname="Усмонова", given_name="Зарина", patronymic="", phone=""
    )
    cooperative = factories.CooperativeFactory(name="Гунча", description="Лимӯ ва шир")
    factories.CooperativeMembershipFactory(cooperative=cooperative, group=group)
    factories.CooperativeMembershipFactory(cooperative=cooperative, group=other)
    initiative = InitiativeFactory(title="Лимӯзор", group=group, participants=[leader])
    support = SupportFactory(groups=[group], held_on=datetime.date(2016, 5, 10))
    return Records(group, other, leader, member, cooperative, initiative, support)


@pytest.fixture
def in_language(client):
    """Sign the test client in as `user` with the interface in `language`."""

    def sign_in(user: str | None, language: str):
        if user:
            client.force_login(User.objects.get(username=user))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return sign_in
