"""Members' phone numbers in one format: E.164 ("+992921234567").

Every stored number is read as the member form now reads a typed one
(rmp_portal.core.phones.normalize_phone: Tajikistan by default, foreign numbers with their
country code) and, if it is a valid number, written in E.164, with its `phone_digits` (the
search digits, rmp_portal.core.text.phone_key, as Member.refresh_derived() computes them). A
value that is not a valid number ("92 12") is left as it was: nobody can tell what was meant,
so the data-quality page lists it to be corrected.

Each member whose number changes gets a history row saying why, so their history page shows
the new format as the migration's change, not as the next editor's. Batches by id, one bulk
UPDATE and one bulk INSERT a batch, as the name key's backfill (0004)."""

from django.db import migrations
from django.utils import timezone

from rmp_portal.core.phones import normalized_or_as_is
from rmp_portal.core.text import phone_key

BATCH = 2000
REASON = "phone number in E.164 (migration members.0006)"
_HISTORY_OWN = {"history_id", "history_date", "history_change_reason", "history_type",
                "history_user"}  # fmt: skip


def normalise_phones(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    History = apps.get_model("members", "HistoricalMember")
    alias = schema_editor.connection.alias
    manager = Member.objects.using(alias)
    copied = [
        f.attname for f in History._meta.concrete_fields if f.name not in _HISTORY_OWN
    ]  # the member's own columns, as the historical model names them
    last = 0
    while True:
        batch = list(manager.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            break
        last = batch[-1].pk
        changed = []
        for member in batch:
            phone = normalized_or_as_is(member.phone)
            digits = phone_key(phone)
            if (phone, digits) != (member.phone, member.phone_digits):
                member.phone, member.phone_digits = phone, digits
                changed.append(member)
        if not changed:
            continue
        manager.bulk_update(changed, ["phone", "phone_digits"], batch_size=BATCH)
        now = timezone.now()
        History.objects.using(alias).bulk_create(
            [
                History(
                    **{name: getattr(member, name) for name in copied},
                    history_date=now,
                    history_type="~",
                    history_change_reason=REASON,
                )
                for member in changed
            ],
            batch_size=BATCH,
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0005_member_skills_length")]

    operations = [
        migrations.RunPython(normalise_phones, migrations.RunPython.noop, elidable=True),
    ]
