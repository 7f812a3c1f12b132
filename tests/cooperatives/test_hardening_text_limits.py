"""A cooperative's description is bounded like every free-text field: the model's validation
(forms, services) says so, the database refuses a write that skips it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cooperatives.forms import CooperativeEditForm
from cooperatives.models import Cooperative
from tests.factories import CooperativeFactory

pytestmark = pytest.mark.django_db

LIMIT = 2000


def test_the_description_is_limited_to_two_thousand_characters():
    cooperative = CooperativeFactory(description="d" * LIMIT)
    cooperative.full_clean()
    cooperative.description = "d" * (LIMIT + 1)
    with pytest.raises(ValidationError) as error:
        cooperative.full_clean()
    assert "description" in error.value.message_dict


def test_the_edit_form_refuses_a_longer_description():
    cooperative = CooperativeFactory()
    form = CooperativeEditForm(instance=cooperative)
    assert form.fields["description"].max_length == LIMIT


def test_the_database_refuses_a_longer_description():
    cooperative = CooperativeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Cooperative.objects.filter(pk=cooperative.pk).update(description="d" * (LIMIT + 1))
