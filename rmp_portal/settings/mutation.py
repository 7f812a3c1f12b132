"""`make mutation` (docs/testing.md): the test settings on one SQLite file that every mutant's
test run reuses (pytest --reuse-db), instead of migrating a new in-memory database for each
of the thousands of runs. Transactions start IMMEDIATE and wait for each other, so two
mutants tested at once take turns on the file instead of failing with "database is
locked"."""

from .test import *  # noqa: F403
from .test import BASE_DIR

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(BASE_DIR / "mutation.sqlite3"),
        "OPTIONS": {"timeout": 120, "transaction_mode": "IMMEDIATE"},
        "TEST": {"NAME": str(BASE_DIR / "mutation-test.sqlite3")},
    }
}
