"""English keeps Django's own display formats (Nov. 24, 2026; 11/24/2026; 2,884), which the
test suite and exports already use. What changes is input: a date typed day first with dots
(24.11.2026), as everyone in Tajikistan writes it and as the date fields show it
(rmp_portal/core/widgets.py), is read in English too, and so are its digits alone (24112026,
from a phone's number pad, which has no dot); ISO (2026-11-24) is always accepted; and
slashes stay month first as Django's English has them. (Showing English dates day first as
well is a one-line change here, but several tests assert the US form.)"""

DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # 24.11.2026
    "%Y-%m-%d",  # 2026-11-24
    "%d%m%Y",  # 24112026
    "%d.%m.%y",  # 24.11.26
    "%m/%d/%Y",  # 11/24/2026
    "%m/%d/%y",  # 11/24/26
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
USE_THOUSAND_SEPARATOR = True  # documents the intent; Django takes the setting, see base.py
