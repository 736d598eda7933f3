"""Small factories for tests: each makes one valid row, with overrides by keyword."""

import itertools

from projects.models import Country, Document, Fund, Funding, Organisation, Participation, Project
from projects.periods import Precision

_numbers = itertools.count(1)


def make_country(code="SE"):
    country, _ = Country.objects.get_or_create(code=code)
    return country


def make_organisation(**overrides):
    number = next(_numbers)
    fields = {"name": f"Organisation {number}", "slug": f"organisation-{number}", "kind": Organisation.Kind.AGENCY}
    fields.update(overrides)
    return Organisation.objects.create(**fields)


def make_fund(**overrides):
    number = next(_numbers)
    fields = {"name": f"Fund {number}", "slug": f"fund-{number}", "kind": Fund.Kind.EU_FUND}
    fields.update(overrides)
    return Fund.objects.create(**fields)


def make_project(*, partners=(), funds=(), **overrides):
    number = next(_numbers)
    fields = {
        "name": f"Project {number}",
        "slug": f"project-{number}",
        "summary": f"Summary of project {number}.",
        "description": f"Description of project {number}.",
        "status": Project.Status.ONGOING,
        "start_precision": Precision.UNKNOWN,
        "end_precision": Precision.UNKNOWN,
    }
    fields.update(overrides)
    project = Project.objects.create(**fields)
    for organisation in partners:
        Participation.objects.create(project=project, organisation=organisation, role=Participation.Role.PARTNER)
    for fund in funds:
        Funding.objects.create(project=project, fund=fund, share=Funding.Share.MAIN)
    return project


def make_document(project, **overrides):
    fields = {"project": project, "title": f"Document {next(_numbers)}", "kind": Document.Kind.REPORT}
    fields.update(overrides)
    return Document.objects.create(**fields)


def make_catalogue(count):
    """`count` projects, each with two partners, a fund with a part, two countries, a relation and a document.

    Written in bulk, as a catalogue loaded by other means would be: no history, and one move of
    the catalogue version for the lot.
    """
    from projects.models import CatalogueVersion, ProjectCountry, ProjectRelation

    amif = make_fund(name="AMIF", slug="amif-x")
    special = make_fund(name="AMIF special", slug="amif-special-x", parent=amif)
    organisations = [make_organisation() for _ in range(4)]
    countries = [make_country(code) for code in ("SE", "TR", "AF")]
    projects = []
    for _ in range(count):
        number = next(_numbers)
        project = Project(
            name=f"Project {number}",
            slug=f"project-{number}",
            summary=f"Summary of project {number}.",
            description=f"Description of project {number}.",
            status=Project.Status.ONGOING,
        )
        project.set_period_bounds()
        projects.append(project)
    Project.objects.bulk_create(projects)
    rows = []
    for number, project in enumerate(projects):
        rows += [
            Participation(project=project, organisation=organisation, role=Participation.Role.PARTNER)
            for organisation in organisations[number % 2 : number % 2 + 2]
        ]
        rows.append(Participation(project=project, country=countries[2], role=Participation.Role.PARTNER))
        rows.append(Funding(project=project, fund=special if number % 2 else amif, share=Funding.Share.MAIN))
        rows += [
            ProjectCountry(project=project, country=country, role=ProjectCountry.Role.TARGET_COUNTRY)
            for country in countries[:2]
        ]
        if number:
            rows.append(
                ProjectRelation(
                    project=project, kind=ProjectRelation.Kind.CONTINUES, related_project=projects[number - 1]
                )
            )
        rows.append(
            Document(
                project=project,
                title=f"Document {next(_numbers)}",
                kind=Document.Kind.REPORT,
                url="https://example.org/doc",
                is_external=True,
            )
        )
    for model in {type(row) for row in rows}:
        model.objects.bulk_create([row for row in rows if type(row) is model])
    CatalogueVersion.objects.bump()  # bulk_create sends no signal
