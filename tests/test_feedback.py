"""Page feedback: yes or no, then a comment, without JavaScript, on every public page."""

import datetime
import hashlib
import hmac
import re
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from feedback.models import Feedback
from projects.models import CatalogueVersion, PageContent

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
QUESTION = "Fick du hjälp av informationen på den här sidan?"
THANKS_ANSWER = "Tack för ditt svar!"
PROMPT = "Berätta hur vi kan göra den här sidan bättre"
THANKS_COMMENT = "Tack för din kommentar!"


@pytest.fixture
def page_content():
    # The source page thanks with the same words twice; different ones here tell the two steps apart.
    return PageContent.objects.create(
        key="internationella-projekt",
        title="Internationella projekt",
        introduction="Inledning.",
        source_updated_on=datetime.date(2018, 2, 12),
        feedback_question=QUESTION,
        feedback_thanks_answer=THANKS_ANSWER,
        feedback_comment_prompt=PROMPT,
        feedback_thanks_comment=THANKS_COMMENT,
    )


def post_answer(client, *, answer="yes", page="/", **fields):
    data = {"page": page, "answer": answer, "website": "", **fields}
    return client.post(reverse("feedback:answer"), data, headers=SAME_ORIGIN)


def post_comment(client, *, token, comment, page="/", **fields):
    data = {"page": page, "token": token, "comment": comment, "website": "", **fields}
    return client.post(reverse("feedback:comment"), data, headers=SAME_ORIGIN)


def token_from(response):
    """The token the answer's redirect carries in ?feedback=."""
    return parse_qs(urlsplit(response["Location"]).query)["feedback"][0]


def answered(client, **kwargs):
    response = post_answer(client, **kwargs)
    assert response.status_code == 303
    return Feedback.objects.get(), token_from(response)


def render_block(path, **context):
    request = RequestFactory().get(path)
    return render_to_string("includes/feedback.html", context, request=request)


def test_whole_flow_without_javascript(client, page_content):
    """Question on the start page → yes → thanks and comment form → comment → thanks; the row holds it all."""
    home = reverse("projects:home")
    response = client.get(home)
    assert response.status_code == 200
    html = response.text
    assert '<section id="feedback" aria-labelledby="feedback-heading" class="feedback">' in html
    assert f'<h2 id="feedback-heading">{QUESTION}</h2>' in html
    assert f'<form method="post" action="{reverse("feedback:answer")}"' in html
    assert f'<input type="hidden" name="page" value="{home}">' in html
    assert 'name="csrfmiddlewaretoken"' not in html  # the page is the same for everyone; see sent_from_this_site
    assert '<button type="submit" name="answer" value="yes">Ja</button>' in html
    assert '<button type="submit" name="answer" value="no">Nej</button>' in html
    assert re.search(r'<input type="text" id="[\w-]+" name="website" value="" tabindex="-1" autocomplete="off">', html)

    response = post_answer(client, answer="yes", page=home)
    assert response.status_code == 303
    location = urlsplit(response["Location"])
    assert (location.path, location.fragment) == (home, "feedback")
    token = token_from(response)
    assert signing.loads(token, salt="feedback") == Feedback.objects.get().pk

    html = client.get(response["Location"]).text
    assert THANKS_ANSWER in html
    assert f'<label for="feedback-comment">{PROMPT}</label>' in html
    assert 'maxlength="2000" required' in html
    assert unescape(re.search(r'name="token" value="([^"]+)"', html)[1]) == token

    response = post_comment(client, token=token, comment="Fler kartor, tack.", page=home)
    assert response.status_code == 303
    assert response["Location"] == f"{home}?feedback=tack#feedback"
    html = client.get(response["Location"]).text
    assert THANKS_COMMENT in html
    assert "<textarea" not in html

    feedback = Feedback.objects.get()
    assert (feedback.page, feedback.answer, feedback.comment, feedback.language) == (
        home,
        Feedback.Answer.YES,
        "Fler kartor, tack.",
        "sv",
    )
    assert feedback.created is not None
    assert feedback.is_read is False


def test_client_is_a_keyed_hash_of_the_ip_not_the_ip(client, settings):
    feedback, _ = answered(client)
    expected = hmac.new(settings.SECRET_KEY.encode(), b"127.0.0.1", hashlib.sha256).hexdigest()
    assert feedback.client == expected
    assert "127.0.0.1" not in feedback.client


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/projekt/"},
        {},
    ],
    ids=["cross-site", "same-site", "other-origin", "null-origin", "other-referer", "says-nothing"],
)
def test_a_post_from_another_site_is_refused_and_stores_nothing(client, headers):
    """No CSRF token (the pages are cached for everyone): the browser's Fetch Metadata or Origin decides."""
    data = {"page": "/", "answer": "yes", "website": ""}
    response = client.post(reverse("feedback:answer"), data, headers=headers)
    assert response.status_code == 403
    assert "formuläret inte kom från den här webbplatsen" in response.text
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver"}, {"Referer": "http://testserver/projekt/"}],
    ids=["fetch-metadata", "origin", "referer"],
)
def test_a_post_from_a_page_of_this_site_is_taken(client, headers):
    response = client.post(reverse("feedback:answer"), {"page": "/", "answer": "yes", "website": ""}, headers=headers)
    assert response.status_code == 303
    assert Feedback.objects.count() == 1


def test_the_feedback_forms_carry_no_csrf_token_and_set_no_cookie(client):
    response = client.get(reverse("projects:home"))
    assert "csrfmiddlewaretoken" not in response.text
    assert not response.cookies


def test_filled_honeypot_stores_nothing_but_looks_like_success(client):
    response = post_answer(client, website="https://spam.example/")
    assert response.status_code == 303
    assert response["Location"] == "/?feedback=tack#feedback"
    assert not Feedback.objects.exists()


def test_filled_honeypot_on_the_comment_changes_nothing(client):
    feedback, token = answered(client)
    response = post_comment(client, token=token, comment="Köp billiga klockor", website="x")
    assert response.status_code == 303
    feedback.refresh_from_db()
    assert feedback.comment == ""


def test_eleventh_post_in_ten_minutes_is_refused(client):
    for _ in range(10):
        assert post_answer(client).status_code == 303
    response = post_answer(client)
    assert response.status_code == 429
    assert response["Retry-After"] == "600"  # the seconds left of the current ten minutes (conftest.py)
    assert "Du har skickat synpunkter många gånger på kort tid." in response.text
    assert Feedback.objects.count() == 10
    # Another client is counted on its own.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert post_answer(other).status_code == 303


def test_comment_over_the_rate_limit_is_kept_for_the_visitor(client):
    _, token = answered(client)
    for _ in range(9):
        post_answer(client)
    response = post_comment(client, token=token, comment="Min kommentar")
    assert response.status_code == 429
    assert "Min kommentar</textarea>" in response.text
    assert not Feedback.objects.exclude(comment="").exists()


def test_too_long_comment_is_refused_and_kept(client):
    feedback, token = answered(client)
    comment = "å" * 2001
    response = post_comment(client, token=token, comment=comment)
    assert response.status_code == 400
    html = response.text
    assert html.count("<h1") == 1
    assert re.search(r'<p class="field-error" id="feedback-comment-error">[^<]*2001[^<]*2000[^<]*</p>', html)
    assert 'aria-invalid="true" aria-describedby="feedback-comment-error"' in html
    assert f"\n{comment}</textarea>" in html
    assert f'name="token" value="{token}"' in html
    feedback.refresh_from_db()
    assert feedback.comment == ""


def test_line_breaks_count_as_one_character_as_in_the_browser(client):
    """Browsers send a line break as CRLF but count it once against maxlength; so does the portal."""
    feedback, token = answered(client)
    comment = "x" * 999 + "\r\n" + "x" * 1000
    assert post_comment(client, token=token, comment=comment).status_code == 303
    feedback.refresh_from_db()
    assert feedback.comment == "x" * 999 + "\n" + "x" * 1000


def test_nul_byte_is_dropped_and_markup_is_escaped(client):
    feedback, token = answered(client)
    comment = "Bra\x00 sida <script>alert(1)</script>"
    assert post_comment(client, token=token, comment=comment).status_code == 303
    feedback.refresh_from_db()
    assert feedback.comment == "Bra sida <script>alert(1)</script>"

    # Shown again (here because it is too long), the markup is text, not code.
    response = post_comment(client, token=token, comment=comment + "x" * 2000)
    assert response.status_code == 400
    assert "Bra sida &lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert(1)" not in response.text
    assert "\x00" not in response.text


def test_second_comment_with_the_same_token_does_not_overwrite_the_first(client):
    feedback, token = answered(client)
    assert post_comment(client, token=token, comment="Första").status_code == 303
    assert post_comment(client, token=token, comment="Andra").status_code == 303
    feedback.refresh_from_db()
    assert feedback.comment == "Första"


def test_tampered_token_is_refused_with_a_message(client):
    feedback, token = answered(client)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = post_comment(client, token=tampered, comment="Min kommentar")
    assert response.status_code == 400
    assert "Din kommentar kunde inte sparas" in response.text
    assert "Min kommentar</textarea>" in response.text
    feedback.refresh_from_db()
    assert feedback.comment == ""


def test_token_older_than_a_day_is_refused(client, monkeypatch):
    feedback, _ = answered(client)
    a_day_ago = int(time.time()) - 24 * 60 * 60 - 1
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(a_day_ago))
    old_token = signing.dumps(feedback.pk, salt="feedback")
    monkeypatch.undo()
    assert post_comment(client, token=old_token, comment="Sent").status_code == 400
    feedback.refresh_from_db()
    assert feedback.comment == ""


def test_token_for_a_deleted_answer_is_refused(client):
    feedback, token = answered(client)
    feedback.delete()
    assert post_comment(client, token=token, comment="Hallå?").status_code == 400


def test_missing_or_invalid_answer_is_refused(client):
    response = post_answer(client, answer="kanske")
    assert response.status_code == 400
    assert "Välj ja eller nej." in response.text
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "page",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "",
        "/\x00/evil.example",
    ],
)
def test_page_elsewhere_redirects_to_a_local_path(client, page):
    response = post_answer(client, page=page)
    assert response.status_code == 303
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc) == ("", "")
    assert location.path.startswith("/") and not location.path.startswith("//")
    assert "evil" not in response["Location"]
    assert Feedback.objects.get().page == location.path


def test_page_keeps_only_its_path(client):
    response = post_answer(client, page="/projekt/?status=ongoing#top")
    assert response["Location"].startswith("/projekt/?feedback=")
    assert Feedback.objects.get().page == "/projekt/"


@pytest.mark.parametrize("name", ["feedback:answer", "feedback:comment"])
def test_get_is_not_allowed(client, name):
    assert client.get(reverse(name)).status_code == 405


def test_english_page_asks_in_english_and_stores_english(client, page_content):
    with translation.override("en"):
        home = reverse("projects:home")
        answer_url = reverse("feedback:answer")
    assert home == "/en/"
    html = client.get(home).text
    assert "Did you find the information on this page helpful?" in html
    assert QUESTION not in html
    assert f'action="{answer_url}"' in html
    response = client.post(answer_url, {"page": home, "answer": "no"}, headers=SAME_ORIGIN)
    assert response.status_code == 303
    assert Feedback.objects.get().language == "en"
    html = client.get(response["Location"]).text
    assert "Thank you for helping us improve the website!" in html
    assert "Tell us how we can make this page better" in html


def test_swedish_texts_without_page_content_come_from_the_translations():
    with translation.override("sv"):
        html = render_block("/")
    assert "Fick du hjälp av informationen på den här sidan?" in html


def test_block_keeps_its_texts_under_the_catalogue_version(page_content, django_assert_num_queries):
    """The block reads the editors' texts once per catalogue version and language; an edit is seen at once."""
    page_content.feedback_question_sv = "Hjälpte sidan dig?"
    page_content.save()

    def render(path, **context):
        request = RequestFactory().get(path)
        request.catalogue_version = CatalogueVersion.objects.current()  # as the page has read it
        return render_to_string("includes/feedback.html", context, request=request)

    with translation.override("sv"), django_assert_num_queries(2):  # the version, then the texts
        assert "Hjälpte sidan dig?" in render("/projekt/")
    with translation.override("sv"), django_assert_num_queries(1):  # the version alone
        assert "Hjälpte sidan dig?" in render("/projekt/")
    with translation.override("sv"), django_assert_num_queries(1):
        assert "Hjälpte sidan dig?" in render("/", page=page_content)
    with translation.override("en"), django_assert_num_queries(2):  # the version, then the English texts
        html = render("/en/projekt/")
    assert "Hjälpte sidan dig?" not in html and "Did you find the information on this page helpful?" in html
    page_content.feedback_question_sv = "Fick du svar?"
    page_content.feedback_question_en = "Did this page answer your question?"
    page_content.save()
    with translation.override("sv"):
        assert "Fick du svar?" in render("/projekt/")
    with translation.override("en"):
        assert "Did this page answer your question?" in render("/en/projekt/")


def test_block_has_no_inline_style_or_script(page_content):
    """The Content Security Policy allows no inline style or script, and the block needs neither."""
    feedback = Feedback.objects.create(page="/", answer="yes", language="sv", client="x")
    for query in ("", f"?feedback={feedback.token}", "?feedback=tack"):
        html = render_block(f"/{query}")
        assert 'id="feedback"' in html
        assert "style" not in html and "<script" not in html
        assert not re.search(r"\son\w+=", html), "no event handler attributes"


def test_forged_feedback_parameter_shows_the_question(page_content):
    html = render_block("/?feedback=forged")
    assert "<textarea" not in html
    assert 'name="answer" value="yes"' in html


def test_database_refuses_a_comment_over_2000_characters():
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(page="/", answer="yes", language="sv", client="x", comment="x" * 2001)
    Feedback.objects.create(page="/", answer="yes", language="sv", client="x", comment="å" * 2000)
