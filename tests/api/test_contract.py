"""Contract tests: schemathesis generates requests from the OpenAPI schema and sends them to
the WSGI app with a real API key (an admin's: every record in reach); no answer may be a 500
or fail to match the schema."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from tests import factories
from tests.api import world as world_module
from tests.api.conftest import issue_key


@pytest.fixture
def api_schema(db):
    """The schema, its requests sent to the WSGI app. The app's requests must not close the
    test's database connection at their end (it holds the test's transaction), as Django's
    test client ensures for its own requests."""
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(public=True))
    schema.app = get_wsgi_application()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schema
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def key(db):
    world_module.build()
    return issue_key(factories.UserFactory(username="contract-admin", is_staff=True))


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_500_and_every_answer_matches_the_schema(case, key):
    # Generated ids are valid by the schema yet name no record (a 400 "not a valid choice" is
    # right), and an empty parameter (`?as_of=`) means "not given", as on the registry
    # pages: the two data-acceptance checks do not apply; every other check does.
    case.call_and_validate(
        headers={"Authorization": f"Api-Key {key}", "Accept-Encoding": "identity"},
        excluded_checks=[
            schemathesis.checks.positive_data_acceptance,
            schemathesis.checks.negative_data_rejection,
        ],
    )
