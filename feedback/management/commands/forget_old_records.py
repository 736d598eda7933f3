"""Delete what the site keeps about people once its time is up, as the privacy page says.

    .venv/bin/python manage.py forget_old_records     # daily, e.g. from cron or a systemd timer

Login records (django-axes: attempts, failures and the log of logins, with address and browser)
older than LOGIN_RECORDS_DAYS; page feedback older than FEEDBACK_DAYS; and, after
FEEDBACK_CLIENT_HOURS, the keyed hash of the address a feedback row keeps for the rate limit.
"""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from feedback.models import Feedback


def forget_old_records(now=None):
    """Delete and clear what is past its time; returns {what: how many rows}."""
    now = now or timezone.now()
    logins = now - timedelta(days=settings.LOGIN_RECORDS_DAYS)
    with transaction.atomic():
        done = {
            "login attempts": AccessAttempt.objects.filter(attempt_time__lt=logins).delete()[0],
            "failed logins": AccessFailureLog.objects.filter(attempt_time__lt=logins).delete()[0],
            "logins": AccessLog.objects.filter(attempt_time__lt=logins).delete()[0],
            "feedback": Feedback.objects.filter(created__lt=now - timedelta(days=settings.FEEDBACK_DAYS)).delete()[0],
        }
        clients = Feedback.objects.filter(created__lt=now - timedelta(hours=settings.FEEDBACK_CLIENT_HOURS))
        done["feedback client hashes"] = clients.exclude(client="").update(client="")
    return done


class Command(BaseCommand):
    help = "Delete login records and page feedback older than the privacy page says they are kept."

    def handle(self, *args, **options):
        done = forget_old_records()
        self.stdout.write(", ".join(f"{what}: {count}" for what, count in done.items()))
