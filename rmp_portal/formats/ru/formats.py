"""Russian (and Tajik) dates and numbers as the programme's reports write them: 24.11.2026,
2 884.

Django's own Russian formats spell the month out and accept only
dd.mm.yyyy as input; forms here also take its digits alone (24112026, typed on a phone's
number pad, which has no dot) and ISO dates (2026-11-24, from links and older clients).
Django reads USE_THOUSAND_SEPARATOR from settings only, not from format modules (see
rmp_portal/settings/base.py); figures are grouped with |intcomma, which uses the separator
below."""

DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "m.Y"
MONTH_DAY_FORMAT = "d.m"
FIRST_DAY_OF_WEEK = 1  # Monday

# Typed dates first: the date fields are text boxes showing dd.mm.yyyy
# (rmp_portal/core/widgets.py); then ISO, and the digits alone.
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d%m%Y"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a non-breaking space: 2 884
NUMBER_GROUPING = 3
USE_THOUSAND_SEPARATOR = True  # documents the intent; Django takes the setting, see above
