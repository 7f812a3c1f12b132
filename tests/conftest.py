import pytest
from django.conf import settings
from django.utils import translation

from tests import factories


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts (and leaves) in the default language: a request through the test
    client activates its language in the thread, and it would otherwise stay on for the next
    test's code that runs outside a request."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def officer(db):
    """A field officer for Devashtich district (Sughd)."""
    return factories.field_officer("Devashtich", username="officer")


@pytest.fixture
def officer_same_province(db):
    """A field officer for Asht district: same province as Devashtich, other district."""
    return factories.field_officer("Asht", username="officer-asht")


@pytest.fixture
def officer_other_province(db):
    """A field officer for Rasht district (Rasht Valley)."""
    return factories.field_officer("Rasht", username="officer-rasht")


@pytest.fixture
def manager_sughd(db):
    return factories.manager("SU", username="manager-sughd")


@pytest.fixture
def manager_rasht(db):
    return factories.manager("RA", username="manager-rasht")


@pytest.fixture
def manager_all(db):
    return factories.manager(programme_wide=True, username="manager")


@pytest.fixture
def analyst(db):
    return factories.analyst(username="analyst")


@pytest.fixture
def no_role_user(db):
    return factories.UserFactory(username="newcomer")


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


def pytest_collection_modifyitems(items):
    # Transactional tests (browser tests with live_server) flush every table when they end,
    # reference data included; run them after all others, as Django's own runner does.
    items.sort(key=_is_transactional)
