from django.core.management.base import BaseCommand, CommandError

from projects.catalogue import FixtureError, catalogue_files, load_catalogue
from projects.models import Project


class Command(BaseCommand):
    help = (
        "Load the catalogue content from fixtures/. Safe to run again: rows an editor has "
        "changed since they were loaded are kept and reported."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Load only when the database holds no projects yet."
        )
        parser.add_argument("files", nargs="*", help="Fixture files to load instead of the whole catalogue.")

    def handle(self, *args, if_empty=False, files=(), verbosity=1, **options):
        if if_empty and Project.objects.exists():
            self.stdout.write("The database already holds projects; nothing loaded.")
            return
        try:
            report = load_catalogue(files or catalogue_files())
        except FixtureError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {len(report.created)}, updated {len(report.updated)}, "
                f"unchanged {report.unchanged}, skipped {len(report.skipped)}."
            )
        )
        if verbosity > 1:
            for label in report.created:
                self.stdout.write(f"  created {label}")
            for label in report.updated:
                self.stdout.write(f"  updated {label}")
        for reason in report.skipped:
            self.stdout.write(self.style.WARNING(f"  skipped {reason}"))
