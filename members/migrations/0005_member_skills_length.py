"""Members' skills are bounded like every free-text field (rmp_portal.core.models.limited_text):
a validator for the message, a check constraint for the database. A row already longer than
the limit stops this migration (shorten it first): nothing is cut silently."""

import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("members", "0004_member_name_key")]

    operations = [
        migrations.AlterField(
            model_name="historicalmember",
            name="skills",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="skills and professional interests",
            ),
        ),
        migrations.AlterField(
            model_name="member",
            name="skills",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="skills and professional interests",
            ),
        ),
        migrations.AddConstraint(
            model_name="member",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("skills"), 2000
                ),
                name="member_skills_length",
            ),
        ),
    ]
