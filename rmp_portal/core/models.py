"""Abstract bases every domain app's models build on: reference records named in the three UI
languages, and records that keep who created and last changed them. Abstract, so this module
adds no table and knows no app."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Length, NullIf
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

_NAME_FALLBACKS = {"ru": ("name_ru", "name_tg"), "tg": ("name_tg", "name_ru")}


def localized_name_order(queryset, *first: str):
    """`queryset` of a ReferenceName model sorted by the name shown in the current language
    (after the `first` fields), so that choices read in alphabetical order in Russian and
    Tajik too."""
    language = (get_language() or "en")[:2]
    names = [NullIf(F(field), Value("")) for field in _NAME_FALLBACKS.get(language, ())]
    return queryset.order_by(*first, Coalesce(*names, F("name")) if names else "name")


class ReferenceName(models.Model):
    """A reference record named in the three UI languages; `name` is the English one."""

    name = models.CharField(_("name (English)"), max_length=120)
    name_ru = models.CharField(_("name (Russian)"), max_length=120, blank=True)
    name_tg = models.CharField(_("name (Tajik)"), max_length=120, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        """The name in the current language. A Russian or Tajik reader without a name in
        their language gets the other Cyrillic one before the English: most jamoats have
        only a Tajik name, which a Russian reader in Tajikistan reads as it is written."""
        language = (get_language() or "en")[:2]
        for field in _NAME_FALLBACKS.get(language, ()):
            if value := getattr(self, field):
                return value
        return self.name


class Tracked(models.Model):
    """Who created and last changed a record, and when."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("updated by"),
    )

    class Meta:
        abstract = True


# Free text (notes, descriptions, skills) is limited where it is stored, so that a form, an
# import, the admin and the API are all refused the same way: a validator gives the message
# in the user's language, a check constraint holds in the database. Django's own TextField
# max_length only sizes the form widget.
NOTES_MAX_LENGTH = 2000


def limited_text(verbose_name, *, max_length: int = NOTES_MAX_LENGTH, **kwargs) -> models.TextField:
    """A TextField refused over `max_length` characters (pair it with `length_at_most`)."""
    return models.TextField(
        verbose_name,
        max_length=max_length,
        validators=[MaxLengthValidator(max_length)],
        **kwargs,
    )


def length_at_most(field: str, max_length: int, *, name: str) -> models.CheckConstraint:
    """The database's side of `limited_text`: the column never holds more characters."""
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), max_length), name=name)
