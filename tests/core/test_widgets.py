"""The shared form widgets and form templates: dates typed and shown dd.mm.yyyy (a text box,
not the browser's date picker), an empty choice that reads "— choose —" in the user's language,
and the summary that opens a failed form."""

import datetime
import re

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext

from rmp_portal.core.widgets import DATE_PATTERN, DateInput, DateRangeInput

DAY = datetime.date(2024, 3, 5)


class DateForm(forms.Form):
    day = forms.DateField(widget=DateInput(), initial=DAY)


def attrs(html: str) -> dict[str, str]:
    return dict(re.findall(r'([\w-]+)="([^"]*)"', html))


@pytest.mark.parametrize("language", ["en", "ru", "tg"])
def test_a_date_is_a_text_box_showing_day_month_year(language):
    with translation.override(language):
        field = attrs(str(DateForm()["day"]))
        placeholder = gettext("dd.mm.yyyy")
    assert field["type"] == "text"
    assert field["value"] == "05.03.2024"
    assert field["inputmode"] == "numeric"
    assert field["autocomplete"] == "off"
    assert field["pattern"] == DATE_PATTERN
    assert field["placeholder"] == placeholder


def test_the_placeholder_follows_the_language_of_each_request():
    widget = DateInput()
    with translation.override("en"):
        assert 'placeholder="dd.mm.yyyy"' in widget.render("d", None)
    with translation.override("ru"):
        assert f'placeholder="{gettext("dd.mm.yyyy")}"' in widget.render("d", None)


def test_a_widgets_own_attributes_are_kept():
    html = DateInput(attrs={"class": "form-control-sm"}).render("d", DAY)
    assert 'class="form-control-sm"' in html
    assert 'inputmode="numeric"' in html


@pytest.mark.parametrize(
    "typed", ["05.03.2024", "5.3.2024", "05.03.24", "05032024", "2024-03-05", "2024-3-5"]
)
def test_the_pattern_allows_what_the_server_reads(typed):
    assert re.fullmatch(DATE_PATTERN, typed)
    for language in ("en", "ru", "tg"):
        with translation.override(language):
            assert forms.DateField().clean(typed) == DAY


@pytest.mark.parametrize("typed", ["5 March", "05/03/2024x", "2024.03.05", "0503"])
def test_the_pattern_refuses_other_text(typed):
    assert not re.fullmatch(DATE_PATTERN, typed)


def test_a_value_typed_wrong_is_shown_back_as_typed():
    form = DateForm(data={"day": "31.02.2024"})
    assert not form.is_valid()
    assert 'value="31.02.2024"' in str(form["day"])


def test_a_date_range_is_two_labelled_text_boxes():
    html = DateRangeInput().render("joined", None)
    boxes = re.findall(r"<input[^>]*>", html)
    assert len(boxes) == 2
    names = [attrs(box)["name"] for box in boxes]
    assert names == ["joined_after", "joined_before"]
    for box, label in zip(boxes, ["from", "to"], strict=True):
        assert attrs(box)["type"] == "text"
        assert attrs(box)["aria-label"] == label
        assert attrs(box)["placeholder"] == "dd.mm.yyyy"
    dated = DateRangeInput().render("joined", [DAY, None])
    assert 'value="05.03.2024"' in dated


class ChoiceForm(forms.Form):
    sex = forms.ChoiceField(choices=[("", "---------"), ("F", "female")])
    other = forms.ChoiceField(choices=[("", "any"), ("x", "x")], required=False)


@pytest.mark.parametrize("language", ["en", "ru", "tg"])
def test_an_empty_choice_reads_choose_in_the_users_language(language):
    with translation.override(language):
        html = str(ChoiceForm()["sex"])
        expected = gettext("— choose —")
    assert f'<option value="" selected>{expected}</option>' in html
    assert "---------" not in html


def test_an_empty_choice_with_a_label_of_its_own_keeps_it():
    assert '<option value="">any</option>' in str(ChoiceForm()["other"]).replace(" selected", "")


def test_a_model_forms_empty_choice_reads_choose():
    from members.forms import MemberForm

    html = str(MemberForm.base_fields["sex"].widget.render("sex", ""))
    assert "— choose —" in html
    assert "---------" not in html


class PersonForm(forms.Form):
    surname = forms.CharField(label="Surname")
    activities = forms.MultipleChoiceField(
        label="Activities", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("The group is dissolved.")


def render_crispy(form) -> str:
    return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


def test_a_failed_form_starts_with_a_summary_linking_every_error():
    form = PersonForm(data={"version": "x"})
    assert not form.is_valid()
    html = render_crispy(form)
    summary = html[: html.index('id="div_id_surname"')]
    assert 'class="alert alert-danger error-summary" role="alert" tabindex="-1"' in summary
    assert "Please correct the following:" in summary
    assert '<li><a href="#id_surname">Surname: This field is required.</a></li>' in summary
    # A list of checkboxes has no field of that id: the link goes to its box.
    assert '<a href="#div_id_activities">Activities: This field is required.</a>' in summary
    assert "<li>The group is dissolved.</li>" in summary
    # The messages under each field stay.
    assert 'id="error_1_id_surname"' in html[html.index('id="div_id_surname"') :]


def test_a_form_without_errors_has_no_summary():
    assert "error-summary" not in render_crispy(PersonForm())
    valid = PersonForm(data={"surname": "Karimova", "activities": ["a"]})
    valid.clean = lambda: valid.cleaned_data
    assert valid.is_valid()
    assert "error-summary" not in render_crispy(valid)
