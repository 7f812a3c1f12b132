"""The Django permission groups of the portal's roles. A user's StaffProfile role puts them in
the matching group (rmp_portal.services.staff_profile_sync_groups)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DOMAIN = [
    ("groups", "selfhelpgroup"),
    ("members", "member"),
    ("cooperatives", "cooperative"),
    ("cooperatives", "cooperativemembership"),
]
ROLE_GROUPS = {
    "Field officers": ("view", "add", "change"),
    "Managers": ("view",),
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in ROLE_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for action in actions for _app, model in DOMAIN]
        apps_labels = {app for app, _model in DOMAIN}
        group.permissions.set(
            Permission.objects.filter(
                codename__in=codenames, content_type__app_label__in=apps_labels
            )
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rmp_portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("groups", "0003_jamoat_in_group_district"),
        ("members", "0001_initial"),
        ("cooperatives", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
