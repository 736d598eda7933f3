"""Fill a database with synthetic projects for the benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch .venv/bin/python bench/seed.py 10000

Everything is made in memory and written with bulk_create in batches, so 100,000
projects take about 80 seconds on PostgreSQL. The data are random but repeatable (a
fixed seed) and shaped like the real catalogue: about 200 organisations, 20 funds
(some of them parts of another), 60 countries, a few frameworks; each project has
1-4 partners (sometimes a country named as the partner), 1-2 funds, 1-3 countries
with roles, a period at mixed precisions, and Swedish-like text of realistic length.
Popular partners, funds and countries are much more common than the rest (Zipf),
as they are in the real catalogue.

Every model constraint holds: dates are the first day of their unit, precision
"unknown" goes with a missing date and only then, the end is never before the start,
an approximate duration has months, partners, funds and country roles are unique
per project. What Project.save() derives from the period (the earliest possible start
and the latest possible end) is filled in too, since bulk_create does not call save().
"""

import argparse
import datetime
import itertools
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Real ISO 3166-1 codes of the kind the catalogue names: partners in the EU and its
# neighbourhood, countries of origin and transit, resettlement and posting countries.
COUNTRY_CODES = (
    "SE", "NO", "DK", "FI", "IS", "DE", "NL", "BE", "FR", "IT",
    "ES", "PT", "AT", "PL", "CZ", "HU", "RO", "BG", "GR", "CY",
    "MT", "EE", "LV", "LT", "SI", "HR", "IE", "LU", "GB", "CH",
    "TR", "RS", "BA", "ME", "MK", "AL", "XK", "UA", "MD", "GE",
    "AM", "AZ", "BY", "RU", "AF", "IQ", "SY", "IR", "PK", "LB",
    "JO", "EG", "LY", "TN", "MA", "ET", "ER", "SO", "SD", "NG",
)  # fmt: skip

# The words the text is made of, roughly by how common they are: the first ones are
# Swedish stop words that full-text search drops, then the catalogue's own vocabulary.
VOCABULARY = """
och i att som för av med till på det är en ett om de har inom under samt genom
samarbete migration projektet asyl myndigheter migrationsverket partner stöd länder
kapacitet utveckling mottagande återvändande utbildning erfarenheter information
samarbetet arbetet frågor området regionen förbättra stärka syftet målet metoder
handläggning asylsökande flyktingar skydd internationellt europeiska unionen
nationella lokala regionala gemensamma praktiska rättsliga hållbara effektiva
insatser åtgärder aktiviteter workshoppar seminarier studiebesök utbyte experter
tjänstemän personal kunskap kompetens riktlinjer rutiner processer system verktyg
vidarebosättning integration gränsförvaltning grannländer tredjeländer ursprungsländer
transitländer mottagningsförhållanden landinformation beslutsfattande kvalitet
rättssäkerhet likabehandling barn ensamkommande familjer kvinnor sårbara grupper
identifiering registrering tolkning intervjuer prövning överklagande domstolar
frivilligt återintegrering arbetskraftsinvandring visering uppehållstillstånd
medborgarskap statistik analys uppföljning utvärdering rapport resultat behov
förutsättningar ansvar samordning styrgrupp projektledning finansiering budget
ansökan genomförande planering förankring spridning nätverk konferens plattform
databas digitalisering e-tjänster säkerhet biometri dokument förfalskning kontroll
"""
WORDS = VOCABULARY.split()

# Words that only a few projects use: a search for one of them finds a handful.
RARE_WORDS = ("renskötsel", "fyrskepp", "tullbåt", "kalkbrott", "glasblåsning")
COMMON_WORD = "samarbete"
RARE_WORD = RARE_WORDS[0]

PROJECT_NOUNS = (
    "Stöd till",
    "Kapacitetsuppbyggnad för",
    "Partnerskap för",
    "Samarbete om",
    "Twinning för",
    "Utbildning i",
    "Nätverk för",
    "Pilotprojekt om",
)
PROJECT_TOPICS = (
    "asylsystemet",
    "mottagandet",
    "återvändandet",
    "vidarebosättning",
    "landinformation",
    "gränsförvaltningen",
    "migrationsstatistik",
    "ensamkommande barn",
    "dokumentgranskning",
    "integrationen",
    "e-tjänster",
    "arbetskraftsinvandring",
)
ORGANISATION_PATTERNS = (
    ("Migrationsmyndigheten i {}", "agency"),
    ("Inrikesministeriet i {}", "ministry"),
    ("Gränspolisen i {}", "agency"),
    ("Flyktingrådet i {}", "other"),
    ("Justitieministeriet i {}", "ministry"),
)
INTERNATIONAL_ORGANISATIONS = (
    ("FN:s flyktingorgan", "UNHCR", "un_agency"),
    ("Internationella organisationen för migration", "IOM", "international"),
    ("Europeiska stödkontoret för asylfrågor", "EASO", "eu_body"),
    ("Europeiska gräns- och kustbevakningsbyrån", "Frontex", "eu_body"),
    ("Internationellt centrum för utveckling av migrationspolitik", "ICMPD", "international"),
    ("FN:s barnfond", "Unicef", "un_agency"),
    ("Europarådet", "", "international"),
    ("Europeiska kommissionen", "", "eu_body"),
)
# (name, acronym, kind, parts as (name, acronym))
FUNDS = (
    ("Asyl-, migrations- och integrationsfonden", "AMIF", "eu_fund", (("AMIF särskilda insatser", ""),
                                                                     ("AMIF unionsåtgärder", ""))),
    ("Fonden för inre säkerhet", "ISF", "eu_fund", (("ISF gränser och visering", "ISF-BV"),)),
    ("Europeiska flyktingfonden", "ERF", "eu_fund", ()),
    ("Europeiska återvändandefonden", "RF", "eu_fund", ()),
    ("Europeiska integrationsfonden", "EIF", "eu_fund", ()),
    ("Instrumentet för stöd inför anslutningen", "IPA", "eu_fund", ()),
    ("Europeiska grannskapsinstrumentet", "ENI", "eu_fund", ()),
    ("Interreg", "", "eu_fund", (("Interreg Östersjöområdet", ""), ("Interreg Nord", ""))),
    ("Horisont 2020", "", "eu_fund", ()),
    ("Europeiska socialfonden", "ESF", "eu_fund", ()),
    ("EU-finansiering", "", "eu_unspecified", ()),
    ("Styrelsen för internationellt utvecklingssamarbete", "Sida", "swedish_funder", ()),
    ("Folke Bernadotteakademin", "FBA", "swedish_funder", ()),
    ("Svenska institutet", "SI", "swedish_funder", ()),
    ("Regeringskansliet", "", "swedish_funder", ()),
)  # fmt: skip
FRAMEWORKS = (
    ("Budapestprocessen", "budapestprocessen"),
    ("Pragprocessen", "pragprocessen"),
    ("Rabatprocessen", "rabatprocessen"),
    ("Khartoumprocessen", "khartoumprocessen"),
    ("Globala ansatsen till migration och rörlighet", "gamm"),
)

ORGANISATIONS = 200
TODAY = datetime.date(2025, 6, 1)
BATCH = 2000


def setup_django(database_url=None):
    """Configure Django for a script run from anywhere: the portal's settings, this database."""
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()


def zipf_weights(n, exponent=1.0):
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, n + 1)))


class TextMaker:
    """Swedish-like sentences with a Zipf distribution over WORDS."""

    def __init__(self, rng):
        self.rng = rng
        self.cum_weights = zipf_weights(len(WORDS), 0.9)

    def words(self, count):
        rng = self.rng
        words = rng.choices(WORDS, cum_weights=self.cum_weights, k=count)
        sentences, start = [], 0
        while start < count:
            length = rng.randint(7, 16)
            sentence = words[start : start + length]
            sentences.append(" ".join(sentence).capitalize() + ".")
            start += length
        return " ".join(sentences)


def random_date(rng, first, last):
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def add_months(date, months):
    month_index = date.year * 12 + date.month - 1 + months
    return datetime.date(month_index // 12, month_index % 12 + 1, 1 if date.day > 28 else date.day)


def duration_text(months, approximate):
    text = f"{months // 12} år" if months % 12 == 0 else f"{months} månader"
    if months % 12 == 6:
        text = f"{months // 12},5 år"
    return f"ca {text}" if approximate else text


def make_period(rng):
    """A project's period as the source would give it: the fields of Project that describe it."""
    from projects.models import Project
    from projects.periods import Precision, normalise

    precisions = [Precision.DAY, Precision.MONTH, Precision.SEASON, Precision.YEAR]
    fields = {
        "start_date": None,
        "start_precision": Precision.UNKNOWN,
        "end_date": None,
        "end_precision": Precision.UNKNOWN,
        "duration_months": None,
        "duration_is_approximate": False,
        "duration_text": "",
    }
    months = rng.choice((6, 12, 18, 24, 27, 30, 36, 48, 60, 72))
    if rng.random() < 0.9:
        precision = rng.choices(precisions, weights=(15, 30, 15, 40))[0]
        start = normalise(random_date(rng, datetime.date(2003, 1, 1), datetime.date(2025, 3, 31)), precision)
        fields.update(start_date=start, start_precision=precision)
        shape = rng.random()
        if shape < 0.65:
            end_precision = rng.choices(precisions, weights=(15, 35, 15, 35))[0]
            end = normalise(add_months(start, months), end_precision)
            if end < start:  # "2015" cannot end a project that began in June 2015 at day precision
                end, end_precision = start, precision
            fields.update(end_date=end, end_precision=end_precision)
        elif shape < 0.85:
            approximate = rng.random() < 0.3
            fields.update(
                duration_months=months,
                duration_is_approximate=approximate,
                duration_text=duration_text(months, approximate),
            )
        end = fields["end_date"] or (add_months(start, months) if fields["duration_months"] else None)
    else:
        end = None
        if rng.random() < 0.5:
            end = datetime.date(rng.randint(2005, 2024), 1, 1)
            fields.update(end_date=end, end_precision=Precision.YEAR)
            if rng.random() < 0.5:
                fields.update(duration_months=months, duration_text=duration_text(months, False))
    if end is None:
        status = rng.choice((Project.Status.ONGOING, Project.Status.CLOSED))
    else:
        status = Project.Status.CLOSED if end < TODAY else Project.Status.ONGOING
    fields["status"] = status
    return fields


def clear():
    """Empty every table of the catalogue (and its history), restarting the ids."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    from projects.models import CatalogueVersion

    models = [model for model in apps.get_app_config("projects").get_models() if model is not CatalogueVersion]
    tables = [model._meta.db_table for model in models]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    connection.ops.execute_sql_flush(statements)
    CatalogueVersion.objects.bump()


def reference_data():
    """Countries, organisations, funds and frameworks; returns them as lists."""
    from django.utils import translation
    from django.utils.text import slugify
    from django_countries import countries as country_names

    from projects.models import Country, Framework, Fund, Organisation, PageContent

    unknown = [code for code in COUNTRY_CODES if code not in country_names]
    if unknown:
        raise ValueError(f"not ISO codes django-countries knows: {unknown}")
    Country.objects.bulk_create([Country(code=code) for code in COUNTRY_CODES], ignore_conflicts=True)
    countries = list(Country.objects.filter(code__in=COUNTRY_CODES))
    countries.sort(key=lambda c: COUNTRY_CODES.index(c.code.code))
    with translation.override("sv"):
        names = {c.pk: str(country_names.name(c.code.code)) for c in countries}

    organisations = [
        Organisation(name="Migrationsverket", acronym="", slug="migrationsverket", kind="agency", country=countries[0])
    ]
    for name, acronym, kind in INTERNATIONAL_ORGANISATIONS:
        organisations.append(Organisation(name=name, acronym=acronym, slug=slugify(acronym or name), kind=kind))
    for (pattern, kind), country in itertools.product(ORGANISATION_PATTERNS, countries[1:]):
        if len(organisations) == ORGANISATIONS:
            break
        name = pattern.format(names[country.pk])
        organisations.append(
            Organisation(
                name=name,
                slug=slugify(name)[:100],
                kind=kind,
                country=country,
                description=f"{pattern.split()[0]} i {names[country.pk]}",
            )
        )
    organisations = Organisation.objects.bulk_create(organisations)

    funds, parts = [], []
    for name, acronym, kind, fund_parts in FUNDS:
        fund = Fund(name=name, acronym=acronym, slug=slugify(acronym or name), kind=kind)
        funds.append(fund)
        parts += [
            Fund(name=part, acronym=part_acronym, slug=slugify(part), kind=kind, parent=fund)
            for part, part_acronym in fund_parts
        ]
    funds = Fund.objects.bulk_create(funds)
    funds += Fund.objects.bulk_create(parts)  # each part's parent has its id by now

    frameworks = Framework.objects.bulk_create(
        [
            Framework(name=name, slug=slug, description=f"{name} är en mellanstatlig dialog.")
            for name, slug in FRAMEWORKS
        ]
    )
    PageContent.objects.get_or_create(
        key="internationella-projekt",
        defaults={
            "title": "Internationella projekt",
            "introduction": "Migrationsverket deltar i internationella projekt. (Syntetiskt innehåll för mätningar.)",
            "source_updated_on": TODAY,
            "feedback_question": "Fick du hjälp av informationen på den här sidan?",
            "feedback_thanks_answer": "Tack för ditt svar!",
            "feedback_comment_prompt": "Vad kan vi göra bättre?",
            "feedback_thanks_comment": "Tack för din kommentar!",
        },
    )
    return countries, names, organisations, funds, frameworks


def seed(count, *, random_seed=2018, verbose=True, text_scale=1.0):
    """Add `count` projects with everything around them to the (empty) catalogue; return a summary.

    `text_scale` shortens (or lengthens) the summaries and descriptions, for tests that need
    many projects but not their full text.
    """
    from django.db import transaction
    from django.utils.text import slugify

    from projects.models import (
        CatalogueVersion,
        Document,
        Funding,
        Participation,
        Project,
        ProjectCountry,
        ProjectRelation,
    )

    if Project.objects.exists():
        raise RuntimeError("the catalogue is not empty; clear() it first (bench/seed.py --clear)")
    began = time.perf_counter()
    rng = random.Random(random_seed)
    text = TextMaker(rng)
    with transaction.atomic():
        countries, names, organisations, funds, frameworks = reference_data()
    org_weights = zipf_weights(len(organisations))
    fund_weights = zipf_weights(len(funds), 0.8)
    country_weights = zipf_weights(len(countries), 0.8)
    Role = Participation.Role
    roles = [role for role in Role if role not in (Role.LEAD, Role.PROJECT_OWNER)]
    country_roles = list(ProjectCountry.Role)
    cooperation_types = [*Project.CooperationType, ""]
    agency_roles = [Role.LEAD, Role.PARTNER, Role.PARTNER, Role.PARTICIPANT, Role.CO_LEAD, ""]

    def distinct(population, cum_weights, k):
        chosen = {}
        while len(chosen) < k:
            item = rng.choices(population, cum_weights=cum_weights)[0]
            chosen[item.pk] = item
        return list(chosen.values())

    number, first_pk = 0, None
    for batch_start in range(0, count, BATCH):
        projects = []
        for _ in range(min(BATCH, count - batch_start)):
            number += 1
            country = countries[min(int(rng.paretovariate(1.2)) - 1, len(countries) - 1)]
            name = f"{rng.choice(PROJECT_NOUNS)} {rng.choice(PROJECT_TOPICS)} i {names[country.pk]}"
            if rng.random() < 0.3:
                name += f" {rng.choice(('II', 'III', 'IV', 'fas 2', str(rng.randint(2005, 2025))))}"
            description = text.words(max(5, round(rng.randint(120, 180) * text_scale)))
            if rng.random() < 0.002:
                description += f" Projektet omfattar även {rng.choice(RARE_WORDS)}."
            projects.append(
                Project(
                    name=name,
                    slug=f"{slugify(name)[:80]}-{number}",
                    official_title=f"Project {number}" if rng.random() < 0.4 else "",
                    official_title_language="en" if rng.random() < 0.4 else "",
                    acronym=f"P{number}" if rng.random() < 0.2 else "",
                    summary=text.words(max(5, round(rng.randint(60, 100) * text_scale))),
                    description=description,
                    cooperation_type=rng.choice(cooperation_types),
                    framework=rng.choice(frameworks) if rng.random() < 0.3 else None,
                    agency_role=rng.choice(agency_roles),
                    is_published=rng.random() < 0.97,
                    **make_period(rng),
                )
            )
        for project in projects:
            project.set_period_bounds()  # what save() derives; bulk_create does not call save()
        with transaction.atomic():
            Project.objects.bulk_create(projects, batch_size=BATCH)
            first_pk = first_pk or projects[0].pk
            participations, fundings, places, relations, documents = [], [], [], [], []
            for project in projects:
                partners = rng.choices((1, 2, 3, 4), weights=(25, 35, 25, 15))[0]
                country_partner = rng.random() < 0.15
                for i, organisation in enumerate(
                    distinct(organisations, org_weights, partners - (country_partner and partners > 1))
                ):
                    participations.append(
                        Participation(
                            project=project,
                            organisation=organisation,
                            role=Role.LEAD if i == 0 else rng.choice(roles),
                        )
                    )
                if country_partner and partners > 1:
                    country = distinct(countries, country_weights, 1)[0]
                    participations.append(
                        Participation(
                            project=project,
                            country=country,
                            designation=f"migrationsmyndigheten i {names[country.pk]}" if rng.random() < 0.5 else "",
                            role=Role.PARTNER,
                        )
                    )
                chosen_funds = distinct(funds, fund_weights, rng.choices((1, 2), weights=(70, 30))[0])
                shares = (
                    [Funding.Share.SOLE] if len(chosen_funds) == 1 else [Funding.Share.MAIN, Funding.Share.CO_FINANCING]
                )
                if rng.random() < 0.2:
                    shares = [Funding.Share.NOT_STATED] * len(chosen_funds)
                fundings += [
                    Funding(project=project, fund=fund, share=share)
                    for fund, share in zip(chosen_funds, shares, strict=True)
                ]
                for country in distinct(countries, country_weights, rng.choices((1, 2, 3), weights=(50, 30, 20))[0]):
                    places.append(
                        ProjectCountry(
                            project=project,
                            country=country,
                            role=rng.choice(country_roles),
                            place=rng.choice(("", "", "", "Kabul", "Ankara", "Tbilisi", "Amman")),
                        )
                    )
                if project.pk > first_pk and rng.random() < 0.05:
                    relations.append(
                        ProjectRelation(
                            project=project,
                            kind=rng.choice(list(ProjectRelation.Kind)),
                            related_project_id=rng.randint(first_pk, project.pk - 1),
                        )
                    )
                if rng.random() < 0.1:
                    documents.append(
                        Document(
                            project=project,
                            title=f"Slutrapport {project.slug}",
                            kind=Document.Kind.REPORT,
                            file_format="PDF",
                            url=f"https://example.org/rapporter/{project.slug}.pdf",
                            is_external=True,
                        )
                    )
            for model, rows in (
                (Participation, participations),
                (Funding, fundings),
                (ProjectCountry, places),
                (ProjectRelation, relations),
                (Document, documents),
            ):
                model.objects.bulk_create(rows, batch_size=BATCH)
        if verbose:
            print(f"  seeded {number:>7,} projects ({time.perf_counter() - began:5.1f} s)", file=sys.stderr)
    CatalogueVersion.objects.bump()  # bulk_create sends no signal
    return {
        "projects": count,
        "participations": Participation.objects.count(),
        "fundings": Funding.objects.count(),
        "project_countries": ProjectCountry.objects.count(),
        "organisations": len(organisations),
        "funds": len(funds),
        "countries": len(countries),
        "frameworks": len(frameworks),
        "seconds": round(time.perf_counter() - began, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="how many projects, e.g. 10000")
    parser.add_argument("--database-url", help="the database to fill (default: $DATABASE_URL)")
    parser.add_argument("--clear", action="store_true", help="empty the catalogue's tables first")
    parser.add_argument("--no-migrate", action="store_true", help="do not run migrate first")
    parser.add_argument("--seed", type=int, default=2018, help="random seed (default 2018)")
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    from django.core.management import call_command

    if not args.no_migrate:
        call_command("migrate", verbosity=0)
    if args.clear:
        clear()
    try:
        summary = seed(args.count, random_seed=args.seed)
    except RuntimeError as error:
        sys.exit(str(error))
    print(", ".join(f"{key}: {value:,}" for key, value in summary.items()))


if __name__ == "__main__":
    main()
