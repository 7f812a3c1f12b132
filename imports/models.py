from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import District
from rmp_portal.core import access
from rmp_portal.core.models import length_at_most, limited_text

MESSAGE_MAX_LENGTH = 2000


class ImportRun(models.Model):
    """One spreadsheet brought in: the parsed rows are kept here between the preview and the
    confirmation (not in the session), and the counts of what the last check found.

    `districts` is what the run *covers*: the districts its uploader edited when the file was
    uploaded (a field officer's districts; none for an admin), recorded once by save(). An
    import can only write records of those districts, so a manager whose provinces include
    one of them may see the run (imports.selectors.runs_visible); it does not change when the
    uploader is later given other districts."""

    class Kind(models.TextChoices):
        GROUPS = "groups", _("self-help groups")
        MEMBERS = "members", _("members")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        COMMITTED = "committed", _("imported")
        DISCARDED = "discarded", _("discarded")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_runs",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PREVIEWED)
    all_or_nothing = models.BooleanField(_("all or nothing"), default=False)
    new_count = models.PositiveIntegerField(_("new"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # Rows brought by another system (KoboToolbox) rather than a file: those whose source id
    # was already on a record or waiting in an open run were left out, and counted here.
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    message = limited_text(_("message"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    districts = models.ManyToManyField(
        District,
        blank=True,
        editable=False,
        related_name="import_runs",
        verbose_name=_("districts"),
    )
    # The upload as read: header cells and data rows (cells as text, numbers, ISO dates or
    # {"error": ...} markers), re-checked on confirmation.
    headers = models.JSONField(default=list, editable=False)
    rows = models.JSONField(default=list, editable=False)
    # Per row, the id it was made with elsewhere (a KoboToolbox submission's `_uuid`), stored
    # on the record it creates; empty for a file.
    source_ids = models.JSONField(default=list, editable=False)
    # The preview: per row its status, messages and changes, in the uploader's language.
    results = models.JSONField(default=list, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["groups", "members"]), name="import_run_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["previewed", "committed", "discarded", "failed"]),
                name="import_run_status_valid",
            ),
            length_at_most("message", MESSAGE_MAX_LENGTH, name="import_run_message_length"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    def save(self, *args, **kwargs):
        # What the run covers is derived once, when it is first stored (the upload).
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            self.districts.set(access.scope_for(self.user).edit_district_ids)

    @property
    def change_reason(self) -> str:
        """What the change history of every record this run writes says (a link to here)."""
        return f"import #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PREVIEWED
