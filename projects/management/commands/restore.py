from django.core.management.base import BaseCommand, CommandError

from projects.backups import BackupError, describe, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database, checking it against its manifest."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup's tar file")

    def handle(self, *args, file, **options):
        try:
            manifest = restore_backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the backup {describe(manifest)}.")
