"""Free-text search over projects, their partners and their funds.

On PostgreSQL, the project's own text is matched with full-text search in the
Swedish configuration, each word as a prefix ("österr" finds "Österrike"), backed
by the GIN index that migration 0002 creates from the same expression. On SQLite,
whose LIKE and lower() fold only ASCII letters, text is lowered by Python's
Unicode rules through a registered function, so "ÖSTERRIKE" and "österrike" match.
Names of partners and funds are matched as lowered substrings on both databases.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import CharField, Exists, Func, OuterRef, Q, Value
from django.db.models.functions import Concat

from .models import Funding, Participation

MAX_TERMS = 8
WORD = re.compile(r"\w+")
PROJECT_TEXT_FIELDS = ("name", "official_title", "acronym", "summary", "description")


def project_search_vector():
    """The expression that PostgreSQL's full-text index is built on."""
    return SearchVector(*PROJECT_TEXT_FIELDS, config="swedish")


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


def search_terms(text):
    """The words of a query, lowered; at most MAX_TERMS of them."""
    return [word.lower() for word in WORD.findall(text or "")][:MAX_TERMS]


def lowered_text(*fields):
    parts = []
    for field in fields:
        parts += [field, Value(" ")]
    return UnicodeLower(Concat(*parts[:-1], output_field=CharField()))


def names_match(term):
    partners = Participation.objects.alias(
        text=lowered_text("organisation__name", "organisation__acronym", "designation")
    ).filter(project=OuterRef("pk"), text__contains=term)
    funds = Funding.objects.alias(text=lowered_text("fund__name", "fund__acronym", "fund__description")).filter(
        project=OuterRef("pk"), text__contains=term
    )
    return Q(Exists(partners)) | Q(Exists(funds))


def search_projects(queryset, text):
    """Projects that match every word of `text` in their own text, a partner's name or a fund's name."""
    terms = search_terms(text)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        queryset = queryset.alias(search_vector=project_search_vector())
    else:
        queryset = queryset.alias(search_text=lowered_text(*PROJECT_TEXT_FIELDS))
    for term in terms:
        if connection.vendor == "postgresql":
            # `term` holds only word characters, so it is safe as a raw tsquery.
            own_text = Q(search_vector=SearchQuery(f"{term}:*", search_type="raw", config="swedish"))
        else:
            own_text = Q(search_text__contains=term)
        queryset = queryset.filter(own_text | names_match(term))
    return queryset
