"""Figures kept in Django's cache until a write changes them: the data version, and the
models whose writes change it.

A dashboard at national scale reads every group and member (about half a second of SQL);
its figures change only when a record is written. So it is kept in Django's cache under a
key naming everything it depends on (the area, reporting date, period, whether it links)
and the *data version*, which changes with every write the figures could count:

- a token in the cache, replaced once a transaction that saved or deleted a counted record
  commits (signals below). Exact when the cache is shared by every worker (DatabaseCache,
  Redis: see docs/performance.md);
- a stamp read from the database with each dashboard: the highest id of the counted tables
  and of their change-history tables (django-simple-history writes a row for every save and
  delete, in the writer's transaction). One query of index look-ups, well under a
  millisecond. It makes a per-process cache (LocMem, the default) see the writes made
  through the other workers too, and rows added without the ORM (generate_scale_data).

What neither sees (an UPDATE in raw SQL; an edit of a target, activity type or district name
made through another worker when the cache is per-process) lasts at most CACHE_SECONDS.

Which models count is registered by the feature apps that show the figures
(`rmp_portal.dashboards.apps.DashboardsConfig.ready()` calls `watch()`), so this module names
no model.
"""

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

CACHE_SECONDS = 5 * 60
# A past reporting date's figures change only when records dated before it are entered late.
CACHE_SECONDS_PAST = 60 * 60
VERSION_KEY = "rmp:data-version"

# Those whose table (and change history, where they keep one) the database stamp reads.
_STAMPED: list[type[models.Model]] = []


def watch(*watched: type[models.Model], stamp: bool = False) -> None:
    """A save or delete of any of these models makes a new data version; with `stamp`, their
    tables' highest ids are part of the version too (rows written by another worker, or
    without the ORM)."""
    for model in watched:
        uid = f"rmp-dashboard-cache-{model._meta.label_lower}"
        post_save.connect(invalidate, sender=model, dispatch_uid=uid)
        post_delete.connect(invalidate, sender=model, dispatch_uid=uid)
        if stamp and model not in _STAMPED:
            _STAMPED.append(model)


def watch_links(*relations) -> None:
    """A change of these many-to-many relations (`Model.field` descriptors) makes a new
    data version."""
    for relation in relations:
        m2m_changed.connect(
            invalidate,
            sender=relation.through,
            dispatch_uid=f"rmp-dashboard-cache-{relation.through._meta.label_lower}",
        )


def cached(key: str, compute: Callable[[], object], *, past: bool = False):
    """`compute()`, kept in the cache under `key` until the data version changes.

    Inside a transaction the figures may include its own uncommitted writes (or, in a test,
    data that will be rolled back), so they are computed and neither read from nor stored in
    the cache there."""
    if connection.in_atomic_block:
        return compute()
    # The active language is part of every key: names of areas and activities, labels and
    # notices are shown in it, so one language's page is never served in another.
    full_key = f"rmp:{data_version()}:{get_language() or '-'}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, CACHE_SECONDS_PAST if past else CACHE_SECONDS)
    return value


def data_version() -> str:
    token = cache.get(VERSION_KEY)
    if token is None:
        cache.add(VERSION_KEY, _new_token(), timeout=None)
        token = cache.get(VERSION_KEY)
    return f"{token}:{_database_stamp()}"


def _new_token() -> str:
    # Never an earlier value (unlike a counter two workers could increment to the same
    # number): figures cached under an older token are never served again.
    return uuid.uuid4().hex[:16]


def _database_stamp() -> str:
    quote = connection.ops.quote_name
    # Only the models' table and column names go into the SQL: no value from outside.
    maxima = [
        f"(SELECT MAX({quote(table.pk.column)}) FROM {quote(table.db_table)})"  # noqa: S608
        for model in _STAMPED
        for table in (
            (model._meta, model.history.model._meta)
            if hasattr(model, "history")
            else (model._meta,)
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(maxima))
        return ".".join(str(value or 0) for value in cursor.fetchone())


def invalidate(**_kwargs) -> None:
    """A new data version once the current transaction commits (at once outside one): a
    request that read the old data before the commit cannot store it under the new version."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, _new_token(), timeout=None))
