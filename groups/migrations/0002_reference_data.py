"""Load the provinces, districts, jamoats and activity types the programme works with from
groups/reference/*.csv, so every database has them after `migrate`."""

import csv
from pathlib import Path

from django.db import migrations

from rmp_portal.core.text import search_key

REFERENCE = Path(__file__).resolve().parent.parent / "reference"


def rows(name):
    with open(REFERENCE / name, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def load(apps, schema_editor):
    Province = apps.get_model("groups", "Province")
    District = apps.get_model("groups", "District")
    Jamoat = apps.get_model("groups", "Jamoat")
    ActivityType = apps.get_model("groups", "ActivityType")

    provinces = {}
    for row in rows("provinces.csv"):
        provinces[row["code"]], _ = Province.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name_en"], "name_ru": row["name_ru"], "name_tg": row["name_tg"]},
        )
    districts = {}
    for row in rows("districts.csv"):
        names = (row["name_en"], row["name_ru"], row["name_tg"], row["former_names_en"])
        districts[row["name_en"]], _ = District.objects.update_or_create(
            province=provinces[row["province_code"]],
            name=row["name_en"],
            defaults={
                "kind": row["kind"],
                "name_ru": row["name_ru"],
                "name_tg": row["name_tg"],
                "former_names": row["former_names_en"],
                "search_key": search_key(*names),
            },
        )
    for row in rows("jamoats.csv"):
        Jamoat.objects.update_or_create(
            district=districts[row["district_en"]],
            name=row["name_en"],
            defaults={"name_tg": row["name_tg"], "kind": row["kind"]},
        )
    for row in rows("activities.csv"):
        ActivityType.objects.update_or_create(
            name=row["name_en"], defaults={"name_ru": row["name_ru"], "name_tg": row["name_tg"]}
        )


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
