"""Free-text search over projects, their partners and their funds.

On PostgreSQL, a project's own text is matched with full-text search in the Swedish
configuration against its SearchDocument, a tsvector that a trigger keeps up to date
(migration 0014) and a GIN index serves: nothing is computed per row at search time. Each
word of three letters or more is also a prefix ("österr" finds "Österrike"); a shorter one
is matched whole, or "b" would ask for almost every project. On SQLite, whose LIKE and
lower() fold only ASCII letters, text is lowered by Python's Unicode rules through a
registered function, so "ÖSTERRIKE" and "österrike" match. Names of partners and funds are
matched as lowered substrings on both databases, by words of three letters or more.

The catalogue index (projects/index.py) asks for the ids of the projects one word matches
(matching_project_ids) once per catalogue version, and the filter set's SQL says the same
rules (search_projects), as the reference the index is tested against.

A query has at most MAX_TERMS words; the list says so when it had more.
"""

import re

from django.contrib.postgres.search import SearchQuery
from django.db import connection, transaction
from django.db.models import CharField, Exists, Func, OuterRef, Q, Value
from django.db.models.functions import Coalesce

MAX_TERMS = 8
MIN_PREFIX = 3
WORD = re.compile(r"\w+")
# In both languages (projects/translation.py), as the search document's trigger reads them (migration 0017).
PROJECT_TEXT_FIELDS = (
    "name_sv",
    "name_en",
    "official_title",
    "acronym",
    "summary_sv",
    "summary_en",
    "description_sv",
    "description_en",
)


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


class JoinedText(Func):
    """The text of some columns joined by spaces, a missing one as empty: flat SQL, where Concat
    nests a pair per column (too deep for SQLite's parser with a column per language)."""

    function = "concat_ws"
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="concat_ws(' ', %(expressions)s)", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        copy = self.copy()
        copy.set_source_expressions([Coalesce(expression, Value("")) for expression in self.get_source_expressions()])
        return super(JoinedText, copy).as_sql(
            compiler, connection, template="%(expressions)s", arg_joiner=" || ' ' || ", **extra_context
        )


def lowered_text(*fields):
    return UnicodeLower(JoinedText(*fields))


def own_text_matches(term):
    """A condition on projects: their own text (name, titles, summary, description) has `term`."""
    from .models import Project, SearchDocument

    if connection.vendor == "postgresql":
        return Q(pk__in=SearchDocument.objects.filter(document=tsquery(term)).values("project_id"))
    return Q(pk__in=Project.objects.alias(text=lowered_text(*PROJECT_TEXT_FIELDS)).filter(text__contains=term))


def tsquery(term):
    # `term` holds only word characters, so it is safe as a raw tsquery.
    return SearchQuery(f"{term}:*" if len(term) >= MIN_PREFIX else term, search_type="raw", config="swedish")


def named_partners_and_funds(term):
    """The participations and fundings whose organisation, partner or fund has `term` in its name: one
    query each, of rows with a project_id.

    The few organisations and funds are matched first, so that the large tables are reached
    through their foreign-key indexes rather than scanned; and the few partners named in the
    source's words through their own index.
    """
    from .models import Fund, Funding, Organisation, Participation

    if len(term) < MIN_PREFIX:
        # A word of one or two letters is inside almost every name ("b" in "Europarådet"): it is
        # matched as a whole word in the projects' own text alone.
        return []
    organisations = Organisation.objects.alias(text=lowered_text("name_sv", "name_en", "acronym")).filter(
        text__contains=term
    )
    funds = Fund.objects.alias(
        text=lowered_text("name_sv", "name_en", "acronym", "description_sv", "description_en")
    ).filter(text__contains=term)
    designated = Participation.objects.exclude(designation="").alias(text=UnicodeLower("designation"))
    return [
        Participation.objects.filter(organisation__in=organisations.values("pk")),
        designated.filter(text__contains=term),
        Funding.objects.filter(fund__in=funds.values("pk")),
    ]


def search_projects(queryset, text):
    """Projects that match every word of `text` in their own text, a partner's name or a fund's name."""
    for term in search_terms(text):
        condition = own_text_matches(term)
        for rows in named_partners_and_funds(term):
            condition |= Q(Exists(rows.filter(project=OuterRef("pk"))))
        queryset = queryset.filter(condition)
    return queryset


def matching_project_ids(term):
    """The ids of the projects (published or not) that one search term matches, some more than once."""
    from .models import Project, SearchDocument

    if connection.vendor == "postgresql":
        # A common word is in nearly every project; PostgreSQL would then read every vector, which
        # costs it more than it reckons (0.3 s at 100,000 projects), rather than take the ids from
        # the GIN index with the table's small rows (20 ms).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            ids = list(SearchDocument.objects.filter(document=tsquery(term)).values_list("project_id", flat=True))
            cursor.execute("RESET enable_seqscan")  # for the rest of a transaction this one is inside
        yield from ids
    else:
        yield from Project.objects.filter(own_text_matches(term)).order_by().values_list("pk", flat=True)
    for rows in named_partners_and_funds(term):
        yield from rows.order_by().values_list("project_id", flat=True).iterator(chunk_size=10000)
