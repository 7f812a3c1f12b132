"""`manage.py dhis2_export --period 2026Q3 [--out file.json] [--send]`: a period's figures as
a DHIS2 dataValueSets file, or sent to DHIS2 after a dry run (docs/dhis2.md)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rmp_portal.dhis2 import services
from rmp_portal.dhis2.periods import parse_period


class Command(BaseCommand):
    @property
    def help(self):
        # argparse needs text, not a lazy string: translated when the parser is made.
        return str(
            _(
                "Write a period's figures per district as a DHIS2 dataValueSets file, or send "
                "them to DHIS2 (a dry run first; the real send only if the dry run has no "
                "conflicts)."
            )
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", required=True, help=gettext("Monthly YYYYMM (202609) or quarterly YYYYQn.")
        )
        parser.add_argument(
            "--out",
            help=gettext("The file to write (default: dhis2-<period>.json; “-”: standard output)."),
        )
        parser.add_argument(
            "--send",
            action="store_true",
            help=gettext("Send to DHIS2_URL: a dry run, then for real."),
        )
        parser.add_argument(
            "--dry-run-only",
            action="store_true",
            help=gettext("With --send: stop after DHIS2's dry run, send nothing."),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext("With --send: send even if the dry run reports conflicts."),
        )

    def handle(self, *args, period, out=None, send=False, dry_run_only=False, force=False, **_o):
        if (dry_run_only or force) and not send:
            raise CommandError(_("--dry-run-only and --force go with --send."))
        try:
            parsed = parse_period(period)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        payload = services.build_payload(period=parsed)
        for notice in payload.notices():
            self.stderr.write(self.style.WARNING(notice))
        if out or not send:
            self._write(payload, out or f"dhis2-{parsed.code}.json")
        if not send:
            return
        try:
            result = services.send(
                payload=payload, dry_run_only=dry_run_only, force=force, report=self._report
            )
        except services.Dhis2Error as error:
            raise CommandError(error.message) from None
        if result.stopped:
            raise CommandError(
                _(
                    "Not sent: the dry run reported conflicts. Fix the codes in admin, or run "
                    "again with --force to send anyway."
                )
            )
        if result.sent is None:
            self.stdout.write(str(_("Dry run only: nothing was sent.")))

    def _write(self, payload, out: str) -> None:
        if out == "-":
            self.stdout.write(payload.to_json())
            return
        try:
            Path(out).write_text(payload.to_json() + "\n", encoding="utf-8")
        except OSError as error:
            raise CommandError(
                _("Could not write %(file)s: %(reason)s") % {"file": out, "reason": error.strerror}
            ) from None
        self.stdout.write(
            str(
                _("%(count)s data values for %(period)s written to %(file)s.")
                % {"count": payload.values, "period": payload.period.code, "file": out}
            )
        )

    def _report(self, summary) -> None:
        lines = summary.lines()
        style = self.style.WARNING if summary.has_problems else self.style.SUCCESS
        self.stdout.write(style(lines[0]))
        for line in lines[1:]:
            self.stdout.write(line)
