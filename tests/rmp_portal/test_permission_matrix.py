"""For each role × each page and export: the status code, and whether a Devashtich member's
personal data (phone, birth year, patronymic) appears in the response."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

PHONE = "+992937771234"  # as stored (E.164, rmp_portal.core.phones) and exported
PHONE_SHOWN = "+992 93 777 1234"  # as pages show it
PATRONYMIC = "Qodirovna"
BIRTH_YEAR = "1981"

ROLES = {
    "officer in scope": lambda: factories.field_officer("Devashtich", username="o1"),
    "officer same province": lambda: factories.field_officer("Asht", username="o2"),
    "officer other province": lambda: factories.field_officer("Rasht", username="o3"),
    "manager of the province": lambda: factories.manager("SU", username="m1"),
    "manager of another province": lambda: factories.manager("RA", username="m2"),
    "programme-wide manager": lambda: factories.manager(programme_wide=True, username="m3"),
    "user without role": lambda: factories.UserFactory(username="nobody"),
}

# page -> {role: (status, personal data shown)}; None = "not applicable" for personal data.
OK, HIDDEN, ABSENT = (200, True), (200, False), (200, None)
NOT_FOUND, FORBIDDEN = (404, None), (403, None)
MATRIX = {
    "group list": {
        "officer in scope": ABSENT,
        "officer same province": ABSENT,
        "officer other province": ABSENT,
        "manager of the province": ABSENT,
        "manager of another province": ABSENT,
        "programme-wide manager": ABSENT,
        "user without role": FORBIDDEN,
    },
    "group page": {
        "officer in scope": OK,
        "officer same province": HIDDEN,
        "officer other province": NOT_FOUND,
        "manager of the province": OK,
        "manager of another province": NOT_FOUND,
        "programme-wide manager": OK,
        "user without role": FORBIDDEN,
    },
    "group edit": {
        "officer in scope": (200, None),
        "officer same province": NOT_FOUND,
        "officer other province": NOT_FOUND,
        "manager of the province": NOT_FOUND,
        "manager of another province": NOT_FOUND,
        "programme-wide manager": NOT_FOUND,
        "user without role": FORBIDDEN,
    },
    "member page": {
        "officer in scope": OK,
        "officer same province": HIDDEN,
        "officer other province": NOT_FOUND,
        "manager of the province": OK,
        "manager of another province": NOT_FOUND,
        "programme-wide manager": OK,
        "user without role": FORBIDDEN,
    },
    "member edit": {
        "officer in scope": (200, None),
        "officer same province": NOT_FOUND,
        "officer other province": NOT_FOUND,
        "manager of the province": NOT_FOUND,
        "manager of another province": NOT_FOUND,
        "programme-wide manager": NOT_FOUND,
        "user without role": FORBIDDEN,
    },
    "member export": {
        "officer in scope": OK,
        "officer same province": HIDDEN,
        "officer other province": (200, False),
        "manager of the province": OK,
        "manager of another province": (200, False),
        "programme-wide manager": OK,
        "user without role": FORBIDDEN,
    },
    "member xlsx export": {
        "officer in scope": OK,
        "officer same province": HIDDEN,
        "officer other province": (200, False),
        "manager of the province": OK,
        "manager of another province": (200, False),
        "programme-wide manager": OK,
        "user without role": FORBIDDEN,
    },
    "cooperative page": {
        "officer in scope": ABSENT,
        "officer same province": ABSENT,
        "officer other province": NOT_FOUND,
        "manager of the province": ABSENT,
        "manager of another province": NOT_FOUND,
        "programme-wide manager": ABSENT,
        "user without role": FORBIDDEN,
    },
    "cooperative edit": {
        "officer in scope": ABSENT,
        "officer same province": NOT_FOUND,
        "officer other province": NOT_FOUND,
        "manager of the province": NOT_FOUND,
        "manager of another province": NOT_FOUND,
        "programme-wide manager": NOT_FOUND,
        "user without role": FORBIDDEN,
    },
    "cooperative list": {
        "officer in scope": ABSENT,
        "officer same province": ABSENT,
        "officer other province": ABSENT,
        "manager of the province": ABSENT,
        "manager of another province": ABSENT,
        "programme-wide manager": ABSENT,
        "user without role": FORBIDDEN,
    },
    "group export": {
        "officer in scope": ABSENT,
        "officer same province": ABSENT,
        "officer other province": ABSENT,
        "manager of the province": ABSENT,
        "manager of another province": ABSENT,
        "programme-wide manager": ABSENT,
        "user without role": FORBIDDEN,
    },
    "member search by phone": {
        "officer in scope": (200, True),
        "officer same province": (200, False),
        "officer other province": (200, False),
        "manager of the province": (200, True),
        "manager of another province": (200, False),
        "programme-wide manager": (200, True),
        "user without role": FORBIDDEN,
    },
}


@pytest.fixture
def record():
    group = factories.GroupFactory(name="Matrix group")
    member = factories.MemberFactory(
        group=group,
        surname="Sharipova",
        given_name="Nigora",
        patronymic=PATRONYMIC,
        phone=PHONE,
        birth_year=int(BIRTH_YEAR),
    )
    cooperative = factories.CooperativeFactory(name="Matrix cooperative")
    factories.CooperativeMembershipFactory(cooperative=cooperative, group=group)
    return group, member, cooperative


def url_for(page, group, member, cooperative):
    return {
        "group list": "/groups/",
        "group page": f"/groups/{group.code}/",
        "group edit": f"/groups/{group.code}/edit/",
        "member page": f"/members/{member.pk}/",
        "member edit": f"/members/{member.pk}/edit/",
        "member export": "/members/export/csv/",
        "member xlsx export": "/members/export/xlsx/",
        "member search by phone": "/members/?q=7771234",
        "cooperative page": f"/cooperatives/{cooperative.pk}/",
        "cooperative edit": f"/cooperatives/{cooperative.pk}/edit/",
        "cooperative list": "/cooperatives/",
        "group export": "/groups/export/xlsx/",
    }[page]


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        return "\n".join(
            " ".join(str(c) for c in row if c is not None)
            for row in sheet.iter_rows(values_only=True)
        )
    return content.decode("utf-8-sig", errors="replace")


# What shows personal data on each page: the group page lists phones and patronymics (no birth
# years); a phone search shows personal data when it finds the member by her phone.
MARKERS = {
    "group page": (PHONE, PATRONYMIC),
    "member search by phone": ("Sharipova",),
}

CASES = [(page, role) for page, row in MATRIX.items() for role in row]


@pytest.mark.parametrize("page, role", CASES, ids=[f"{p} as {r}" for p, r in CASES])
def test_permission_matrix(client, record, page, role):
    group, member, cooperative = record
    user = ROLES[role]()
    client.force_login(user)
    expected_status, personal = MATRIX[page][role]
    response = client.get(url_for(page, group, member, cooperative))
    assert response.status_code == expected_status
    if personal is None:
        return
    text = body(response)
    shown = [
        value in text or (value == PHONE and PHONE_SHOWN in text)
        for value in MARKERS.get(page, (PHONE, PATRONYMIC, BIRTH_YEAR))
    ]
    if personal:
        assert all(shown), shown
    else:
        assert not any(shown), shown
