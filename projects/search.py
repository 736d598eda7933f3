"""Free-text search over projects, their partners and their funds.

On PostgreSQL, a project's own text is matched with full-text search in the Swedish
configuration against Project.search_document, a tsvector that a trigger keeps up to date
(migration 0011) and a GIN index serves: nothing is computed per row at search time. Each
word of three letters or more is also a prefix ("österr" finds "Österrike"); a shorter one
is matched whole, or "b" would ask for almost every project. On SQLite, whose LIKE and
lower() fold only ASCII letters, text is lowered by Python's Unicode rules through a
registered function, so "ÖSTERRIKE" and "österrike" match. Names of partners and funds are
matched as lowered substrings on both databases, by words of three letters or more.

A query has at most MAX_TERMS words; the list says so when it had more.
"""

import re

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import CharField, Exists, Func, OuterRef, Q, Value
from django.db.models.functions import Concat

MAX_TERMS = 8
MIN_PREFIX = 3
WORD = re.compile(r"\w+")
PROJECT_TEXT_FIELDS = ("name", "official_title", "acronym", "summary", "description")


class UnicodeLower(Func):
    """lower() that folds every letter, not only ASCII ones, on both databases."""

    function = "LOWER"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="unicode_lower", **extra_context)


def register_sqlite_functions(sender, connection, **kwargs):
    """Give every new SQLite connection a Unicode-aware lower()."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("unicode_lower", 1, _lower, deterministic=True)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def search_terms(text, limit=MAX_TERMS):
    """The distinct words of a query, lowered, in the order given; at most `limit` of them."""
    terms = list(dict.fromkeys(word.lower() for word in WORD.findall(text or "")))
    return terms[:limit] if limit else terms


def lowered_text(*fields):
    parts = []
    for field in fields:
        parts += [field, Value(" ")]
    return UnicodeLower(Concat(*parts[:-1], output_field=CharField()))


def own_text_matches(term):
    """A condition on projects: their own text (name, titles, summary, description) has `term`."""
    if connection.vendor == "postgresql":
        # `term` holds only word characters, so it is safe as a raw tsquery.
        query = f"{term}:*" if len(term) >= MIN_PREFIX else term
        return Q(search_document=SearchQuery(query, search_type="raw", config="swedish"))
    from .models import Project

    return Q(pk__in=Project.objects.alias(text=lowered_text(*PROJECT_TEXT_FIELDS)).filter(text__contains=term))


def named_partners_and_funds(term):
    """The participations and fundings of organisations, partners and funds whose names contain `term`.

    The few organisations and funds are matched first, so that the large tables are reached
    through their foreign-key indexes rather than scanned.
    """
    from .models import Fund, Funding, Organisation, Participation

    if len(term) < MIN_PREFIX:
        # A word of one or two letters is inside almost every name ("b" in "Europarådet"): it is
        # matched as a whole word in the projects' own text alone.
        return Participation.objects.none(), Funding.objects.none()
    organisations = Organisation.objects.alias(text=lowered_text("name", "acronym")).filter(text__contains=term)
    funds = Fund.objects.alias(text=lowered_text("name", "acronym", "description")).filter(text__contains=term)
    participations = Participation.objects.alias(designation_text=UnicodeLower("designation")).filter(
        Q(organisation__in=organisations.values("pk")) | Q(designation_text__contains=term)
    )
    return participations, Funding.objects.filter(fund__in=funds.values("pk"))


def search_projects(queryset, text):
    """Projects that match every word of `text` in their own text, a partner's name or a fund's name."""
    for term in search_terms(text):
        participations, fundings = named_partners_and_funds(term)
        queryset = queryset.filter(
            own_text_matches(term)
            | Q(Exists(participations.filter(project=OuterRef("pk"))))
            | Q(Exists(fundings.filter(project=OuterRef("pk"))))
        )
    return queryset


def matching_project_ids(term):
    """The ids of the projects (published or not) that one search term matches, in three index-friendly queries."""
    from .models import Project

    participations, fundings = named_partners_and_funds(term)
    yield from Project.objects.filter(own_text_matches(term)).values_list("pk", flat=True).iterator(chunk_size=10000)
    yield from participations.values_list("project_id", flat=True).iterator(chunk_size=10000)
    yield from fundings.values_list("project_id", flat=True).iterator(chunk_size=10000)
