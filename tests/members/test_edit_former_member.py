"""Editing a former member: a rule about a field the form does not show (her date of leaving)
is an error above the form, never a server error."""

import datetime

from members.models import Member
from tests.factories import MemberFactory
from tests.members.test_views import edit_data


def test_moving_the_joining_date_past_the_leaving_date_is_refused_with_a_message(
    client, officer, db
):
    member = MemberFactory(
        joined_on=datetime.date(2012, 3, 1), left_on=datetime.date(2013, 1, 1), role="member"
    )
    client.force_login(officer)

    response = client.post(f"/members/{member.pk}/edit/", edit_data(member, joined_on="2014-05-01"))

    assert response.status_code == 200
    assert "A member cannot leave before the date they joined." in response.content.decode()
    assert Member.objects.get(pk=member.pk).joined_on == datetime.date(2012, 3, 1)
