"""What an import preview says about records the user may not read, or whose personal data
they may not see: a row naming another province's member or group is "outside your districts"
and nothing more, and the possible-duplicate warning depends only on what the user may see.
Each probe previews the same row with the stored values and with invented ones and asserts the
two answers are the same."""

import pytest

from groups.models import SelfHelpGroup
from imports import services
from imports.models import ImportRun
from members.models import Member
from tests import factories
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

MEMBER_HEAD = (
    "Group;Surname;Given name;Sex;Birth year;Role;Joined;Left;Head of household;Migration link\r\n"
)
GROUP_HEAD = "Code;Name;District;Jamoat;Established;Status\r\n"
OUTSIDE = "This record is outside your districts."


def preview(user, kind: str, text: str) -> ImportRun:
    head = MEMBER_HEAD if kind == "members" else GROUP_HEAD
    return services.import_preview(user=user, kind=kind, upload=upload("f.csv", head + text))


def answer(run: ImportRun) -> list[dict]:
    """The preview's rows without their labels (which repeat the file's own cells)."""
    return [{k: v for k, v in r.items() if k != "l"} for r in run.results]


@pytest.fixture
def rasht_group(db):
    return factories.GroupFactory(
        name="Guliston", district=factories.district("Rasht"), established_on="2015-04-01"
    )


@pytest.fixture
def rasht_member(rasht_group):
    return factories.MemberFactory(
        group=rasht_group,
        surname="Nazarova",
        given_name="Shahlo",
        birth_year=1971,
        role="treasurer",
        joined_on="2015-04-01",
        head_of_household=True,
        migration_link="migrant_family",
    )


def snapshot():
    return (
        list(Member.objects.order_by("pk").values()),
        list(SelfHelpGroup.objects.order_by("pk").values()),
    )


# ---- another province's records ----------------------------------------------------------


def test_a_row_of_another_provinces_member_says_only_outside_your_districts(officer, rasht_member):
    code = rasht_member.group.code
    link = "relative of a labour migrant abroad"
    stored = f"{code};Nazarova;Shahlo;F;1971;treasurer;01.04.2015;;yes;{link}\r\n"
    changed = f"{code};Nazarova;Shahlo;F;1971;member;01.06.2016;;no;none\r\n"
    nobody = f"{code};Inventova;Nilufar;F;1971;member;01.06.2016;;no;none\r\n"

    answers = [answer(preview(officer, "members", row)) for row in (stored, changed, nobody)]

    expected = [{"n": 2, "s": "error", "e": [["group", OUTSIDE]]}]
    assert answers == [expected, expected, expected]
    # Confirming writes nothing.
    before = snapshot()
    services.import_commit(run=preview(officer, "members", changed), user=officer)
    assert snapshot() == before


def test_a_row_of_another_provinces_group_says_only_outside_your_districts(officer, rasht_group):
    code = rasht_group.code
    stored = f"{code};Guliston;Rasht;;01.04.2015;active\r\n"
    changed = f"{code};Bogi Nav;Rasht;;01.09.2017;inactive\r\n"

    answers = [answer(preview(officer, "groups", row)) for row in (stored, changed)]

    expected = [{"n": 2, "s": "error", "e": [["code", OUTSIDE]]}]
    assert answers == [expected, expected]
    assert "Guliston" not in str(answers) and "2015" not in str(answers)


# ---- the possible-duplicate warning --------------------------------------------------------


@pytest.mark.parametrize("where", ["Asht", "Rasht"])
def test_the_duplicate_warning_outside_the_personal_districts_ignores_the_birth_year(
    officer, group, where
):
    other = factories.MemberFactory(
        group=factories.GroupFactory(district=factories.district(where)),
        surname="Rakhimova",  # the file writes Rahimova: the same folded name
        given_name="Zebo",
        patronymic="",
        birth_year=1980,
    )

    real = preview(officer, "members", "SU-0001;Rahimova;Zebo;F;1980;;01.03.2014;;;\r\n")
    invented = preview(officer, "members", "SU-0001;Rahimova;Zebo;F;1991;;01.03.2014;;;\r\n")

    assert answer(real) == answer(invented)
    assert real.results[0]["s"] == "new" and len(real.results[0]["w"]) == 1
    warning = real.results[0]["w"][0]
    assert "1980" not in warning
    if where == "Asht":  # the registry shows her name and group to the officer
        assert f"Rakhimova Zebo in group {other.group.code}" in warning
    else:  # another province: neither her spelling of the name nor her group
        assert "a current member of a group outside your area" in warning
        assert "Rakhimova" not in warning and other.group.code not in warning
    # Unconfirmed, the row is not imported.
    before = snapshot()
    services.import_commit(run=real, user=officer)
    assert snapshot() == before


def test_a_duplicate_with_a_patronymic_in_the_other_script_is_found(officer, group):
    """Compared on the name key: neither the script nor a stored patronymic hides her."""
    factories.MemberFactory(
        group=factories.GroupFactory(district=factories.district("Asht")),
        surname="Каримова",
        given_name="Зебо",
        patronymic="Саидовна",
        birth_year=1980,
    )

    run = preview(officer, "members", "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;;;\r\n")

    assert run.results[0]["w"] == [
        "Possible duplicate of an existing member: Каримова Зебо in group SU-0002. "
        "Imported only if you confirm these are different people."
    ]


def test_in_the_officers_own_district_the_warning_compares_the_birth_year(officer, group):
    factories.MemberFactory(
        group=factories.GroupFactory(), surname="Karimova", given_name="Zebo", birth_year=1980
    )
    asht = factories.MemberFactory(
        group=factories.GroupFactory(district=factories.district("Asht")),
        surname="Nazarova",
        given_name="Shahlo",
        birth_year=1970,
    )

    run = preview(
        officer,
        "members",
        "SU-0001;Karimova;Zebo;F;1980;;01.03.2014;;;\r\n"  # same year: warned
        "SU-0001;Karimova;Zebo;F;1991;;01.03.2015;;;\r\n"  # another year: someone else
        "SU-0001;Nazarova;Shahlo;F;1991;;01.03.2014;;;\r\n",  # Asht: the year is not compared
    )

    assert [bool(r.get("w")) for r in run.results] == [True, False, True]
    assert asht.group.code in run.results[2]["w"][0]
