"""The reference data the migrations load: every install has the programme's geography and
trades, searchable by current, former and Cyrillic names."""

import csv
from pathlib import Path

import pytest

from groups.models import ActivityType, District, Jamoat, Province
from rmp_portal.core.text import search_key

pytestmark = pytest.mark.django_db

REFERENCE = Path(__file__).resolve().parents[2] / "groups" / "reference"


def rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def find_districts(query: str) -> list[str]:
    return sorted(
        District.objects.filter(search_key__contains=search_key(query)).values_list(
            "name", flat=True
        )
    )


def test_it_has_the_two_provinces():
    provinces = {p.code: (p.name, p.name_ru, p.name_tg) for p in Province.objects.all()}

    assert provinces == {
        "SU": ("Sughd Province", "Согдийская область", "Вилояти Суғд"),
        "RA": ("Rasht Valley", "Раштская долина", "Водии Рашт"),
    }


def test_it_has_every_district_of_the_reference_list_with_its_names():
    expected = {
        (r["province_code"], r["name_en"], r["name_ru"], r["name_tg"], r["kind"])
        for r in rows("districts.csv")
    }

    loaded = set(
        District.objects.values_list("province__code", "name", "name_ru", "name_tg", "kind")
    )

    assert len(expected) == 23
    assert loaded == expected


def test_it_has_the_former_names_of_renamed_districts():
    assert District.objects.get(name="Devashtich").former_names == "Ghonchi (until 2016)"
    assert District.objects.get(name="Lakhsh").former_names == "Jirgatol (until 2016)"


def test_it_has_the_jamoats_of_devashtich_and_asht():
    expected = {(r["district_en"], r["name_en"], r["name_tg"]) for r in rows("jamoats.csv")}

    loaded = set(Jamoat.objects.values_list("district__name", "name", "name_tg"))

    assert loaded == expected
    assert {district for district, _, _ in loaded} == {"Devashtich", "Asht"}
    assert ("Asht", "Shaidon", "Шайдон") in loaded


def test_it_has_the_activity_types():
    expected = {(r["name_en"], r["name_ru"], r["name_tg"]) for r in rows("activities.csv")}

    loaded = set(ActivityType.objects.values_list("name", "name_ru", "name_tg"))

    assert loaded == expected
    assert ("Lemon cultivation", "Выращивание лимонов", "Парвариши лиму") in loaded


def test_the_loaded_search_keys_match_the_ones_a_save_would_write():
    for district in District.objects.all():
        keyed = search_key(district.name, district.name_ru, district.name_tg, district.former_names)
        assert district.search_key == keyed, district.name


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Ghonchi", ["Devashtich"]),
        ("Ғончӣ", ["Devashtich"]),
        ("Деваштич", ["Devashtich"]),
        ("devashtich", ["Devashtich"]),
        ("Jirgatol", ["Lakhsh"]),
        ("Джиргатол", ["Lakhsh"]),
        ("Хуҷанд", ["Khujand"]),
        ("Gharm", ["Rasht"]),
    ],
)
def test_it_finds_a_district_by_any_of_its_names(query, found):
    assert find_districts(query) == found
