"""Members' name key: the folded surname and given name without the patronymic.

The patronymic is personal data (rmp_portal.core.access.PERSONAL_FIELDS). The search key
holds it, so a search on `search_key` finds members by a patronymic the user may not see;
outside the user's personal-data districts the registry searches `name_key` instead
(members.selectors.name_search), and duplicate checks compare it.

The backfill folds the names with the same function `Member.refresh_derived()` uses
(rmp_portal.core.text.search_key), in batches by id, one bulk UPDATE a batch: a million
members take a few minutes, not a query per row. History rows are left empty: the history
pages never show derived keys.

On PostgreSQL the key gets a trigram index like the search key's (0003): the registry
searches `name_key LIKE '%token%'`. SQLite has none, as for the search key."""

from django.db import migrations, models

from rmp_portal.core.text import search_key

INDEX = "member_name_key_trgm_idx"
BATCH = 2000


def backfill(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    manager = Member.objects.using(schema_editor.connection.alias)
    last = 0
    while True:
        batch = list(
            manager.filter(pk__gt=last).order_by("pk").only("pk", "surname", "given_name")[:BATCH]
        )
        if not batch:
            break
        for member in batch:
            member.name_key = search_key(member.surname, member.given_name)
        manager.bulk_update(batch, ["name_key"], batch_size=BATCH)
        last = batch[-1].pk


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("members", "Member")._meta.db_table)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin (name_key gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("members", "0003_member_search_trigram")]

    operations = [
        migrations.AddField(
            model_name="historicalmember",
            name="name_key",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="member",
            name="name_key",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
