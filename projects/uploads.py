"""What editors may upload: documents and pictures of a few kinds, each known by its content.

The media folder is served from the site's own address, so a file that a browser would run
(HTML, SVG with script) must never get there, whatever its name says. A file is accepted only
when its first bytes (and, for the office formats, the parts inside the ZIP container) are
those of an allowed kind and its name ends as that kind's do. The proxy serves the folder as
downloads, with nosniff (deploy/), as DEBUG's media view does (portal/urls.py).
"""

import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# Kind: the endings a file of that kind may have.
ENDINGS = {
    "PDF": {".pdf"},
    "DOCX": {".docx"},
    "XLSX": {".xlsx"},
    "ODT": {".odt"},
    "PNG": {".png"},
    "JPEG": {".jpg", ".jpeg"},
}
MAX_BYTES = 25 * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def kind_of(file):
    """The kind of an uploaded file by its content (a key of ENDINGS), or None."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return "PDF"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"PK\x03\x04"):
        return office_kind(file)
    return None


def office_kind(file):
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "ODT"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "DOCX"
        if "xl/workbook.xml" in names:
            return "XLSX"
    return None


def validate_upload(file):
    """A file an editor uploads: one of the allowed kinds by content and by name, and not too large."""
    if file.size is not None and file.size > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; at most %(limit)s can be uploaded."),
            params={"size": filesizeformat(file.size), "limit": filesizeformat(MAX_BYTES)},
            code="too_large",
        )
    kind = kind_of(file)
    if kind is None or Path(file.name).suffix.lower() not in ENDINGS[kind]:
        raise ValidationError(
            _(
                "Only PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), PNG and JPEG files can be "
                "uploaded, named as their content is: “%(name)s” is not one of them."
            ),
            params={"name": Path(file.name).name},
            code="file_kind",
        )
