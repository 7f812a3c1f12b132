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
        ("cooperatives", "0002_description_length"),
        ("groups", "0004_notes_length"),
        ("initiatives", "0002_support_topics"),
        ("members", "0005_member_skills_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicaljointinitiative",
            name="grant_purchases",
            field=models.TextField(
                blank=True,
                max_length=1000,
                validators=[django.core.validators.MaxLengthValidator(1000)],
                verbose_name="what the grant bought",
            ),
        ),
        migrations.AlterField(
            model_name="historicaljointinitiative",
            name="notes",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="notes",
            ),
        ),
        migrations.AlterField(
            model_name="historicaljointinitiative",
            name="partners",
            field=models.TextField(
                blank=True,
                help_text="E.g. a credit union, a dehqan farm.",
                max_length=1000,
                validators=[django.core.validators.MaxLengthValidator(1000)],
                verbose_name="partners",
            ),
        ),
        migrations.AlterField(
            model_name="historicaljointinitiative",
            name="products",
            field=models.TextField(
                blank=True,
                max_length=1000,
                validators=[django.core.validators.MaxLengthValidator(1000)],
                verbose_name="products",
            ),
        ),
        migrations.AlterField(
            model_name="historicalsupportactivity",
            name="notes",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="notes",
            ),
        ),
        migrations.AlterField(
            model_name="jointinitiative",
            name="grant_purchases",
            field=models.TextField(
                blank=True,
                max_length=1000,
                validators=[django.core.validators.MaxLengthValidator(1000)],
                verbose_name="what the grant bought",
            ),
        ),
        migrations.AlterField(
            model_name="jointinitiative",
            name="notes",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="notes",
            ),
        ),
        migrations.AlterField(
            model_name="jointinitiative",
            name="partners",
            field=models.TextField(
                blank=True,
                help_text="E.g. a credit union, a dehqan farm.",
                max_length=1000,
                validators=[django.core.validators.MaxLengthValidator(1000)],
                verbose_name="partners",
            ),
        ),
        migrations.AlterField(
            model_name="jointinitiative",
            name="products",
            field=models.TextField(
                blank=True,
                max_length=1000,
                validators=[django.core.validators.MaxLengthValidator(1000)],
                verbose_name="products",
            ),
        ),
        migrations.AlterField(
            model_name="supportactivity",
            name="notes",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="notes",
            ),
        ),
        migrations.AddConstraint(
            model_name="jointinitiative",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("products"), 1000
                ),
                name="initiative_products_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="jointinitiative",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("grant_purchases"), 1000
                ),
                name="initiative_grant_purchases_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="jointinitiative",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("partners"), 1000
                ),
                name="initiative_partners_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="jointinitiative",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("notes"), 2000
                ),
                name="initiative_notes_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="supportactivity",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("notes"), 2000
                ),
                name="support_notes_length",
            ),
        ),
    ]
