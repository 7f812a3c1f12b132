"""Tajik dates and numbers: the same as Russian (rmp_portal/formats/ru/formats.py), as the
programme's reports write them in both languages: 24.11.2026 and 2 884."""

from rmp_portal.formats.ru.formats import *  # noqa: F403
