"""Every public page of the shipped catalogue, in both languages: for the tests that read them all."""

from django.urls import reverse

from projects.models import Fund, Organisation, Project


def public_addresses():
    pages = ("projects:home", "projects:list", "projects:timeline", "projects:accessibility", "projects:privacy")
    addresses = [reverse(name) for name in pages] + [reverse("api-docs")]
    addresses += [project.get_absolute_url() for project in Project.objects.published()]
    for name, model in (("projects:partner", Organisation), ("projects:fund", Fund)):
        addresses += [reverse(name, args=[slug]) for slug in model.objects.values_list("slug", flat=True)]
    return [language + address for address in addresses for language in ("", "/en")]


def public_pages(client, extra=()):
    """(address, HTML) of every public page, and of the `extra` addresses (which may answer 4xx)."""
    for address in public_addresses():
        response = client.get(address)
        assert response.status_code == 200, address
        yield address, response.content.decode()
    for address in extra:
        yield address, client.get(address).content.decode()
