"""Messages of Django and of the packages the portal uses that reach our pages but have no
Tajik translation in those packages' own catalogues (Django's Tajik catalogue is incomplete;
django-simple-history has none). Marked here, they are extracted by makemessages into
locale/*/django.po, and a project catalogue (LOCALE_PATHS) takes precedence over the
packages' own. The msgids must stay exactly as the packages write them (curly quotes
included). This module is never imported: makemessages only reads it.

tests/i18n/test_pages_translated.py finds more of these if a page shows one."""

from django.utils.translation import gettext_noop, ngettext_lazy

# django-simple-history: the kind of change in a record's history.
gettext_noop("Created")
gettext_noop("Changed")
gettext_noop("Deleted")

# Django's form validation.
ngettext_lazy(
    "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
ngettext_lazy(
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
gettext_noop("“%(pk)s” is not a valid value.")
gettext_noop(
    "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be "
    "ambiguous or it may not exist."
)

# django.contrib.auth: changing one's password.
gettext_noop("The two password fields didn’t match.")
ngettext_lazy(
    "This password is too short. It must contain at least %(min_length)d character.",
    "This password is too short. It must contain at least %(min_length)d characters.",
    "min_length",
)
ngettext_lazy(
    "Your password must contain at least %(min_length)d character.",
    "Your password must contain at least %(min_length)d characters.",
    "min_length",
)
gettext_noop("Your password can’t be too similar to your other personal information.")
gettext_noop("Your password can’t be a commonly used password.")
gettext_noop("Your password can’t be entirely numeric.")
