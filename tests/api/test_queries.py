"""Each list costs the same queries at 2 records as at 12 (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api import world as world_module

pytestmark = pytest.mark.django_db
LISTS = [
    "/api/v1/groups/",
    "/api/v1/members/",
    "/api/v1/cooperatives/",
    "/api/v1/initiatives/",
    "/api/v1/support/",
    "/api/v1/districts/",
    "/api/v1/tombstones/?resource=members&updated_since=2000-01-01T00:00:00Z",
]


def _queries(api, path) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200
    return len(captured), len(response.json()["results"])


@pytest.mark.parametrize("role", ["officer", "manager_all"])
@pytest.mark.parametrize("path", LISTS)
def test_the_same_queries_at_2_and_12_records(api_for, request, role, path):
    user = request.getfixturevalue(role)
    api = api_for(user)
    world_module.build(groups_per_district=1)
    _queries(api, path)  # warm the per-process caches (content types, ...)
    small, small_rows = _queries(api, path)
    world = world_module.build(groups_per_district=5)
    for members in world.members.values():
        members[0].delete()  # tombstones too
    large, large_rows = _queries(api, path)
    assert large_rows > small_rows or "tombstones" in path or "districts" in path
    assert large == small
