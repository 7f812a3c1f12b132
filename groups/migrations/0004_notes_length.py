"""Free text bounded where it is stored (rmp_portal.core.models.limited_text): a validator
for the message, a check constraint for the database. A row already longer than the limit
stops this migration (shorten it first): nothing is cut silently.

SQLite cannot add a check constraint to a table: Django rebuilds groups_selfhelpgroup, which
drops the triggers of 0003 on it and fails on the one on groups_jamoat that names it. So on
SQLite the triggers are dropped first and created again, the same, afterwards (PostgreSQL
adds the constraint in place and keeps its triggers)."""

import importlib

import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

TRIGGERS = importlib.import_module("groups.migrations.0003_jamoat_in_group_district")


def on_sqlite(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


DROP_TRIGGERS = migrations.RunPython(on_sqlite(TRIGGERS.SQLITE_REVERSE), on_sqlite(TRIGGERS.SQLITE))
CREATE_TRIGGERS = migrations.RunPython(
    on_sqlite(TRIGGERS.SQLITE), on_sqlite(TRIGGERS.SQLITE_REVERSE)
)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0003_jamoat_in_group_district"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        DROP_TRIGGERS,
        migrations.AlterField(
            model_name="historicalselfhelpgroup",
            name="notes",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="notes",
            ),
        ),
        migrations.AlterField(
            model_name="selfhelpgroup",
            name="notes",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="notes",
            ),
        ),
        migrations.AddConstraint(
            model_name="selfhelpgroup",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("notes"), 2000
                ),
                name="group_notes_length",
            ),
        ),
        CREATE_TRIGGERS,
    ]
