from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rmp_portal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup written by `backup` into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            backup_restore(source=Path(file))
        except (BackupError, OSError) as error:
            raise CommandError(f"Restore failed: {error}") from error
        self.stdout.write(f"Restored {file}")
