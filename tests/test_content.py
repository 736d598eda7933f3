"""The content fixtures: every project on the source page, with its facts, and nothing the source does not say."""

import datetime
from pathlib import Path

import pytest

from projects.models import Country, Document, PageContent, Project

pytestmark = pytest.mark.django_db

# A copy of the source page, kept with the tests so that every checkout can compare with it.
SOURCE_FILE = Path(__file__).parent / "data" / "internationella-projekt.txt"
PRAGUE_PROCESS_URL = "https://www.pragueprocess.eu"


@pytest.fixture(scope="module")
def source_text():
    return SOURCE_FILE.read_text(encoding="utf-8")


def day(year, month=1, day_of_month=1):
    return datetime.date(year, month, day_of_month)


UNKNOWN = (None, "unknown")
NO_DURATION = (None, False)

# One row per project on the source page: what the source says about it.
PROJECTS = [
    {
        "slug": "eu-frank",
        "status": "ongoing",
        "agency_role": "lead",
        "partners": {
            ("BE", "partner"),
            ("IT", "partner"),
            ("NL", "partner"),
            ("CH", "partner"),
            ("HU", "partner"),
            # "viktiga intressenter och partners"
            ("easo", "stakeholder_and_partner"),
            ("unhcr", "stakeholder_and_partner"),
        },
        "funds": {("amif-sarskilda-atgarder", "main")},
        "countries": {(code, "partner_country") for code in ("BE", "IT", "NL", "CH", "HU")},
        "start": (day(2016), "year"),
        "end": UNKNOWN,
        "duration": (48, False),
        "relations": set(),
        "documents": {"EU-FRANK Nyhetsbrev 1 2017"},
    },
    {
        "slug": "twinning-serbien",
        "status": "ongoing",
        "agency_role": "lead",
        "partners": {("NL", "partner"), ("SI", "partner"), ("RS", "partner")},
        "funds": {("ipa", "not_stated"), ("sida", "co_financing")},  # "finansieras av EU genom IPA"
        "countries": {("RS", "target_country"), ("NL", "partner_country"), ("SI", "partner_country")},
        "start": (day(2015, 9), "season"),
        "end": UNKNOWN,
        "duration": (24, False),
        "relations": set(),
        "documents": set(),
    },
    {
        "slug": "twinning-kosovo",
        "status": "ongoing",
        "agency_role": "partner",
        "partners": {("NL", "lead"), ("AT", "partner")},
        "funds": {("ipa", "not_stated"), ("sida", "co_financing")},  # "finansieras av EU genom IPA"
        "countries": {("XK", "target_country"), ("NL", "partner_country"), ("AT", "partner_country")},
        "start": (day(2016, 3), "season"),
        "end": UNKNOWN,
        "duration": (30, True),
        "relations": set(),
        "documents": set(),
    },
    {
        "slug": "eurlo",
        "status": "ongoing",
        "agency_role": "participant",
        "partners": {("BE", "lead")},
        "funds": {("amif-sarskilda-atgarder", "not_stated")},
        "countries": {("AF", "posting_location"), ("MA", "posting_location")},
        "start": (day(2015), "year"),
        "end": (day(2022), "year"),
        "duration": NO_DURATION,
        "relations": set(),
        "documents": set(),
    },
    {
        "slug": "erin",
        "status": "ongoing",
        "agency_role": "not_stated",  # the source says what the agency does, not its role
        "partners": {("NL", "lead"), ("Lokala samarbetsorganisationer i respektive hemland", "implementer")},
        "funds": {("amif", "co_financing")},
        "countries": set(),
        "start": (day(2016, 6, 1), "day"),
        "end": (day(2021, 12, 31), "day"),
        "duration": NO_DURATION,
        "relations": {("integrated_into", "ERRIN")},
        "documents": set(),
    },
    {
        "slug": "ostliga-partnerskapet-panel",
        "status": "closed",
        "agency_role": "support_function",
        "partners": {("iom", "cooperation_partner"), ("eu-kommissionen", "beneficiary")},
        "funds": set(),
        "countries": set(),
        "start": (day(2012), "year"),
        "end": (day(2016, 8), "month"),
        "duration": NO_DURATION,
        "relations": {("continues", "soderkopingsprocessen")},
        "documents": set(),
    },
    {
        "slug": "silk-routes-partnership",
        "status": "closed",
        "agency_role": "participant",
        "partners": {(code, "partner") for code in ("BG", "NL", "NO", "CH", "GB", "TR", "HU", "icmpd")},
        "funds": {("eu-ospecificerad", "not_stated")},
        "countries": {
            ("AF", "target_country"),
            ("IQ", "target_country"),
            ("PK", "target_country"),
            ("BD", "regional_participant"),
            ("IR", "regional_participant"),
        }
        | {(code, "partner_country") for code in ("BG", "NL", "NO", "CH", "GB", "TR", "HU")},
        "start": (day(2014, 2, 1), "day"),
        "end": (day(2017, 4, 30), "day"),
        "duration": NO_DURATION,
        "relations": {("builds_on", "fostering-migration-cooperation")},
        "documents": set(),
    },
    {
        "slug": "turkiet-dgmm",
        "status": "closed",
        "agency_role": "not_stated",  # "bidrog med teknisk assistans"
        "partners": {("dgmm", "beneficiary")},
        "funds": {("sida", "not_stated")},
        "countries": {("TR", "target_country")},
        "start": UNKNOWN,
        "end": (day(2016, 3), "month"),
        "duration": (18, False),
        "relations": set(),
        "documents": set(),
    },
    {
        "slug": "eac-piloten-pp4",
        "status": "closed",
        "agency_role": "co_lead",
        "partners": {("DE", "co_lead"), ("easo", "project_actor"), ("unhcr", "project_actor")},  # "projektaktörer"
        "funds": set(),
        "countries": {("KG", "target_country"), ("TR", "target_country")},
        "start": (day(2012, 8), "month"),
        "end": (day(2014, 3), "month"),
        "duration": NO_DURATION,
        "relations": set(),
        "documents": set(),
    },
    {
        "slug": "pp7",
        "status": "closed",
        "agency_role": "lead",
        "partners": {("bamf", "partner")},
        "funds": set(),
        "countries": set(),
        "start": (day(2014, 11), "month"),
        "end": (day(2016, 3), "month"),
        "duration": NO_DURATION,
        "relations": {("continues", "eac-piloten-pp4")},
        "documents": {"www.pragueprocess.eu"},
    },
    {
        "slug": "twinning-armenien",
        "status": "closed",
        "agency_role": "lead",
        "partners": {("polens-inrikesministerium", "junior_partner"), ("AM", "cooperation_partner")},
        "funds": set(),
        "countries": {("AM", "target_country"), ("AM", "implementation_location")},
        "start": (day(2012, 6), "season"),
        "end": UNKNOWN,
        "duration": (27, False),
        "relations": set(),
        "documents": set(),
    },
    {
        "slug": "erpum",
        "status": "closed",
        "agency_role": "project_owner",
        "partners": {("NL", "partner"), ("NO", "partner"), ("GB", "partner")},
        "funds": {("atervandandefonden", "not_stated")},
        "countries": {("NL", "partner_country"), ("NO", "partner_country"), ("GB", "partner_country")},
        "start": (day(2011, 1), "month"),
        "end": (day(2012, 12), "month"),
        "duration": NO_DURATION,
        "relations": {("followed_up_by", "ERPUM II")},
        "documents": set(),
    },
    {
        "slug": "european-asylum-curriculum",
        "status": "closed",
        "agency_role": "not_stated",
        "partners": {("SE", "initiator")},  # "startade 2006 på svenskt initiativ"
        "funds": {("europeiska-flyktingfonden", "co_financing")},
        "countries": set(),
        "start": (day(2006), "year"),
        "end": UNKNOWN,
        "duration": NO_DURATION,
        "relations": {("succeeded_by", "ETC – EASO Training Curriculum")},
        "documents": set(),
    },
    {
        "slug": "soderkopingsprocessen",
        "status": "closed",
        "agency_role": "secretariat",
        "partners": set(),
        "funds": {("utrikesdepartementet", "not_stated")},
        "countries": set(),
        "start": (day(2001), "year"),
        "end": (day(2011, 12), "month"),
        "duration": NO_DURATION,
        "relations": {("integrated_into", "Östliga partnerskapet (panelen för Migration och Asyl)")},
        "documents": set(),
    },
    {
        "slug": "fostering-migration-cooperation",
        "status": "closed",
        "agency_role": "partner",
        "partners": {("icmpd", "lead"), ("NL", "partner"), ("NO", "partner"), ("CH", "partner"), ("TR", "partner")},
        "funds": set(),
        "countries": {(code, "target_country") for code in ("AF", "BD", "IR", "IQ", "PK")}
        | {(code, "partner_country") for code in ("NL", "NO", "CH", "TR")},
        "start": UNKNOWN,  # the agency took part 2011–2013; the start is not given
        "end": (day(2013, 4), "month"),
        "duration": NO_DURATION,
        "relations": set(),
        "documents": set(),
    },
]


def partner_key(participation):
    if participation.organisation_id:
        return participation.organisation.slug
    if participation.country_id:
        return participation.country.code.code
    return participation.designation


@pytest.mark.parametrize("expected", PROJECTS, ids=[row["slug"] for row in PROJECTS])
def test_project_matches_the_source(catalogue, expected):
    project = Project.objects.get(slug=expected["slug"])
    assert project.status == expected["status"]
    assert project.agency_role == expected["agency_role"]
    assert {(partner_key(p), p.role) for p in project.participations.all()} == expected["partners"]
    assert {(f.fund.slug, f.share) for f in project.fundings.all()} == expected["funds"]
    assert {(c.country.code.code, c.role) for c in project.project_countries.all()} == expected["countries"]
    assert (project.start_date, project.start_precision) == expected["start"]
    assert (project.end_date, project.end_precision) == expected["end"]
    assert (project.duration_months, project.duration_is_approximate) == expected["duration"]
    relations = {
        (r.kind, r.related_project.slug if r.related_project_id else r.external_name) for r in project.relations.all()
    }
    assert relations == expected["relations"]
    assert {d.title for d in project.documents.all()} == expected["documents"]


def test_every_source_project_is_in_the_catalogue(catalogue):
    assert Project.objects.count() == 15
    assert Project.objects.ongoing().count() == 5
    assert Project.objects.closed().count() == 10
    assert set(Project.objects.values_list("slug", flat=True)) == {row["slug"] for row in PROJECTS}


def test_descriptions_are_the_source_paragraphs_verbatim(catalogue, source_text):
    # "länk till annan webbplats" is the source page's screen-reader label on its external
    # link, not part of the paragraph: the portal stores the link as a Document and labels it itself.
    paragraphs = {line.replace("länk till annan webbplats", "") for line in source_text.split("\n")}
    for project in Project.objects.all():
        assert project.description in paragraphs, project.slug


def test_page_content_is_the_source_text(catalogue):
    page = PageContent.objects.get(key="internationella-projekt")
    assert page.title == "Internationella projekt"
    assert page.introduction == (
        "Migrationsverket deltar aktivt i flera internationella projekt. Det är en del av vårt internationella "
        "utvecklingssamarbete där Sveriges politik för global utveckling är utgångspunkten."
    )
    assert page.source_updated_on == datetime.date(2018, 2, 12)
    assert page.newsletter_heading == "Nyhetsbrev från EU-Frank"
    assert (page.newsletter.project.slug, page.newsletter.title) == ("eu-frank", "EU-FRANK Nyhetsbrev 1 2017")
    assert page.contact_text == (
        "Om du vill ställa en fråga till Migrationsverket hittar du kontaktuppgifter under fliken Kontakta oss."
    )
    assert page.feedback_question == "Fick du hjälp av informationen på den här sidan?"
    assert page.feedback_thanks_answer == "Tack för att du hjälper oss att förbättra webbplatsen!"
    assert page.feedback_thanks_comment == "Tack för att du hjälper oss att förbättra webbplatsen!"
    assert page.feedback_comment_prompt == "Berätta hur vi kan göra den här sidan bättre"


def test_page_content_strings_occur_in_the_source(catalogue, source_text):
    page = PageContent.objects.get(key="internationella-projekt")
    lines = source_text.split("\n")
    for text in (
        page.title,
        page.introduction,
        page.newsletter_heading,
        page.contact_text,
        page.feedback_question,
        page.feedback_thanks_answer,
        page.feedback_thanks_comment,
    ):
        assert text in lines
    # The source marks the comment field as required with an asterisk, which is not part of the prompt.
    assert f"{page.feedback_comment_prompt}*" in lines
    assert f"Sidan senast uppdaterad: {page.source_updated_on.isoformat()}" in lines


def test_every_country_has_a_swedish_and_an_english_name(catalogue):
    assert Country.objects.count() == 24
    for country in Country.objects.all():
        assert country.name_sv, country.code
        assert country.name_en, country.code


def test_no_document_address_is_invented(catalogue):
    urls = set(Document.objects.exclude(url="").values_list("url", flat=True))
    assert urls == {PRAGUE_PROCESS_URL}


def test_document_addresses_occur_in_the_source(catalogue, source_text):
    for url in Document.objects.exclude(url="").values_list("url", flat=True):
        # The source writes the address without a scheme.
        assert url.removeprefix("https://") in source_text
