"""The shared page cache: kept pages are the same for everyone, and an editor's change is seen at once."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from projects.models import CatalogueVersion, Project
from tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True


def test_a_page_asked_for_again_comes_from_the_cache(client, catalogue, django_assert_num_queries):
    """Only the catalogue version is read for a kept page."""
    url = reverse("projects:list") + "?status=ongoing&fund=amif"
    first = client.get(url)
    with django_assert_num_queries(1):
        again = client.get(url)
    assert again.status_code == 200 and again.content == first.content
    assert "Content-Security-Policy" in again.headers and "nonce" not in again.headers["Content-Security-Policy"]


def test_a_kept_page_carries_nothing_of_one_visitor(client, catalogue):
    """No cookie, no CSRF token: nothing that is one visitor's goes to the next."""
    url = reverse("projects:detail", kwargs={"slug": "eurlo"})
    client.get(url)
    again = Client().get(url)
    assert not again.cookies and "csrfmiddlewaretoken" not in again.text and "csrftoken" not in str(again.headers)


def test_an_editors_change_is_seen_on_the_next_request(client, catalogue):
    detail = reverse("projects:detail", kwargs={"slug": "eurlo"})
    listed = reverse("projects:list") + "?status=closed"
    assert "EURLO" not in client.get(listed).text
    assert "Ny sammanfattning" not in client.get(detail).text
    version = CatalogueVersion.objects.current()
    project = Project.objects.get(slug="eurlo")
    project.summary, project.description, project.status = "Ny sammanfattning.", "Ny text.", Project.Status.CLOSED
    project.end_date, project.end_precision = project.start_date, project.start_precision
    project.save()
    assert CatalogueVersion.objects.current() != version
    assert "Ny text." in client.get(detail).text
    assert "EURLO" in client.get(listed).text


def test_a_change_to_a_partner_alone_is_seen_too(client, catalogue):
    """Every content model moves the version: here an organisation's name, shown on many pages."""
    url = reverse("projects:detail", kwargs={"slug": "eu-frank"})
    client.get(url)
    unhcr = Project.objects.get(slug="eu-frank").participations.get(organisation__slug="unhcr").organisation
    unhcr.name = "FN:s flyktingorgan"
    unhcr.save()
    assert "FN:s flyktingorgan" in client.get(url).text


def test_editors_are_never_served_a_kept_page_and_never_fill_one(catalogue, editor_client):
    draft = make_project(name="Hemligt utkast", slug="utkast", is_published=False)
    preview = editor_client.get(draft.get_absolute_url())
    assert "Förhandsvisning" in preview.text
    anonymous = Client()
    assert anonymous.get(draft.get_absolute_url()).status_code == 404
    home = reverse("projects:home")
    assert "Hemligt utkast" not in anonymous.get(home).text
    editor_client.get(home)
    assert "Hemligt utkast" not in anonymous.get(home).text


def test_a_page_that_shows_a_message_is_not_kept(client, django_assert_max_num_queries):
    for _ in range(45):
        make_project()
    url = reverse("projects:list") + "?page=99"
    assert "det finns ingen sida 99" in client.get(url).text.lower()
    with django_assert_max_num_queries(30) as queries:
        assert "det finns ingen sida 99" in Client().get(url).text.lower()
    assert len(queries) > 1  # rendered again, not served from the cache


def test_languages_are_kept_apart(client):
    make_project(name="Projektet")
    assert 'lang="sv"' in client.get("/projekt/").text.split(">", 2)[1]
    english = client.get("/en/projekt/").text
    assert '<html lang="en">' in english and "1 project matches" in english
    assert '<html lang="sv">' in client.get("/projekt/").text


def test_the_feedback_state_in_the_address_is_not_kept(client, page_content_free_project):
    url = page_content_free_project.get_absolute_url()
    client.get(url + "?feedback=tack")
    assert client.get(url + "?feedback=tack").context is not None  # rendered, so not from the cache


@pytest.fixture
def page_content_free_project():
    return make_project()


def test_without_a_reachable_cache_the_page_is_still_served(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    make_project(name="Utan cache")
    response = client.get(reverse("projects:list"))
    assert response.status_code == 200 and "Utan cache" in response.text


def test_the_anonymous_user_is_the_only_one_served_from_the_cache():
    """A sanity check of the rule itself: a session cookie means no cache, whoever it belongs to."""
    from django.test import RequestFactory

    from projects.pagecache import is_for_everyone

    request = RequestFactory().get("/", headers={"Cookie": "sessionid=abc"})
    request.user = AnonymousUser()
    request._messages = []
    assert not is_for_everyone(request)


def test_a_value_kept_here_is_asked_of_the_shared_cache_once_and_the_process_keeps_a_bounded_number():
    from django.core.cache import cache as shared

    from portal.cache import LOCAL_KEPT, read_or_compute_kept_here

    computed = []

    def compute():
        computed.append(1)
        return "texts"

    assert read_or_compute_kept_here("texts:1", compute, 60) == "texts"
    shared.clear()  # gone from the shared cache: the process still has it
    assert read_or_compute_kept_here("texts:1", compute, 60) == "texts"
    assert len(computed) == 1
    for number in range(LOCAL_KEPT):
        read_or_compute_kept_here(f"other:{number}", compute, 60)
    shared.clear()
    read_or_compute_kept_here("texts:1", compute, 60)  # pushed out by the newer ones: computed again
    assert len(computed) == 2 + LOCAL_KEPT


def test_a_kept_feed_is_kept_apart_for_each_scheme_and_host(client, settings, django_assert_num_queries):
    """A feed's links are absolute, made of the request's scheme and host: one host's feed is never
    served to another, nor plain HTTP's over HTTPS."""
    settings.ALLOWED_HOSTS = ["projekt.example.se", "other.example.se"]
    make_project(slug="ett")
    url = reverse("projects:feed")
    first = client.get(url, headers={"host": "projekt.example.se"})
    assert "http://projekt.example.se/projekt/ett/" in first.text
    assert "Last-Modified" in first.headers
    with django_assert_num_queries(1):
        again = client.get(url, headers={"host": "projekt.example.se"})
    assert again.content == first.content and again["Last-Modified"] == first["Last-Modified"]
    assert again["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert "http://other.example.se/projekt/ett/" in client.get(url, headers={"host": "other.example.se"}).text
    secure = client.get(url, headers={"host": "projekt.example.se"}, secure=True).text
    assert "https://projekt.example.se/projekt/ett/" in secure and "http://" not in secure.replace(
        "http://www.w3.org/2005/Atom", ""
    )
