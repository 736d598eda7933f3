import pytest
from django.urls import reverse

from projects.models import PageContent, Project
from tests.factories import make_document, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    from django.core.management import call_command

    call_command("load_catalogue")


def test_start_page_renders_every_published_project(client, catalogue):
    response = client.get(reverse("projects:home"))
    assert response.status_code == 200
    page = PageContent.objects.get()
    assert page.introduction in response.text
    for project in Project.objects.all():
        assert project.get_absolute_url() in response.text
        assert project.summary in response.text
    assert "2018-02-12" in response.text
    assert "EU-FRANK Nyhetsbrev 1 2017" in response.text
    assert "https://www.pragueprocess.eu" in response.text


def test_start_page_lists_ongoing_before_closed(client, catalogue):
    text = client.get(reverse("projects:home")).text
    closed_heading = text.index("Avslutade projekt")
    assert text.index("EURLO") < closed_heading < text.index("Söderköpingsprocessen")


def test_start_page_hides_unpublished_projects(client):
    make_project(name="Synlig")
    make_project(name="Utkast", is_published=False)
    text = client.get(reverse("projects:home")).text
    assert "Synlig" in text and "Utkast" not in text


def test_start_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    """Documents are prefetched: no query per project."""
    for _ in range(30):
        make_document(make_project())
    with django_assert_max_num_queries(4):
        response = client.get(reverse("projects:home"))
    assert response.status_code == 200


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("projects:home"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script" not in response.text and "style=" not in response.text


def test_unknown_project_gives_404(client):
    assert client.get(reverse("projects:detail", kwargs={"slug": "finns-inte"})).status_code == 404
