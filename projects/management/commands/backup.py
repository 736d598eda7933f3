from django.core.management.base import BaseCommand, CommandError

from projects.backups import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the uploaded files, with a manifest of checksums, in one tar file."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="the folder to write the backup in (default backups/)")

    def handle(self, *args, output, **options):
        try:
            path = make_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(path))
