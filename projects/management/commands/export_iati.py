import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects import iati
from projects.filters import ProjectFilterSet


class Command(BaseCommand):
    help = (
        "Write the published catalogue as an IATI 2.03 activities file, as /iati/activities.xml serves it. "
        "The file is replaced only once the new one is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="the file to write, e.g. iati-activities.xml")

    def handle(self, *args, output, verbosity=1, **options):
        writer = iati.ActivityWriter()
        projects = iati.in_batches(ProjectFilterSet(queryset=iati.exported_projects()).results())
        document = writer.document_if_valid(projects)
        if document is None:
            raise CommandError(
                "No published project can be an IATI activity, and a document holds at least one; "
                f"{output} was left as it was."
            )
        path = Path(output)
        # Written beside the target and moved over it at the end: a failed export leaves the last good file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.writelines(document)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Wrote {writer.written} activities to {path}."))
        for slug, reason in writer.left_out:
            self.stdout.write(self.style.WARNING(f"  left out {slug}: {reason}"))
