"""The admin history pages (django-simple-history) keep to the Content-Security-Policy: no
inline style attribute or <style> element, which `style-src 'self'` would block."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.factories import GroupFactory, MemberFactory

pytestmark = pytest.mark.django_db

INLINE_STYLE = re.compile(r"""<style[\s>]|\sstyle\s*=\s*["']""", re.IGNORECASE)


@pytest.fixture
def admin_client(client):
    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def history_page(admin_client, model, pk):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_history"
    response = admin_client.get(reverse(name, args=[pk]))
    assert response.status_code == 200
    return response


def test_the_csp_forbids_inline_styles(admin_client):
    group = GroupFactory()
    response = history_page(admin_client, type(group), group.pk)
    policy = response["Content-Security-Policy"]
    style_src = next(d for d in policy.split(";") if d.strip().startswith("style-src"))
    assert "'self'" in style_src and "unsafe-inline" not in style_src


def test_a_groups_admin_history_has_no_inline_style(admin_client):
    group = GroupFactory(name="Before")
    group.name = "After"
    group.save()
    html = history_page(admin_client, type(group), group.pk).content.decode()
    assert 'id="change-history"' in html  # the history list itself was rendered
    assert INLINE_STYLE.findall(html) == []


def test_its_paginator_keeps_its_look_through_the_stylesheet(admin_client):
    group = GroupFactory()
    html = history_page(admin_client, type(group), group.pk).content.decode()
    assert 'class="paginator history-paginator"' in html
    assert "css/admin-history.css" in html


def test_a_members_admin_history_has_no_inline_style(admin_client):
    member = MemberFactory()
    html = history_page(admin_client, type(member), member.pk).content.decode()
    assert INLINE_STYLE.findall(html) == []
