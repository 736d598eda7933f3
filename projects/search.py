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
MIN_PREFIX = 3
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


def search_terms(text, limit=MAX_TERMS):
    """The distinct words of a query, lowered, in the order given; at most `limit` of them."""
    terms = list(dict.fromkeys(word.lower() for word in WORD.findall(text or "")))
    return terms[:limit] if limit else terms


def lowered_text(*fields):
    parts = []
    for field in fields:
        parts += [field, Value(" ")]
    return UnicodeLower(Concat(*parts[:-1], output_field=CharField()))


def names_match(term):
    """Projects with a partner or fund whose name contains `term`.

    The few organisations and funds are matched first, so that the large tables are
    reached through their foreign-key indexes rather than scanned.
    """
    from .models import Fund, Organisation

    organisations = Organisation.objects.alias(text=lowered_text("name", "acronym")).filter(text__contains=term)
    funds = Fund.objects.alias(text=lowered_text("name", "acronym", "description")).filter(text__contains=term)
    partners = (
        Participation.objects.filter(project=OuterRef("pk"))
        .alias(designation_text=UnicodeLower("designation"))
        .filter(Q(organisation__in=organisations.values("pk")) | Q(designation_text__contains=term))
    )
    fundings = Funding.objects.filter(project=OuterRef("pk"), fund__in=funds.values("pk"))
    return Q(Exists(partners)) | Q(Exists(fundings))


def search_projects(queryset, text):
    """Projects that match every word of `text` in their own text, a partner's name or a fund's name."""
    from .models import Project

    terms = search_terms(text)
    for term in terms:
        if connection.vendor == "postgresql":
            # The full-text match runs as its own subquery, so that PostgreSQL answers it
            # from the GIN index once instead of computing the vector for every row.
            # `term` holds only word characters, so it is safe as a raw tsquery.
            # A word of three letters or more also finds longer words it begins ("österr" finds
            # "Österrike"); a shorter one is matched whole, or "b" would ask for almost every project.
            query = f"{term}:*" if len(term) >= MIN_PREFIX else term
            matching = Project.objects.alias(search_vector=project_search_vector()).filter(
                search_vector=SearchQuery(query, search_type="raw", config="swedish")
            )
            own_text = Q(pk__in=matching.values("pk"))
        else:
            own_text = Q(
                Exists(
                    Project.objects.alias(text=lowered_text(*PROJECT_TEXT_FIELDS)).filter(
                        pk=OuterRef("pk"), text__contains=term
                    )
                )
            )
        queryset = queryset.filter(own_text | names_match(term))
    return queryset
