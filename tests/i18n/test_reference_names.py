"""Provinces, districts, jamoats and activity types are shown in the user's language on
pages, in the filters' choices, in exports and in charts; a search finds a district by any
of its names, former names included, in either script."""

import json
import re

import pytest
from django.utils import translation

from groups.models import ActivityType, District, Jamoat, Province
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    def sign_in(language: str):
        user = factories.manager(programme_wide=True, username="manager")
        client.force_login(user)
        client.cookies["django_language"] = language
        return client

    return sign_in


@pytest.mark.parametrize(
    ("language", "province", "district", "activity"),
    [
        ("en", "Sughd Province", "Devashtich", "Lemon cultivation"),
        ("ru", "Согдийская область", "район Деваштич", "Выращивание лимонов"),
        ("tg", "Вилояти Суғд", "Ноҳияи Деваштич", "Парвариши лиму"),
    ],
)
def test_reference_names_are_in_the_current_language(language, province, district, activity):
    with translation.override(language):
        assert str(Province.objects.get(code="SU")) == province
        assert str(District.objects.get(name="Devashtich")) == district
        assert str(ActivityType.objects.get(name="Lemon cultivation")) == activity


def test_a_name_missing_in_russian_falls_back_to_tajik_then_english():
    jamoat = Jamoat.objects.get(name="Yakhtan")  # the reference data has no Russian name
    assert jamoat.name_ru == ""
    with translation.override("ru"):
        assert str(jamoat) == "Яхтан"
    jamoat.name_tg = ""
    with translation.override("ru"):
        assert str(jamoat) == "Yakhtan"
    with translation.override("tg"):
        assert str(jamoat) == "Yakhtan"


def test_the_filter_choices_are_in_the_users_language(signed_in):
    page = signed_in("tg").get("/groups/").content.decode()

    assert re.search(r"<option value=\"\d+\"[^>]*>Вилояти Суғд</option>", page)
    assert re.search(r"<option value=\"\d+\"[^>]*>Ноҳияи Деваштич</option>", page)
    assert re.search(r"<option value=\"\d+\"[^>]*>Парвариши лиму</option>", page)


def test_the_export_names_districts_in_the_users_language(signed_in):
    factories.GroupFactory(name="Гунча")

    response = signed_in("ru").get("/groups/export/csv/")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "район Деваштич" in text
    assert "Согдийская область" in text


def test_the_dashboard_charts_and_tables_name_areas_in_the_users_language(signed_in):
    group = factories.GroupFactory(name="Гунча")
    group.activities.set(ActivityType.objects.filter(name="Lemon cultivation"))
    factories.MemberFactory(group=group, role="leader")

    page = signed_in("tg").get("/").content.decode()

    members = re.search(r'id="chart-members-data"[^>]*>(.*?)</script>', page, re.S)
    activities = re.search(r'id="chart-activities-data"[^>]*>(.*?)</script>', page, re.S)
    assert "Вилояти Суғд" in json.loads(members.group(1))["labels"]
    assert "Парвариши лиму" in json.loads(activities.group(1))["labels"]
    assert "Вилояти Суғд" in page


@pytest.mark.parametrize(
    "query", ["Devashtich", "Деваштич", "ДЕВАШТИЧ", "Ghonchi", "Gonchi", "Гончи", "Ғончӣ"]
)
def test_a_search_finds_a_district_by_any_of_its_names(signed_in, query):
    factories.GroupFactory(name="Гунча")  # in Devashtich, formerly Ghonchi
    factories.GroupFactory(name="Лола", district=factories.district("Asht"))

    page = signed_in("ru").get("/groups/", {"q": query}).content.decode()

    assert "Гунча" in page, query
    assert "Лола" not in page, query


@pytest.mark.parametrize("language", ["ru", "tg"])
def test_the_filter_choices_are_in_the_alphabetical_order_of_the_language(signed_in, language):
    page = signed_in(language).get("/groups/", {"province": Province.objects.get(code="RA").pk})

    select = re.search(r'<select name="district".*?</select>', page.content.decode(), re.S)
    shown = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select.group(0))
    with translation.override(language):
        expected = sorted(str(d) for d in District.objects.filter(province__code="RA"))
    assert shown == expected
