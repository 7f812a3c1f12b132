"""What an import run covers (ImportRun.districts: the districts its uploader edited at the
upload), so that managers see the runs of their provinces and nobody else's; and the run's
message bounded like every free-text field. Runs stored before this get their uploader's
districts as they are now (the best that is known); an admin's runs cover none."""

import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models


def backfill_districts(apps, schema_editor):
    ImportRun = apps.get_model("imports", "ImportRun")
    StaffProfile = apps.get_model("rmp_portal", "StaffProfile")
    Through = ImportRun.districts.through
    districts_of = {}
    for profile in StaffProfile.objects.filter(role="field_officer").prefetch_related("districts"):
        districts_of[profile.user_id] = [d.pk for d in profile.districts.all()]
    rows = [
        Through(importrun_id=run_id, district_id=district_id)
        for run_id, user_id in ImportRun.objects.values_list("pk", "user_id")
        for district_id in districts_of.get(user_id, [])
    ]
    Through.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0004_notes_length"),
        ("imports", "0001_initial"),
        ("rmp_portal", "0003_target"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="districts",
            field=models.ManyToManyField(
                blank=True,
                editable=False,
                related_name="import_runs",
                to="groups.district",
                verbose_name="districts",
            ),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="message",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="message",
            ),
        ),
        migrations.AddConstraint(
            model_name="importrun",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("message"), 2000
                ),
                name="import_run_message_length",
            ),
        ),
        migrations.RunPython(backfill_districts, migrations.RunPython.noop),
    ]
