"""The free text of initiatives and support activities is bounded where it is stored: notes
at 2,000 characters, the short lists (products, partners, what the grant bought) at 1,000;
the model's validation says so, the database refuses a write that skips it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from initiatives.forms import SupportForm
from initiatives.models import JointInitiative, SupportActivity
from tests.initiatives.factories import InitiativeFactory, SupportFactory

pytestmark = pytest.mark.django_db

INITIATIVE_LIMITS = {"products": 1000, "partners": 1000, "grant_purchases": 1000, "notes": 2000}


def initiative_with_grant() -> JointInitiative:
    # A grant's purchases need a grant (initiative_grant_complete).
    return InitiativeFactory(grant_amount=Decimal("100"), grant_date=datetime.date(2016, 1, 1))


@pytest.mark.parametrize("field, limit", INITIATIVE_LIMITS.items())
def test_an_initiatives_free_text_is_validated(field, limit):
    initiative = initiative_with_grant()
    setattr(initiative, field, "x" * limit)
    initiative.full_clean()
    setattr(initiative, field, "x" * (limit + 1))
    with pytest.raises(ValidationError) as error:
        initiative.full_clean()
    assert field in error.value.message_dict


@pytest.mark.parametrize("field, limit", INITIATIVE_LIMITS.items())
def test_the_database_refuses_longer_initiative_text(field, limit):
    initiative = initiative_with_grant()
    rows = JointInitiative.objects.filter(pk=initiative.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(**{field: "x" * (limit + 1)})
    rows.update(**{field: "x" * limit})


def test_support_notes_are_limited_to_two_thousand_characters(officer):
    support = SupportFactory()
    assert SupportForm(instance=support, user=officer).fields["notes"].max_length == 2000
    rows = SupportActivity.objects.filter(pk=support.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(notes="x" * 2001)
    rows.update(notes="x" * 2000)
