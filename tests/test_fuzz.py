"""Generated hostile input (hypothesis): query strings, paths, feedback posts and admin forms.

Whatever arrives, the answer is never a 5xx and the catalogue is as it was, but for what a
valid admin form asks for.
"""

import urllib.parse

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import Participation, Project
from tests.admin_forms import admin_form_data
from tests.factories import make_project

pytestmark = pytest.mark.django_db

# Function-scoped fixtures (the database, the client) are shared by the examples on purpose:
# what an example leaves behind is part of what the next one meets.
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# An admin form is a page and a post of the whole project with its inlines: fewer of them.
FUZZ_ADMIN = settings(FUZZ, max_examples=15)

LIST_PARAMETERS = [
    "q", "status", "partner", "partner_mode", "fund", "country", "year_from", "year_to", "cooperation_type",
    "framework", "past_end", "sort", "page", "visa", "feedback", "lang", "",
]  # fmt: skip
# Any character, control characters, NUL and lone surrogates' escapes included, and sometimes a lot of them.
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),
    st.sampled_from(["ongoing", "amif", "unhcr", "se", "2016", "-1", "99999999999999999999", "%00", "<script>"]),
    st.text(min_size=1, max_size=3).map(lambda text: text * 4000),
)
RAW = st.text(alphabet=st.sampled_from("%0Ff&=;+?#/\\.a\x00 é"), max_size=60)


def catalogue_state():
    projects = sorted(Project.objects.values_list("slug", "name_sv", "version"))
    return projects, Participation.objects.count()


@pytest.fixture
def fuzzed_catalogue(catalogue):
    return catalogue_state()


@FUZZ
@given(
    prefix=st.sampled_from(["/projekt/", "/en/projekt/"]),
    pairs=st.lists(st.tuples(st.sampled_from(LIST_PARAMETERS) | st.text(max_size=8), TEXT), max_size=8),
    raw=RAW,
)
def test_any_query_string_on_the_list_gets_an_answer(client, fuzzed_catalogue, prefix, pairs, raw):
    query = urllib.parse.urlencode(pairs) + ("&" + raw if raw else "")
    response = client.get(f"{prefix}?{query}")
    assert response.status_code < 500, query
    assert catalogue_state() == fuzzed_catalogue


@FUZZ
@given(
    base=st.sampled_from(["/", "/projekt/", "/en/projekt/", "/partner/", "/fond/", "/en/", "/synpunkter/"]),
    rest=st.text(max_size=40) | RAW,
)
def test_any_path_gets_an_answer(client, fuzzed_catalogue, base, rest):
    path = base + urllib.parse.quote(rest, safe="/%?&=")
    response = client.get(path)
    assert response.status_code < 500, path
    assert catalogue_state() == fuzzed_catalogue


@FUZZ
@given(
    form=st.sampled_from(["feedback:answer", "feedback:comment"]),
    fields=st.dictionaries(
        st.sampled_from(["page", "answer", "comment", "token", "website", "csrfmiddlewaretoken"]) | st.text(max_size=8),
        TEXT,
        max_size=6,
    ),
)
def test_any_feedback_post_gets_an_answer(client, fuzzed_catalogue, form, fields):
    response = client.post(reverse(form), fields)
    assert response.status_code < 500, fields
    assert catalogue_state() == fuzzed_catalogue


@pytest.fixture
def editor_client(make_editor):
    client = Client()
    client.force_login(make_editor("redaktor"))
    return client


ADMIN_FIELDS = [
    "name_sv", "name_en", "slug", "status", "start_date", "start_precision", "end_date", "end_precision",
    "duration_months", "summary_sv", "description_en", "agency_role", "reviewed_on", "position", "framework",
    "opened_version", "is_published", "participations-TOTAL_FORMS", "participations-INITIAL_FORMS",
    "participations-0-role", "participations-0-organisation", "fundings-0-share", "fundings-TOTAL_FORMS",
    "documents-0-url", "_save", "_continue",
]  # fmt: skip


@FUZZ_ADMIN
@given(changes=st.dictionaries(st.sampled_from(ADMIN_FIELDS) | st.text(max_size=12), TEXT, max_size=6))
def test_any_admin_form_gets_an_answer_and_changes_only_its_project(editor_client, changes):
    project = make_project(name="Fuzzat projekt") if not Project.objects.exists() else Project.objects.first()
    others = list(Project.objects.exclude(pk=project.pk).values_list("pk", "version"))
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = admin_form_data(editor_client.get(url))
    data.update(changes)
    response = editor_client.post(url, data)
    assert response.status_code in (200, 302), changes
    assert list(Project.objects.exclude(pk=project.pk).values_list("pk", "version")) == others
