"""The default codes: one data element per figure, the female, male and default category
option combos, and an org unit row (no code yet) for every district, for admins to fill in."""

from django.db import migrations

DATA_ELEMENTS = {
    "members": "RMP_MEMBERS",
    "groups": "RMP_GROUPS",
    "cooperatives": "RMP_COOPERATIVES",
    "support_participants": "RMP_SUPPORT_PARTICIPANTS",
}
COMBOS = {"female": "FEMALE", "male": "MALE", "default": "default"}


def seed(apps, schema_editor):
    DataElement = apps.get_model("dhis2", "DataElement")
    CategoryOptionCombo = apps.get_model("dhis2", "CategoryOptionCombo")
    OrgUnit = apps.get_model("dhis2", "OrgUnit")
    District = apps.get_model("groups", "District")
    for figure, code in DATA_ELEMENTS.items():
        DataElement.objects.get_or_create(figure=figure, defaults={"code": code})
    for kind, code in COMBOS.items():
        CategoryOptionCombo.objects.get_or_create(kind=kind, defaults={"code": code})
    for district in District.objects.all():
        OrgUnit.objects.get_or_create(district=district)


class Migration(migrations.Migration):
    dependencies = [
        ("dhis2", "0001_initial"),
        ("groups", "0006_district_code"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
