"""`python manage.py generate_scale_data`: a national-size synthetic registry for benchmarks
(rmp_portal.devdata.scale; docs/scale-data.md)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from groups.models import GroupCodeCounter
from rmp_portal.devdata import scale


def non_negative_int(text: str) -> int:
    value = int(text.replace("_", "").replace(",", ""))
    if value < 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Fill a scratch database with deterministic synthetic data at national scale "
        "(default 100,000 self-help groups, 1,000,000 members, 5,000 cooperatives, 50,000 joint "
        "initiatives, 100,000 support activities) across the "
        "real districts. Refuses a database holding other data, or already generated data, "
        f"unless --force. Generated groups' notes start with {scale.MARKER!r}; no history "
        "records are written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--groups", type=non_negative_int, default=100_000)
        parser.add_argument("--members", type=non_negative_int, default=1_000_000)
        parser.add_argument(
            "--cooperatives",
            type=non_negative_int,
            default=None,
            help="Number of cooperatives (default: groups / 20).",
        )
        parser.add_argument(
            "--initiatives",
            type=non_negative_int,
            default=None,
            help="Number of joint initiatives (default: groups / 2).",
        )
        parser.add_argument(
            "--support-activities",
            type=non_negative_int,
            default=None,
            help="Number of support activities (default: as many as groups).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same rows.")
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            default=None,
            metavar="YYYY-MM-DD",
            help="Generate as if today were this day (default: today). Dates run up to the "
            "day before; the same seed and day give the same rows.",
        )
        parser.add_argument(
            "--batch-size",
            type=non_negative_int,
            default=scale.DEFAULT_BATCH_SIZE,
            help="Rows per COPY / executemany batch.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write even into a database that holds other or already generated data "
            "(adds a further batch; nothing is deleted).",
        )

    def handle(self, *args, **options):
        try:
            result = scale.generate(
                groups=options["groups"],
                members=options["members"],
                cooperatives=options["cooperatives"],
                initiatives=options["initiatives"],
                support_activities=options["support_activities"],
                seed=options["seed"],
                force=options["force"],
                batch_size=options["batch_size"],
                today=options["as_of"],
                progress=self.progress,
            )
        except scale.ScaleDataError as error:
            raise CommandError(str(error)) from error
        codes = ", ".join(
            f"{GroupCodeCounter.format_code(province, first)}…"
            f"{GroupCodeCounter.format_code(province, last)}"
            for province, (first, last) in sorted(result.codes.items())
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.groups:,} groups ({codes}), {result.members:,} members "
                f"({result.women:,} women, {result.men:,} men; {result.former:,} former; "
                f"{result.cyrillic:,} in Cyrillic), {result.cooperatives:,} cooperatives "
                f"({result.memberships:,} memberships), {result.initiatives:,} joint "
                f"initiatives, {result.support_activities:,} support activities in "
                f"{result.seconds:.1f} s."
            )
        )

    def progress(self, label: str, done: int, total: int, seconds: float) -> None:
        width = 30
        filled = width * done // total if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stderr.write(f"{label:<12} [{bar}] {done:>11,}/{total:,} … {seconds:6.1f} s")
