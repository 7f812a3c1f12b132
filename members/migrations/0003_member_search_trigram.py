"""A trigram index on members' search key, on PostgreSQL only.

The registry searches `search_key LIKE '%token%'` (a surname anywhere in the key, in either
script: the key is folded). A B-tree cannot serve a pattern that starts with a wildcard; a
GIN index with pg_trgm's operator class can, and turns a scan of a million rows into an index
look-up (docs/performance.md). SQLite has no such index: its search stays a scan, which is
fine at the sizes SQLite is used for (development, tests).

CREATE EXTENSION needs a role allowed to create it (a superuser, or the database owner on
PostgreSQL 13+, where pg_trgm is a trusted extension)."""

from django.db import migrations

INDEX = "member_search_key_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("members", "Member")._meta.db_table)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin (search_key gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other objects may use it, and it costs nothing unused.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("members", "0002_member_indexes_for_scale")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
