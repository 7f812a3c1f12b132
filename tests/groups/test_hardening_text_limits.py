"""A group's notes are bounded where they are stored (rmp_portal.core.models.limited_text):
the form says so in the user's language and saves nothing; a write that skips validation is
refused by the database's check constraint; exactly the limit is accepted."""

import pytest
from django.db import IntegrityError, transaction

from groups.forms import GroupForm
from groups.models import SelfHelpGroup
from rmp_portal.core.models import NOTES_MAX_LENGTH
from tests.factories import GroupFactory, district

pytestmark = pytest.mark.django_db

LIMIT = 2000


def form_data(**overrides):
    data = {
        "name": "Long notes",
        "district": district("Devashtich").pk,
        "village": "Mujun",
        "established_on": "2015-04-01",
        "status": "active",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_the_limit_is_two_thousand_characters():
    assert NOTES_MAX_LENGTH == LIMIT
    assert SelfHelpGroup._meta.get_field("notes").max_length == LIMIT


def test_a_note_one_character_too_long_is_refused_by_the_form_and_nothing_is_saved(client, officer):
    client.force_login(officer)
    response = client.post("/groups/new/", form_data(notes="n" * (LIMIT + 1)))
    assert response.status_code == 200
    errors = [str(e) for e in response.context["form"].errors["notes"]]
    assert errors == ["Ensure this value has at most 2000 characters (it has 2001)."]
    assert not SelfHelpGroup.objects.exists()


def test_the_form_itself_refuses_it(officer):
    form = GroupForm(data=form_data(notes="n" * (LIMIT + 1)), user=officer)
    assert not form.is_valid()
    assert "notes" in form.errors
    # The text area tells the browser too.
    assert f'maxlength="{LIMIT}"' in str(form["notes"])


def test_a_note_of_exactly_the_limit_is_saved(client, officer):
    client.force_login(officer)
    response = client.post("/groups/new/", form_data(notes="n" * LIMIT))
    assert response.status_code == 302
    assert len(SelfHelpGroup.objects.get(name="Long notes").notes) == LIMIT


def test_the_edit_form_refuses_it_too(client, officer):
    group = GroupFactory(notes="short")
    client.force_login(officer)
    version = client.get(f"/groups/{group.code}/edit/").context["form"]["version"].value()
    response = client.post(
        f"/groups/{group.code}/edit/", form_data(notes="n" * (LIMIT + 1), version=version)
    )
    assert response.status_code == 200
    assert "notes" in response.context["form"].errors
    group.refresh_from_db()
    assert group.notes == "short"


def test_a_save_that_skips_validation_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupFactory(notes="n" * (LIMIT + 1))
    assert not SelfHelpGroup.objects.exists()


def test_an_update_that_skips_validation_is_refused_by_the_database():
    group = GroupFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfHelpGroup.objects.filter(pk=group.pk).update(notes="n" * (LIMIT + 1))
    SelfHelpGroup.objects.filter(pk=group.pk).update(notes="n" * LIMIT)
    group.refresh_from_db()
    assert len(group.notes) == LIMIT


def test_the_jamoat_triggers_survive_the_migration():
    """SQLite rebuilt the table to add the constraint (groups 0004); the triggers of 0003
    still refuse a jamoat of another district."""
    from groups.models import Jamoat

    shaidon = Jamoat.objects.get(name="Shaidon")
    assert shaidon.district.name != "Devashtich"
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupFactory(jamoat=shaidon)
