"""A status is as true as the day it was confirmed: the date beside it, an end that has passed said
plainly, "last updated" the day the content last changed, and a closed project's end bounded by it."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import PageContent, Project
from tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db

SOURCE_DAY = datetime.date(2018, 2, 12)
ONGOING = {"erin", "eu-frank", "eurlo", "twinning-kosovo", "twinning-serbien"}


def listed(client, params):
    response = client.get(reverse("projects:list"), params)
    assert response.status_code == 200
    return response, {project.slug for project in response.context["object_list"]}


def test_shipped_facts_are_confirmed_and_dated_on_the_source_pages_day(client, catalogue):
    assert PageContent.objects.get(key=PageContent.CATALOGUE_KEY).source_updated_on == SOURCE_DAY
    assert set(Project.objects.values_list("reviewed_on", "content_changed_on")) == {(SOURCE_DAY, SOURCE_DAY)}
    text = client.get(reverse("projects:detail", args=["pp7"])).text
    assert '(uppgifterna bekräftade <time datetime="2018-02-12">12 februari 2018</time>)' in text
    assert 'Posten uppdaterades senast\n    <time datetime="2018-02-12">12 februari 2018</time>.' in text
    english = client.get("/en" + reverse("projects:detail", args=["pp7"])).text
    assert '(facts confirmed <time datetime="2018-02-12">12 February 2018</time>)' in english


def test_an_ongoing_project_whose_end_has_passed_says_so(client, catalogue):
    text = client.get(reverse("projects:detail", args=["erin"])).text
    assert 'Pågående</span> <span class="status-date">(uppgifterna bekräftade' in text
    assert "men slutet har passerat" in text
    assert "skulle avslutas senast 31 december 2021. Den dagen har passerat" in text
    closed = client.get(reverse("projects:detail", args=["pp7"])).text
    assert "slutet har passerat" not in closed and "Den dagen har passerat" not in closed


def test_the_list_shows_or_hides_ongoing_projects_whose_end_has_passed(client, catalogue):
    response, everything = listed(client, {})
    assert everything >= ONGOING
    assert 'name="past_end" value="show" id="id_past_end_0" checked' in response.text  # the default, chosen
    hidden_response, hidden = listed(client, {"past_end": "hide"})
    assert hidden == everything - ONGOING
    assert 'name="past_end" value="hide" id="id_past_end_1" checked' in hidden_response.text
    assert "Pågående projekt vars slut har passerat: dolda" in hidden_response.text  # an active filter
    # Only those whose end has passed are hidden: one confirmed today with an end to come stays.
    Project.objects.get(slug="erin").save()  # derives its bounds again, as any save does
    Project.objects.filter(slug="erin").update(latest_end=timezone.localdate() + datetime.timedelta(days=30))
    from projects.models import CatalogueVersion

    CatalogueVersion.objects.bump()
    assert listed(client, {"past_end": "hide"})[1] == everything - ONGOING | {"erin"}
    _, junk = listed(client, {"past_end": "<script>"})
    assert junk == everything


def test_a_closed_projects_latest_end_is_the_day_its_status_was_confirmed_at_the_latest(client, catalogue):
    curriculum = Project.objects.get(slug="european-asylum-curriculum")  # closed, the source gives no end
    assert curriculum.end_date is None and curriculum.latest_end == SOURCE_DAY
    assert "european-asylum-curriculum" not in listed(client, {"year_from": 2023, "year_to": 2026})[1]
    assert "european-asylum-curriculum" in listed(client, {"year_from": 2017, "year_to": 2018})[1]
    pp7 = Project.objects.get(slug="pp7")  # closed in March 2016: its own end is earlier
    assert pp7.latest_end == datetime.date(2016, 3, 31)


def test_an_editors_content_change_dates_the_entry_and_a_review_only_confirms_it(make_editor, catalogue):
    editor = Client()
    editor.force_login(make_editor())
    today = timezone.localdate()
    url = reverse("admin:projects_project_change", args=[Project.objects.get(slug="pp7").pk])
    data = admin_form_data(editor.get(url))
    data["reviewed_on"] = today.isoformat()
    assert editor.post(url, data).status_code == 302
    pp7 = Project.objects.get(slug="pp7")
    assert (pp7.reviewed_on, pp7.content_changed_on) == (today, SOURCE_DAY)
    data = admin_form_data(editor.get(url))
    data["summary_sv"] = "En ny sammanfattning."
    assert editor.post(url, data).status_code == 302
    assert Project.objects.get(slug="pp7").content_changed_on == today
    # The list's action confirms the facts of the chosen projects, and changes no content.
    erin = Project.objects.get(slug="erin")
    changelist = reverse("admin:projects_project_changelist")
    editor.post(changelist, {"action": "mark_reviewed", "_selected_action": [erin.pk]})
    erin.refresh_from_db()
    assert (erin.reviewed_on, erin.content_changed_on) == (today, SOURCE_DAY)
