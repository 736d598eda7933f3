"""The project list in Chromium as GOV.UK's finder pattern asks: results first on a phone, filters behind
a disclosure that needs no script, sorting from the same form, and a form that matches the address after Back."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_on_a_phone_the_first_result_is_on_the_first_screen_and_the_filters_open_without_script(
    live_server, catalogue, chromium
):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/projekt/?fund=amif")
    first = page.locator(".project-list li").first.bounding_box()
    assert first["y"] + 40 < 844
    assert not page.locator("#id_q").is_visible()
    page.get_by_text("Filtrera projekt (1 valda)").click()
    assert page.locator("#id_q").is_visible()
    page.get_by_label("Pågående").first.check()
    page.get_by_role("button", name="Visa projekt").click()
    assert "status=ongoing" in page.url and "fund=amif" in page.url
    context.close()


def test_on_a_wide_screen_the_filters_are_always_shown(live_server, catalogue, page):
    page.goto(live_server.url + "/projekt/")
    assert page.locator("#id_q").is_visible() and not page.locator(".filter-panel > summary").is_visible()


def test_a_sort_order_applies_as_soon_as_it_is_chosen_with_the_filters(live_server, catalogue, page):
    page.goto(live_server.url + "/projekt/?status=closed")
    assert not page.locator(".sort-button").is_visible()
    with page.expect_navigation():
        page.locator("#id_sort").select_option("-start")
    assert "sort=-start" in page.url and "status=closed" in page.url
    assert page.locator("#id_sort").input_value() == "-start"


def test_after_back_the_form_shows_what_the_address_asks_for(live_server, catalogue, page):
    page.goto(live_server.url + "/projekt/?fund=amif")
    amif = page.locator("#filters input[name=fund][value=amif]")
    assert amif.is_checked()
    amif.uncheck()  # changed but not sent
    page.locator("#id_q").fill("ändrat men inte skickat")
    page.goto(live_server.url + "/projekt/eu-frank/")
    page.go_back()
    assert page.url.endswith("/projekt/?fund=amif")
    assert page.locator("#filters input[name=fund][value=amif]").is_checked()
    assert page.locator("#id_q").input_value() == ""
