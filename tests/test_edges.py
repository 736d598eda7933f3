"""The site's edges: error pages of its own, the contact link, the icon, the accessibility statement's wording."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

CONTACT = "https://www.migrationsverket.se/Kontakta-oss.html"


@pytest.mark.parametrize(
    ("address", "heading"),
    [("/admin/login/", "Formuläret kunde inte skickas"), ("/en/projekt/", "The form could not be sent")],
)
def test_a_csrf_failure_gets_the_sites_own_page_in_the_visitors_language(address, heading):
    response = Client(enforce_csrf_checks=True).post(address, {"username": "eva", "password": "fel"})
    assert response.status_code == 403
    assert heading in response.text and 'class="site-header"' in response.text
    assert "DEBUG" not in response.text and "CSRF verification failed" not in response.text


def test_a_request_that_cannot_be_read_gets_a_styled_400_page(client):
    response = client.get("/", HTTP_HOST="bad host name")
    assert response.status_code == 400
    assert "Begäran kunde inte förstås" in response.text and 'class="site-header"' in response.text


def test_favicon_ico_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith(".svg")
    assert "favicon" in response["Location"]


def test_every_page_links_to_the_contact_page_and_the_statement_from_its_footer(client):
    footer = client.get(reverse("projects:list")).text.split('<footer class="site-footer">', 1)[1]
    assert f'href="{CONTACT}"' in footer and 'href="/tillganglighet/"' in footer


@override_settings(CONTACT_URL="https://kontakt.example/")
def test_the_contact_address_is_configurable_and_kontakta_oss_is_a_link(client, catalogue):
    text = client.get(reverse("projects:home")).text
    assert '<a href="https://kontakt.example/">Kontakta oss</a>' in text
    assert 'href="https://kontakt.example/"' in client.get(reverse("projects:accessibility")).text


def test_the_statement_says_partially_compliant(client):
    swedish = client.get(reverse("projects:accessibility")).text
    english = client.get("/en/tillganglighet/").text
    assert "delvis förenlig" in swedish and "helt förenlig" not in swedish
    assert "partially compliant" in english and "fully compliant" not in english
