"""`manage.py load_demo_data`: the published programme as demo data (devdata.demo)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rmp_portal.devdata import demo


class Command(BaseCommand):
    help = (
        "Load deterministic demo data matching the programme's published figures (482 groups, "
        "2,884 women, 71 men, the Guncha cooperative) and the demo accounts (password "
        f"{demo.DEMO_PASSWORD!r}). Does nothing if the database already has groups."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo accounts share a published password).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this may be a production database: load_demo_data creates "
                "accounts with a published password. Run it with --force if you really mean it."
            )
        summary = demo.load()
        if summary.accounts_created:
            self.stdout.write(
                f"Demo accounts created: {', '.join(summary.accounts_created)} "
                f"(password {demo.DEMO_PASSWORD!r})."
            )
        if summary.loaded:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write(
                self.style.WARNING(
                    "The database already has self-help groups: demo data left as it is."
                )
            )
        self.stdout.write(
            f"Groups: {summary.groups} active ({summary.groups_sughd} Sughd, "
            f"{summary.groups_rasht} Rasht Valley); current members: {summary.women:,} women, "
            f"{summary.men} men; cooperatives: {summary.cooperatives}."
        )
