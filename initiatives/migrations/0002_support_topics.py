"""The support topics the programme reports on, per kind, so every install has them; admins
add, rename or translate topics in Django admin."""

from django.db import migrations

from rmp_portal.core.text import search_key

# kind, English, Russian, Tajik
TOPICS = [
    ("economic", "Business training", "Обучение основам бизнеса", "Омӯзиши асосҳои соҳибкорӣ"),
    ("economic", "Grant", "Грант", "Грант"),
    ("economic", "Equipment", "Оборудование", "Таҷҳизот"),
    ("economic", "Micro-loan referral", "Направление на микрокредит", "Равона ба қарзи хурд"),
    (
        "social",
        "Psychosocial counselling",
        "Психосоциальное консультирование",
        "Машварати равонӣ-иҷтимоӣ",
    ),
    ("social", "Health", "Здоровье", "Саломатӣ"),
    ("social", "Family", "Семья", "Оила"),
    ("legal", "Legal consultation", "Юридическая консультация", "Машварати ҳуқуқӣ"),
    ("legal", "Documents", "Документы", "Ҳуҷҷатҳо"),
    ("legal", "Migrants' rights", "Права мигрантов", "Ҳуқуқҳои муҳоҷирон"),
]


def load(apps, schema_editor):
    SupportTopic = apps.get_model("initiatives", "SupportTopic")
    for kind, name, name_ru, name_tg in TOPICS:
        SupportTopic.objects.update_or_create(
            kind=kind,
            name=name,
            defaults={
                "name_ru": name_ru,
                "name_tg": name_tg,
                "search_key": search_key(name, name_ru, name_tg),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
