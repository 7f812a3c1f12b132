"""Keyset ("cursor") paging over (updated_at, id): each page starts after the last row of the
one before, so rows changed or added while a client walks a million rows move to a later
page instead of shifting every page (as OFFSET would), and a page costs the same at row 10
as at row 1,000,000 (the models' (updated_at, id) indexes).

DRF's CursorPagination keys on the first field alone and skips ties by an offset capped at
1,000 rows, which an import (thousands of rows with one updated_at) exceeds: hence this."""

import base64
import binascii
import json
from collections import OrderedDict

from django.conf import settings
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from rmp_portal.api import exceptions as api_exceptions

CURSOR_PARAM = "cursor"
PAGE_SIZE_PARAM = "page_size"
MAX_ID = 2**63 - 1
PAGE_SIZE_ERROR = _("A whole number from 1 to 1000.")


def encode_cursor(position: tuple) -> str:
    text = json.dumps([position[0].isoformat() if position[0] else None, position[1]])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(raw: str, *, keyed_by_time: bool) -> tuple:
    """(updated_at, id) from a cursor this class made; anything else is a 400."""
    try:
        if len(raw) > 200:
            raise ValueError
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        when, pk = json.loads(text)
        if type(pk) is not int or not 0 <= pk <= MAX_ID:
            raise ValueError
        if keyed_by_time:
            moment = parse_datetime(when) if isinstance(when, str) else None
            if moment is None or moment.tzinfo is None:
                raise ValueError
            return moment, pk
        if when is not None:
            raise ValueError
        return None, pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, json.JSONDecodeError):
        raise exceptions.ValidationError(code=api_exceptions.INVALID_CURSOR) from None


def page_size(request) -> int:
    """`?page_size=`: a whole number from 1 to settings.API_MAX_PAGE_SIZE, else a 400."""
    raw = request.query_params.get(PAGE_SIZE_PARAM)
    if raw is None or raw == "":
        return settings.API_PAGE_SIZE
    if not (raw.isdigit() and len(raw) < 6 and 1 <= int(raw) <= settings.API_MAX_PAGE_SIZE):
        raise exceptions.ValidationError({PAGE_SIZE_PARAM: [PAGE_SIZE_ERROR]})
    return int(raw)


class UpdatedCursorPagination(BasePagination):
    """Pages ordered by (updated_at, id); `next` is null on the last page. A view whose
    model has no updated_at (districts) sets `cursor_time_field = None`: pages by id."""

    page_size_query_description = _("Rows per page (1 to 1000, default 100).")
    cursor_query_description = _("The `next` link's cursor, to read the following page.")

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        time_field = getattr(view, "cursor_time_field", "updated_at")
        self.time_field = time_field
        self.page_size = page_size(request)
        self.id_field = id_field = getattr(view, "cursor_id_field", "pk")
        raw = request.query_params.get(CURSOR_PARAM)
        if raw:
            when, pk = decode_cursor(raw, keyed_by_time=time_field is not None)
            after = {f"{id_field}__gt": pk}
            if time_field is None:
                queryset = queryset.filter(**after)
            else:
                queryset = queryset.filter(
                    Q(**{f"{time_field}__gt": when}) | Q(**{time_field: when}, **after)
                )
        order = [time_field, id_field] if time_field else [id_field]
        rows = list(queryset.order_by(*order)[: self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        self.last = rows[-1] if rows else None
        return rows

    def _position(self, row) -> tuple:
        if isinstance(row, dict):
            return (row[self.time_field] if self.time_field else None, row["id"])
        return (getattr(row, self.time_field) if self.time_field else None, row.pk)

    def get_next_link(self):
        if not self.has_next or self.last is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, CURSOR_PARAM, encode_cursor(self._position(self.last)))

    def get_paginated_response(self, data):
        return Response(OrderedDict([("next", self.get_next_link()), ("results", data)]))

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": str(_("The next page; null on the last page.")),
                },
                "results": {**schema, "description": str(_("This page's rows."))},
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": str(self.cursor_query_description),
                "schema": {"type": "string"},
            },
            {
                "name": PAGE_SIZE_PARAM,
                "required": False,
                "in": "query",
                "description": str(self.page_size_query_description),
                "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
            },
        ]
