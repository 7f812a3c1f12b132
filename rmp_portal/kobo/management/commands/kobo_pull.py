"""`python manage.py kobo_pull <form>`: read a KoboToolbox form's submissions into a waiting
import run (rmp_portal.kobo.services.kobo_pull; docs/kobo.md), e.g. from cron."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rmp_portal.kobo import services
from rmp_portal.kobo.client import KoboError
from rmp_portal.kobo.models import KoboForm


class Command(BaseCommand):
    help = gettext_lazy(
        "Pull a KoboToolbox form's submissions into an import run that waits for its user to "
        "confirm it. Submissions already imported or waiting are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("form", help=_("The form's webhook name (slug) or its number."))

    def handle(self, *args, form, **options):
        found = KoboForm.objects.select_related("user").filter(slug=form).first()
        if found is None and form.isdigit():
            found = KoboForm.objects.select_related("user").filter(pk=int(form)).first()
        if found is None:
            raise CommandError(_("No KoboToolbox form “%(form)s”.") % {"form": form})
        try:
            intake = services.kobo_pull(form=found)
        except KoboError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            ngettext(
                "%(count)d submission read from KoboToolbox.",
                "%(count)d submissions read from KoboToolbox.",
                intake.received,
            )
            % {"count": intake.received}
        )
        if intake.without_id:
            self.stdout.write(
                _("%(count)d without a _uuid left out.") % {"count": intake.without_id}
            )
        self.stdout.write(
            ngettext(
                "%(count)d skipped: already imported or waiting for confirmation.",
                "%(count)d skipped: already imported or waiting for confirmation.",
                intake.skipped,
            )
            % {"count": intake.skipped}
        )
        run = intake.run
        if run is None:
            self.stdout.write(_("Nothing new to import."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Import #%(run)d: %(new)d new, %(updated)d updated, %(unchanged)d "
                    "unchanged, %(errors)d with errors. It waits for %(user)s to confirm it "
                    "at /imports/runs/%(run)d/."
                )
                % {
                    "run": run.pk,
                    "new": run.new_count,
                    "updated": run.updated_count,
                    "unchanged": run.unchanged_count,
                    "errors": run.error_count,
                    "user": found.user.get_username(),
                }
            )
        )
