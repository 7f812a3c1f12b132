"""Dates and numbers in the user's language (rmp_portal/formats): 24.11.2026 and 2 884 in
Russian and Tajik, Django's own English formats; a date typed day first with dots is read
in every language, and so are ISO dates (links, older clients)."""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, number_format

from groups.forms import GroupForm
from tests import factories

DAY = datetime.date(2026, 11, 24)


@pytest.mark.parametrize("language", ["ru", "tg"])
def test_russian_and_tajik_write_dates_with_dots(language):
    with translation.override(language):
        assert date_format(DAY) == "24.11.2026"
        assert date_format(DAY, "SHORT_DATE_FORMAT") == "24.11.2026"
        assert Template("{{ day }}").render(Context({"day": DAY})) == "24.11.2026"


@pytest.mark.parametrize("language", ["ru", "tg"])
def test_russian_and_tajik_group_thousands_with_a_non_breaking_space(language):
    with translation.override(language):
        assert number_format(2884, force_grouping=True) == "2\xa0884"
        rendered = Template("{% load humanize %}{{ n|intcomma }}").render(Context({"n": 2884}))
        assert rendered == "2\xa0884"


def test_english_keeps_djangos_formats_and_groups_thousands_with_commas():
    with translation.override("en"):
        assert date_format(DAY) == "Nov. 24, 2026"
        assert date_format(DAY, "SHORT_DATE_FORMAT") == "11/24/2026"
        assert number_format(2884, force_grouping=True) == "2,884"


@pytest.mark.parametrize("language", ["en", "ru", "tg"])
def test_years_and_ids_are_not_grouped(language):
    # Grouping is asked for per figure: a year or an id printed as it is stays one number.
    with translation.override(language):
        assert Template("{{ n }}").render(Context({"n": 2026})) == "2026"


@pytest.mark.parametrize("language", ["en", "ru", "tg"])
@pytest.mark.parametrize("typed", ["24.11.2026", "2026-11-24"])
def test_a_date_field_reads_a_typed_date_and_iso(language, typed):
    with translation.override(language):
        assert forms.DateField().clean(typed) == DAY


@pytest.mark.parametrize("language", ["ru", "tg"])
def test_russian_and_tajik_refuse_a_month_first_date(language):
    with translation.override(language), pytest.raises(forms.ValidationError):
        forms.DateField().clean("11/24/2026")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ru", "tg"])
def test_the_group_form_takes_a_typed_date_and_shows_it_day_first(language):
    officer = factories.field_officer("Devashtich", username="officer")
    district = factories.district("Devashtich")
    data = {"name": "Гунча", "district": district.pk, "established_on": "01.03.2012"}
    with translation.override(language):
        form = GroupForm(data={**data, "status": "active"}, user=officer)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["established_on"] == datetime.date(2012, 3, 1)

        group = factories.GroupFactory(established_on=datetime.date(2012, 3, 1))
        html = str(GroupForm(instance=group, user=officer)["established_on"])
        # A text box, not the browser's date picker (rmp_portal/core/widgets.py).
        assert 'type="text"' in html
        assert 'value="01.03.2012"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["01.03.2012", "2012-03-01"])
def test_the_registry_filters_take_a_typed_date(client, typed):
    officer = factories.field_officer("Devashtich", username="officer")
    factories.GroupFactory(name="Гунча", established_on=datetime.date(2012, 3, 1))
    factories.GroupFactory(name="Лола", established_on=datetime.date(2014, 3, 1))
    client.force_login(officer)
    client.cookies["django_language"] = "tg"

    response = client.get("/groups/", {"established_after": typed, "established_before": typed})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Гунча" in page
    assert "Лола" not in page
