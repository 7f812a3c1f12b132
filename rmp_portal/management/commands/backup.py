from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rmp_portal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write a timestamped backup: a PostgreSQL custom-format dump, or a SQLite copy."

    def add_arguments(self, parser):
        parser.add_argument("--folder", default=str(Path(settings.BASE_DIR) / "backups"))

    def handle(self, *args, folder, **options):
        try:
            path = backup_create(folder=Path(folder))
        except (BackupError, OSError) as error:
            raise CommandError(f"Backup failed: {error}") from error
        self.stdout.write(str(path))
