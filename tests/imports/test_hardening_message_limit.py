"""An import run's message is bounded like every free-text field (the services write short,
fixed messages; the database refuses anything longer)."""

import pytest
from django.db import IntegrityError, transaction

from imports.models import ImportRun
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_message_over_two_thousand_characters():
    run = ImportRun.objects.create(
        user=factories.UserFactory(), kind="members", file_name="m.csv", message="m" * 2000
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportRun.objects.filter(pk=run.pk).update(message="m" * 2001)
    assert ImportRun._meta.get_field("message").max_length == 2000
