"""Free text bounded where it is stored (rmp_portal.core.models.limited_text): a validator
for the message, a check constraint for the database. A row already longer than the limit
stops this migration (shorten it first): nothing is cut silently."""

import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cooperatives", "0001_initial"),
        ("groups", "0004_notes_length"),
        ("members", "0005_member_skills_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="cooperative",
            name="description",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="description",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcooperative",
            name="description",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="description",
            ),
        ),
        migrations.AddConstraint(
            model_name="cooperative",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("description"), 2000
                ),
                name="cooperative_description_length",
            ),
        ),
    ]
