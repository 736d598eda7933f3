import time

from django.core.management.base import BaseCommand

from projects import snapshots


class Command(BaseCommand):
    help = (
        "Take a snapshot of the page of every published project that has none or an out-of-date one, "
        "so that each page is read in one query from its first visit (after a load or a bulk change)."
    )

    def handle(self, *args, verbosity=1, **options):
        started = time.monotonic()
        taken = snapshots.take_all()
        if verbosity:
            self.stdout.write(f"Took {taken} snapshots in {time.monotonic() - started:.1f} s.")
