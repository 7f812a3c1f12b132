"""Development: `make run`. DEBUG is on unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-dev-only-key-never-use-in-production")
if not DEBUG:  # noqa: F405
    # A real secret is required as soon as DEBUG is off, whatever the settings module.
    SECRET_KEY = env.str("SECRET_KEY")
