"""A group's jamoat must lie in the group's district. This spans two tables, which a CHECK
constraint cannot express, so the database enforces it with triggers (SQLite and
PostgreSQL): a bad row raises IntegrityError whichever code path wrote it."""

from django.db import migrations

MESSAGE = "jamoat is not in the district of the group"

SQLITE = [
    f"""
    CREATE TRIGGER group_jamoat_in_district_{event.lower()}
    BEFORE {event} ON groups_selfhelpgroup
    WHEN NEW.jamoat_id IS NOT NULL AND NEW.district_id IS NOT
        (SELECT district_id FROM groups_jamoat WHERE id = NEW.jamoat_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
    for event in ("INSERT", "UPDATE")
] + [
    f"""
    CREATE TRIGGER jamoat_keeps_its_groups_district
    BEFORE UPDATE OF district_id ON groups_jamoat
    WHEN EXISTS (SELECT 1 FROM groups_selfhelpgroup
                 WHERE jamoat_id = NEW.id AND district_id != NEW.district_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS group_jamoat_in_district_insert;",
    "DROP TRIGGER IF EXISTS group_jamoat_in_district_update;",
    "DROP TRIGGER IF EXISTS jamoat_keeps_its_groups_district;",
]

POSTGRESQL = [
    f"""
    CREATE FUNCTION group_jamoat_in_district() RETURNS trigger AS $$
    BEGIN
        IF NEW.jamoat_id IS NOT NULL AND NEW.district_id IS DISTINCT FROM
           (SELECT district_id FROM groups_jamoat WHERE id = NEW.jamoat_id) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER group_jamoat_in_district BEFORE INSERT OR UPDATE ON groups_selfhelpgroup
    FOR EACH ROW EXECUTE FUNCTION group_jamoat_in_district();
    """,
    f"""
    CREATE FUNCTION jamoat_keeps_its_groups_district() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM groups_selfhelpgroup
                   WHERE jamoat_id = NEW.id AND district_id <> NEW.district_id) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER jamoat_keeps_its_groups_district BEFORE UPDATE OF district_id
    ON groups_jamoat FOR EACH ROW EXECUTE FUNCTION jamoat_keeps_its_groups_district();
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS group_jamoat_in_district ON groups_selfhelpgroup;",
    "DROP FUNCTION IF EXISTS group_jamoat_in_district();",
    "DROP TRIGGER IF EXISTS jamoat_keeps_its_groups_district ON groups_jamoat;",
    "DROP FUNCTION IF EXISTS jamoat_keeps_its_groups_district();",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("groups", "0002_reference_data")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
