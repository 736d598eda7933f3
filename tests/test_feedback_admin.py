"""The feedback inbox in the admin: what editors see, filter and mark, and what they cannot do."""

from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.models import Feedback

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:feedback_feedback_changelist"


def make_feedback(**overrides):
    values = {"page": "/projekt/pp7/", "answer": "yes", "language": "sv", "client": "0" * 64} | overrides
    return Feedback.objects.create(**values)


def listed(response):
    return list(response.context["cl"].result_list)


def test_the_inbox_lists_unread_first_then_newest(editor_client):
    old_unread = make_feedback(comment="först")
    read = make_feedback(comment="läst", is_read=True)
    new_unread = make_feedback(comment="senast")

    response = editor_client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert listed(response) == [new_unread, old_unread, read]


def test_the_inbox_filters_by_page(editor_client):
    pp7 = make_feedback(page="/projekt/pp7/")
    make_feedback(page="/projekt/eurlo/")

    response = editor_client.get(reverse(CHANGELIST), {"page": "/projekt/pp7/"})

    assert listed(response) == [pp7]


def test_the_inbox_filters_by_answer(editor_client):
    make_feedback(answer="yes")
    no = make_feedback(answer="no")

    response = editor_client.get(reverse(CHANGELIST), {"answer__exact": "no"})

    assert listed(response) == [no]


def test_the_inbox_filters_by_read(editor_client):
    unread = make_feedback()
    make_feedback(is_read=True)

    response = editor_client.get(reverse(CHANGELIST), {"is_read__exact": "0"})

    assert listed(response) == [unread]


def test_the_inbox_searches_the_comments(editor_client):
    make_feedback(comment="Bra sida")
    wanted = make_feedback(comment="Länken till nyhetsbrevet fungerar inte")

    response = editor_client.get(reverse(CHANGELIST), {"q": "nyhetsbrevet"})

    assert listed(response) == [wanted]


def test_marking_as_read_and_unread(editor_client):
    first, second, other = make_feedback(), make_feedback(), make_feedback()

    response = editor_client.post(
        reverse(CHANGELIST), {"action": "mark_as_read", "_selected_action": [first.pk, second.pk]}, follow=True
    )

    assert "2 svar markerade som lästa." in response.text
    assert set(Feedback.objects.filter(is_read=True)) == {first, second}

    editor_client.post(reverse(CHANGELIST), {"action": "mark_as_unread", "_selected_action": [first.pk]})
    assert set(Feedback.objects.filter(is_read=True)) == {second}
    other.refresh_from_db()
    assert not other.is_read


def test_the_page_links_to_the_public_page(editor_client):
    make_feedback(page="/en/projekt/pp7/")

    response = editor_client.get(reverse(CHANGELIST))

    assert '<a href="/en/projekt/pp7/">/en/projekt/pp7/</a>' in response.text


def test_a_comment_is_shown_as_text_never_as_html(editor_client):
    comment = "<script>alert('x')</script><b>fet</b>"
    feedback = make_feedback(comment=comment)

    for url in [reverse(CHANGELIST), reverse("admin:feedback_feedback_change", args=[feedback.pk])]:
        response = editor_client.get(url)
        assert "<script>alert" not in response.text
        assert "<b>fet</b>" not in response.text
        assert escape("<script>alert(") in response.text


def test_a_long_comment_is_shortened_in_the_list(editor_client):
    make_feedback(comment="ord " * 100)

    response = editor_client.get(reverse(CHANGELIST))

    assert "ord " * 100 not in response.text
    assert "ord ord ord" in response.text


def test_only_read_can_be_changed(editor_client):
    feedback = make_feedback(comment="Originalet")

    editor_client.post(
        reverse("admin:feedback_feedback_change", args=[feedback.pk]),
        {"is_read": "on", "comment": "Ändrad", "page": "/annan/", "answer": "no"},
    )

    feedback.refresh_from_db()
    assert feedback.is_read
    assert (feedback.comment, feedback.page, feedback.answer) == ("Originalet", "/projekt/pp7/", "yes")


def test_feedback_cannot_be_added_in_the_admin(editor_client):
    response = editor_client.get(reverse(CHANGELIST))
    add_url = reverse("admin:feedback_feedback_add")

    assert add_url not in response.text
    assert editor_client.get(add_url).status_code == 403


def test_the_inbox_queries_do_not_grow_with_the_rows(editor_client):
    """The list shows plain columns of one table: no query per row (no N+1)."""
    make_feedback()
    with CaptureQueriesContext(connection) as few:
        editor_client.get(reverse(CHANGELIST))
    for number in range(20):
        make_feedback(page=f"/projekt/p{number % 3}/", comment=f"kommentar {number}")
    with CaptureQueriesContext(connection) as many:
        editor_client.get(reverse(CHANGELIST))

    assert len(many) == len(few)
