"""The project list as a file to download: CSV, XLSX or JSON, with the list's filters and in its order.

An export is the whole result of a list address (ProjectFilterSet.results(): the same
published projects in the same order; the list's `page` is no filter), one row or object per
project. Its projects are read a batch at a time with their partners, funds and countries
prefetched, so that memory stays bounded and the queries are a fixed few per batch however
long the list; each format writes a batch and hands it on before the next is read.

The three say the same facts:

* texts in the language of the request, as the pages show them (a project's Swedish name where
  it has no English one), headings too; roles, shares and statuses as the pages word them in
  CSV and XLSX, and as their stable codes in JSON;
* dates at the precision they are known to: in words ("hösten 2015") and in ISO 8601 at that
  precision ("2015-10-14", "2015-10", "2015", a season as the interval of its months
  "2015-09/2015-11"); JSON gives the date as the catalogue holds it (the first day of its unit)
  with its precision;
* the status with the day its facts were confirmed, and the project's public address.

CSV is RFC 4180 (comma, double quotes, CRLF) in UTF-8 with a byte order mark, so that a
spreadsheet reads its letters right. A text cell that a spreadsheet would take for a formula
(it begins with = + - @, a tab or a carriage return) gets a leading apostrophe. XLSX (openpyxl,
write-only) types every text cell as text, so none is ever a formula. Notes for editors are
never read.
"""

import csv
import datetime
import functools
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_countries import countries
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from .models import CatalogueVersion, Funding, Participation, Project, ProjectCountry
from .periods import Precision, format_point, last_day
from .snapshots import version_number

# Projects in memory at once while a file is written.
BATCH_SIZE = 500
# What joins the partners, funds or countries in one cell.
JOINER = "; "
# The first characters that make a spreadsheet read a CSV cell as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

NAMES = tuple(f"name_{language}" for language, _name in settings.LANGUAGES)

PROJECT_COLUMNS = (
    "slug",
    "name",
    "acronym",
    "summary",
    "status",
    "reviewed_on",
    "latest_end",
    *Project.PERIOD_COLUMNS,
    "agency_role",
    "cooperation_type",
    "framework",
    *(f"framework__{name}" for name in NAMES),
    "framework__slug",
    "content_changed_on",
)


def exported_projects():
    """The published projects with what an export shows, and no more: no note is even read."""
    return (
        Project.objects.published()
        .select_related("framework")
        .only(*PROJECT_COLUMNS)
        .prefetch_related(
            # As lists of their own (to_attr): Django would otherwise make a queryset for each project's
            # related manager to hold its rows, three for every project exported.
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation", "country").only(
                    "project",
                    "role",
                    "designation",
                    "organisation",
                    "country",
                    "organisation__slug",
                    "organisation__acronym",
                    *(f"organisation__{name}" for name in NAMES),
                    "country__code",
                ),
                to_attr="partners",
            ),
            Prefetch(
                "fundings",
                queryset=Funding.objects.select_related("fund").only(
                    "project", "share", "fund", "fund__slug", *(f"fund__{name}" for name in NAMES)
                ),
                to_attr="funders",
            ),
            Prefetch(
                "project_countries",
                queryset=ProjectCountry.objects.select_related("country").only(
                    "project", "role", "place", "country", "country__code"
                ),
                to_attr="places",
            ),
        )
    )


def iso_at_precision(date, precision):
    """A date in ISO 8601 at the precision it is known to: "2015-10-14", "2015-10", "2015", a season as the
    interval of its months ("2015-09/2015-11"); empty when it is not known."""
    if date is None or precision == Precision.UNKNOWN:
        return ""
    if precision == Precision.DAY:
        return date.isoformat()
    if precision == Precision.MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    if precision == Precision.SEASON:
        end = last_day(date, precision)
        return f"{date.year:04d}-{date.month:02d}/{end.year:04d}-{end.month:02d}"
    return f"{date.year:04d}"


def guarded(value):
    """A CSV cell's text that no spreadsheet takes for a formula."""
    if value and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def label(choice_display):
    return capfirst(str(choice_display)) if choice_display else ""


@dataclass(frozen=True)
class Context:
    """What every row of one export is written with, and what its JSON says of itself."""

    origin: str
    language: str
    catalogue_version: str
    generated_at: datetime.datetime
    list_url: str
    query: str

    @classmethod
    def of(cls, request, *, list_url, query):
        """The context of an export asked for by `request`, of the list at `list_url` with `query`."""
        origin = f"{request.scheme}://{request.get_host()}"
        return cls(
            origin=origin,
            language=translation.get_language(),
            catalogue_version=CatalogueVersion.objects.for_request(request),
            generated_at=timezone.now(),
            list_url=f"{origin}{list_url}?{query}" if query else f"{origin}{list_url}",
            query=query,
        )

    @property
    def today(self):
        return timezone.localdate(self.generated_at)

    def url(self, project):
        return f"{self.origin}{project.get_absolute_url()}"


def status_text(project, context):
    text = label(project.get_status_display())
    if project.ongoing_past_end:
        text = f"{text}, {_('but its end has passed')}"
    return text


def partners_text(project):
    return JOINER.join(
        f"{participation.partner_name} ({participation.get_role_display()})" for participation in project.partners
    )


def funds_text(project):
    return JOINER.join(f"{funding.fund} ({funding.get_share_display()})" for funding in project.funders)


@functools.lru_cache(maxsize=1024)
def _country_name(code, language):
    return countries.name(code)


def country_name(country):
    """A country's name in the active language: looked up once per language, since an export names thousands."""
    return _country_name(country.code.code, translation.get_language())


def place_name(place):
    name = country_name(place.country)
    return f"{name}, {place.place}" if place.place else name


def countries_text(project):
    return JOINER.join(f"{place_name(place)} ({place.get_role_display()})" for place in project.places)


def iso_day(date):
    return date.isoformat() if date else ""


def field_label(name):
    """A column's heading from the model field it shows, as the admin names it."""
    return lambda: capfirst(str(Project._meta.get_field(name).verbose_name))


def iso_label(name):
    return lambda: f"{field_label(name)()} (ISO 8601)"


# (heading, the cell of a project): the columns of CSV and XLSX, in order. A heading is worked out in the
# language of the export. A cell is text, a date known to the day, or a number; CSV writes each as text.
COLUMNS = (
    (field_label("name"), lambda project, context: project.name),
    (field_label("acronym"), lambda project, context: project.acronym),
    (lambda: _("Address"), lambda project, context: context.url(project)),
    (field_label("status"), status_text),
    (field_label("reviewed_on"), lambda project, context: project.reviewed_on),
    (field_label("start_date"), lambda project, context: format_point(project.start_date, project.start_precision)),
    (iso_label("start_date"), lambda project, context: iso_at_precision(project.start_date, project.start_precision)),
    (field_label("end_date"), lambda project, context: format_point(project.end_date, project.end_precision)),
    (iso_label("end_date"), lambda project, context: iso_at_precision(project.end_date, project.end_precision)),
    (lambda: _("Duration"), lambda project, context: project.period.duration),
    (field_label("duration_months"), lambda project, context: project.duration_months),
    (field_label("agency_role"), lambda project, context: label(project.get_agency_role_display())),
    (field_label("cooperation_type"), lambda project, context: label(project.get_cooperation_type_display())),
    (field_label("framework"), lambda project, context: str(project.framework) if project.framework_id else ""),
    (lambda: _("Partners and roles"), lambda project, context: partners_text(project)),
    (lambda: _("Funding and shares"), lambda project, context: funds_text(project)),
    (lambda: _("Countries and roles"), lambda project, context: countries_text(project)),
    (field_label("summary"), lambda project, context: project.summary),
    (field_label("content_changed_on"), lambda project, context: project.content_changed_on),
)


def headings():
    return [str(heading()) for heading, _cell in COLUMNS]


def cells(project, context):
    return [cell(project, context) for _heading, cell in COLUMNS]


def csv_text(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return guarded(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class Export:
    """One format: its media type and file name extension, and how it writes a list of projects."""

    content_type = ""
    extension = ""

    def __init__(self, context):
        self.context = context

    @property
    def filename(self):
        with translation.override(self.context.language):
            return f"{_('projects')}-{self.context.today.isoformat()}.{self.extension}"

    def etag(self, *, release):
        """A weak entity tag: the same while what the file is made of is (the code's release, the catalogue
        version, the day, the language, the format and the filters); weak, since the JSON says when it was made."""
        context = self.context
        facts = (release, context.catalogue_version, context.today, context.language, self.extension, context.query)
        return f'W/"{hashlib.sha256(repr(facts).encode()).hexdigest()[:32]}"'

    def chunks(self, results):
        """The file of `results` (ProjectFilterSet.results()), as pieces to send in turn. How many projects there
        are is worked out now, before the first piece."""
        batches = results.batches(BATCH_SIZE)
        return self.in_language(self.write(batches, len(results)))

    def in_language(self, chunks):
        """`chunks` written in the export's language: a streamed response is written after its view has returned."""
        with translation.override(self.context.language):
            yield from chunks

    def write(self, batches, count):
        raise NotImplementedError


class CsvExport(Export):
    content_type = "text/csv; charset=utf-8"
    extension = "csv"

    def write(self, batches, count):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")

        def taken():
            text = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            return text

        writer.writerow(headings())
        yield "\ufeff" + taken()
        for batch in batches:
            for project in batch:
                writer.writerow([csv_text(value) for value in cells(project, self.context)])
            yield taken()


class JsonExport(Export):
    content_type = "application/json"
    extension = "json"

    def write(self, batches, count):
        context = self.context
        about = {
            "generated_at": context.generated_at.isoformat(timespec="seconds"),
            "catalogue_version": version_number(context.catalogue_version),
            "language": context.language,
            "list_url": context.list_url,
            "count": count,
        }
        # The keys above, then the projects one by one: {"generated_at": ..., "count": 2, "projects": [{...},\n{...}]}
        yield json.dumps(about, ensure_ascii=False)[:-1] + ', "projects": [\n'
        separator = ""
        for batch in batches:
            if batch:
                yield separator + ",\n".join(json.dumps(self.project(project), ensure_ascii=False) for project in batch)
                separator = ",\n"
        yield "\n]}\n"

    def project(self, project):
        return {
            "slug": project.slug,
            "url": self.context.url(project),
            "name": project.name,
            "acronym": project.acronym,
            "status": project.status,
            "facts_confirmed_on": iso_day(project.reviewed_on) or None,
            "start": self.point(project.start_date, project.start_precision),
            "end": self.point(project.end_date, project.end_precision),
            "duration": (
                {"months": project.duration_months, "approximate": project.duration_is_approximate}
                if project.duration_months is not None
                else None
            ),
            "agency_role": project.agency_role or None,
            "cooperation_type": project.cooperation_type or None,
            "framework": (
                {"slug": project.framework.slug, "name": str(project.framework)} if project.framework_id else None
            ),
            "partners": [
                {
                    "name": participation.partner_name,
                    "organisation": participation.organisation.slug if participation.organisation_id else None,
                    "country": participation.country.code.code if participation.country_id else None,
                    "role": participation.role,
                }
                for participation in project.partners
            ],
            "funds": [
                {"slug": funding.fund.slug, "name": str(funding.fund), "share": funding.share}
                for funding in project.funders
            ],
            "countries": [
                {
                    "code": place.country.code.code,
                    "name": country_name(place.country),
                    "role": place.role,
                    "place": place.place or None,
                }
                for place in project.places
            ],
            "summary": project.summary,
            "content_changed_on": iso_day(project.content_changed_on),
        }

    @staticmethod
    def point(date, precision):
        """A date as the catalogue holds it: the first day of its unit, how precisely it is known, and in words."""
        if date is None or precision == Precision.UNKNOWN:
            return None
        return {"date": date.isoformat(), "precision": precision, "text": format_point(date, precision)}


class XlsxExport(Export):
    """A workbook of one sheet, written by openpyxl in write-only mode and sent as it is written.

    openpyxl writes a write-only sheet's rows to a temporary file and zips the package only once
    every row is written, so nothing could be sent before the whole list was read. Here the sheet's
    rows go straight into the package's zip entry as they are appended (a zip written to a stream
    ends each entry with a data descriptor, which every reader of XLSX reads), and what the zip has
    compressed is sent after each batch; openpyxl then writes the package's other parts as it does.
    """

    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"
    # The only sheet's part, as openpyxl names the first sheet of a workbook.
    SHEET_PART = "xl/worksheets/sheet1.xml"
    # Characters of a column, in Excel's units of one digit's width.
    WIDTHS = (40, 12, 45, 16, 14, 16, 16, 16, 16, 14, 10, 18, 20, 24, 60, 40, 40, 60, 14)

    def write(self, batches, count):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(_("Projects")))
        for number, width in enumerate(self.WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        sheet.freeze_panes = "A2"
        stream = SentBytes()
        archive = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)
        with archive.open(self.SHEET_PART, "w") as part:
            sheet._writer = WorksheetWriter(sheet, out=part)
            sheet._writer.write_top()
            bold = Font(bold=True)
            sheet.append([self.text_cell(sheet, heading, font=bold) for heading in headings()])
            for batch in batches:
                for project in batch:
                    sheet.append([self.value(sheet, value) for value in cells(project, self.context)])
                if compressed := stream.taken():
                    yield compressed
            sheet.close()
        PackageWriter(workbook, archive).save()
        yield stream.taken()

    @classmethod
    def value(cls, sheet, value):
        """What a cell holds: text as text (never a formula), a day as a date (yyyy-mm-dd), a number as a number."""
        if isinstance(value, str):
            return cls.text_cell(sheet, value) if value.startswith("=") else ILLEGAL_CHARACTERS_RE.sub("", value)
        return value

    @staticmethod
    def text_cell(sheet, text, *, font=None):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
        cell.data_type = "s"  # openpyxl takes text that begins with "=" for a formula
        if font is not None:
            cell.font = font
        return cell


class SentBytes(io.RawIOBase):
    """A stream that a zip is written to and its bytes are taken from as they come: it cannot seek."""

    def __init__(self):
        super().__init__()
        self.parts, self.position = [], 0

    def writable(self):
        return True

    def write(self, data):
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self):
        return self.position

    def taken(self):
        data = b"".join(self.parts)
        self.parts.clear()
        return data


class PackageWriter(ExcelWriter):
    """openpyxl's writer of a workbook's package, for a workbook whose only sheet is in the zip already
    (XlsxExport): it writes every other part, and the sheet's place in the package, as openpyxl does."""

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


FORMATS = {export.extension: export for export in (CsvExport, JsonExport, XlsxExport)}
