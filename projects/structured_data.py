"""A project's page described for search engines: schema.org JSON-LD in a data block.

schema.org's Project is a kind of Organization, so its properties are an organisation's:

* name, description, url (the page in its language), alternateName (acronym, official title), and
  identifier (the project's slug, which never changes once published); "@id" names the project
  itself, the same in every language.
* funder: each fund or funder, an EU fund as a FundingScheme (a part of a fund with the fund as its
  parentOrganization), the others as an Organization; wrapped in a Role with the share as its
  roleName where the share is stated.
* member: each partner organisation, and the Migration Agency itself, in a Role with the role as
  its roleName where the role is stated. A partner the catalogue knows only by the source's words
  is an Organization with that name; one known only by its country is no organisation, and is left
  out (the page's table shows it).
* areaServed: the target countries, the countries the project is for. location: where it was run
  and where staff were posted, a place within its country where one is named. Partner countries and
  countries that took part in regional activities are neither, and are left out, as in the IATI
  export (projects/iati.py).
* foundingDate: the start, at the precision it is known to (periods.iso_8601): "2016-06-01",
  "2016-03", "2016"; a season as its year, except winter, which spans two; an unknown start is
  left out. dissolutionDate: the end of a closed project, likewise. The end of an ongoing project
  is a plan, not a dissolution, and an end worked out from a duration is a guess: both are left out.
  (schema.org's startDate and endDate are not properties of an Organization.)

Addresses of this site's pages are written as paths here, since a project's page is rendered into
its snapshot once for every host: `as_json()` writes the JSON once, when the snapshot is taken, and
`as_script()` makes its addresses absolute for the request's origin with a few string replacements.
"""

import json

from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .models import Fund, Funding, Participation, Project, ProjectCountry
from .periods import iso_8601

# The keys whose values are addresses of this site's pages, made absolute by as_script().
ADDRESS_KEYS = ("@id", "url")
# JSON that is safe inside a <script> element: nothing in it can close the element or start markup.
SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))
LOCATION_ROLES = (ProjectCountry.Role.IMPLEMENTATION_LOCATION, ProjectCountry.Role.POSTING_LOCATION)


def project_data(project):
    """The JSON-LD of `project` (read with Project.objects.for_page()) in the active language, as a dict."""
    data = {
        "@context": "https://schema.org",
        "@type": "Project",
        "@id": f"{in_default_language(project.get_absolute_url)}#project",
        "url": project.get_absolute_url(),
        "identifier": project.slug,
        "name": project.name,
        "description": project.description,
    }
    alternate_names = [name for name in (project.acronym, project.official_title) if name and name != project.name]
    if alternate_names:
        data["alternateName"] = alternate_names
    funders = [funder(funding) for funding in project.fundings.all()]
    if funders:
        data["funder"] = funders
    members = [member(participation) for participation in project.participations.all()]
    if project.agency_role:
        agency = {"@type": "GovernmentOrganization", "name": gettext("Swedish Migration Agency")}
        members.insert(0, in_role("member", agency, project.agency_role, project.get_agency_role_display()))
    members = [person for person in members if person is not None]
    if members:
        data["member"] = members
    served, located = places(project.project_countries.all())
    if served:
        data["areaServed"] = served
    if located:
        data["location"] = located
    start = iso_8601(project.start_date, project.start_precision)
    if start:
        data["foundingDate"] = start
    end = iso_8601(project.end_date, project.end_precision)
    if end and project.status == Project.Status.CLOSED:
        data["dissolutionDate"] = end
    return data


def in_default_language(address):
    """`address()` in the site's default language: "@id" names the project itself, the same in every language."""
    with translation.override(settings.LANGUAGE_CODE):
        return address()


def in_role(name, value, role, role_label):
    """`value` as the value of the property `name`, in a schema.org Role named `role_label` where the role is stated."""
    if role in (Participation.Role.NOT_STATED, Funding.Share.NOT_STATED):
        return value
    return {"@type": "Role", "roleName": str(role_label), name: value}


def funder(funding):
    fund = funding.fund
    return in_role("funder", fund_data(fund), funding.share, funding.get_share_display())


def fund_data(fund):
    data = {
        "@type": "FundingScheme" if fund.kind == Fund.Kind.EU_FUND else "Organization",
        "name": fund.name,
        "url": fund.get_absolute_url(),
    }
    if fund.acronym and fund.acronym != fund.name:
        data["alternateName"] = fund.acronym
    if fund.parent_id:
        data["parentOrganization"] = fund_data(fund.parent)
    return data


def member(participation):
    """A participant as a member of the project; None for one known only by its country."""
    organisation = participation.organisation
    if organisation is not None:
        data = {"@type": "Organization", "name": organisation.name, "url": organisation.get_absolute_url()}
        if organisation.acronym and organisation.acronym != organisation.name:
            data["alternateName"] = organisation.acronym
        country = organisation.country
    elif participation.designation:
        data = {"@type": "Organization", "name": participation.designation}
        country = participation.country
    else:
        return None
    if country is not None:
        data["address"] = {"@type": "PostalAddress", "addressCountry": country.code.code}
    return in_role("member", data, participation.role, participation.get_role_display())


def places(project_countries):
    """The countries the project is for (areaServed), and the places it was run in (location)."""
    served, located = [], []
    for place in project_countries:
        country = {"@type": "Country", "name": place.country.name, "identifier": place.country.code.code}
        if place.role == ProjectCountry.Role.TARGET_COUNTRY:
            entry, entries = country, served
        elif place.role in LOCATION_ROLES:
            entry = {"@type": "Place", "name": place.place, "containedInPlace": country} if place.place else country
            entries = located
        else:
            continue
        if entry not in entries:
            entries.append(entry)
    return served, located


def as_json(data):
    """`data` as the JSON text of a data block: compact, with <, > and & escaped, so that no text in it
    can end the element or start markup. Its addresses stay paths until as_script()."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    return text


def as_script(text, origin):
    """The HTML of a JSON-LD data block with the JSON `text` (as_json()), its addresses absolute under
    `origin`.

    In compact JSON, `"url":"/` can only be a key and the start of its value: inside a string every
    quote is escaped, and only a key is followed by a colon. So a replacement finds exactly the
    address values that are paths. A data block is not run, so the Content Security Policy, which
    allows no inline script, does not apply to it, and it needs no nonce (which would keep the page
    out of the page cache).
    """
    origin = json.dumps(origin, ensure_ascii=False)[1:-1]
    for character, escaped in SCRIPT_ESCAPES:
        origin = origin.replace(character, escaped)
    for key in ADDRESS_KEYS:
        text = text.replace(f'"{key}":"/', f'"{key}":"{origin}/')
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped in as_json()
