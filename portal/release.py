"""What this release of the site is made of, as a short digest: part of the key of every page
kept between requests (the page cache, the project pages' snapshots, the start page).

A deployment that changes the code, a template, a translation or a static file changes the
digest, so no page rendered by the code before it is served after it, even while the old and
the new app servers share one cache and one database.
"""

import hashlib

import django
import jinja2
from django.conf import settings

# The files the pages are rendered from, relative to the project folder.
SOURCES = (
    "portal/**/*.py",
    "projects/**/*.py",
    "feedback/**/*.py",
    "templates/**/*.html",
    "locale/**/*.mo",
    "static/**/*",
)


def fingerprint(base_dir):
    """A digest of the SOURCES under `base_dir`, Django's and Jinja2's versions and the site's languages."""
    languages = " ".join(code for code, _name in settings.LANGUAGES)
    digest = hashlib.sha256(f"{django.__version__} {jinja2.__version__} {languages}".encode())
    for pattern in SOURCES:
        for path in sorted(base_dir.glob(pattern)):
            if path.is_file():
                digest.update(f"\0{path.relative_to(base_dir).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


RELEASE = fingerprint(settings.BASE_DIR)
