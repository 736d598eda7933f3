"""What the site keeps about people, for as long as the privacy page says, and not a day longer."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from feedback.management.commands.forget_old_records import forget_old_records
from feedback.models import Feedback
from tests.public_pages import public_addresses

pytestmark = pytest.mark.django_db


def test_the_privacy_page_says_what_is_stored_and_for_how_long_in_both_languages(client, settings):
    settings.LOGIN_RECORDS_DAYS, settings.FEEDBACK_DAYS = 60, 200
    swedish = client.get(reverse("projects:privacy")).content.decode()
    for words in ("csrftoken", "sessionid", "tas bort efter 200 dagar", "tas bort efter 60 dagar", "24 timmar"):
        assert words in swedish
    english = client.get("/en" + reverse("projects:privacy")).content.decode()
    assert "deleted after 200 days" in english and "after\n    60 days" in english and "csrftoken" in english
    assert 'href="/personuppgifter/">Personuppgifter och kakor</a>' in swedish  # in the footer
    # The cookie a post leaves with a replica (portal/replica.py), and what the logs keep.
    assert "<code>wrote</code> i 10 sekunder" in swedish and "<code>wrote</code> for 10\n    seconds" in english
    assert "inte din IP-adress" in swedish and "not\n    your IP address" in english


def test_reading_the_site_sets_no_cookie(client, catalogue):
    for address in public_addresses():
        response = client.get(address)
        assert not response.cookies, address


def login_record(model, days_ago, **fields):
    agent = f"Firefox {days_ago}"
    record = model.objects.create(user_agent=agent, ip_address="192.0.2.1", username="redaktor", **fields)
    model.objects.filter(pk=record.pk).update(attempt_time=timezone.now() - datetime.timedelta(days=days_ago))


def feedback(hours_ago, comment=""):
    row = Feedback.objects.create(page="/", answer="no", comment=comment, language="sv", client="abc123")
    Feedback.objects.filter(pk=row.pk).update(created=timezone.now() - datetime.timedelta(hours=hours_ago))
    return row.pk


def test_old_login_records_and_feedback_are_forgotten_and_recent_ones_kept(settings):
    settings.LOGIN_RECORDS_DAYS, settings.FEEDBACK_DAYS = 90, 365
    attempt_fields = {"get_data": "", "post_data": "", "failures_since_start": 1, "http_accept": "*/*"}
    login_record(AccessAttempt, 91, path_info="/admin/login/", **attempt_fields)
    login_record(AccessAttempt, 89, path_info="/admin/login/", **attempt_fields)
    login_record(AccessFailureLog, 100, path_info="/admin/login/", http_accept="*/*")
    login_record(AccessLog, 120, path_info="/admin/login/", http_accept="*/*")
    login_record(AccessLog, 2, path_info="/admin/login/", http_accept="*/*")
    old, a_week, an_hour = feedback(366 * 24), feedback(7 * 24, "Bra sida"), feedback(1)
    done = forget_old_records()
    assert done == {
        "login attempts": 1,
        "failed logins": 1,
        "logins": 1,
        "feedback": 1,
        "feedback client hashes": 1,
    }
    assert AccessAttempt.objects.count() == 1 and AccessLog.objects.count() == 1
    assert not AccessFailureLog.objects.exists()
    kept = dict(Feedback.objects.values_list("pk", "client"))
    assert kept == {a_week: "", an_hour: "abc123"} and old not in kept
    assert Feedback.objects.get(pk=a_week).comment == "Bra sida"  # the feedback itself stays its time


def test_the_command_says_what_it_did(capsys):
    feedback(400 * 24)
    call_command("forget_old_records")
    assert "feedback: 1" in capsys.readouterr().out
