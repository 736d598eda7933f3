"""What a person does with keyboard and mouse: filter, give feedback, switch language."""

import pytest

from feedback.models import Feedback

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page, selector, *, limit=200):
    """Press Tab until the element matching `selector` has focus, as a keyboard user would."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} never got focus")


def test_filter_with_the_keyboard_only(live_server, catalogue, page):
    page.goto(live_server.url + "/projekt/")
    tab_to(page, "#id_q")
    page.keyboard.type("ÖSTERRIKE")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=*")
    assert page.locator(".project-list h3").all_inner_texts() == ["Twinningprojektet i Kosovo"]

    page.goto(live_server.url + "/projekt/")
    tab_to(page, "input[name='partner'][value='unhcr']")
    page.keyboard.press("Space")
    tab_to(page, "#filters button[type='submit']")
    page.keyboard.press("Enter")
    page.wait_for_url("**partner=unhcr*")
    assert sorted(page.locator(".project-list h3").all_inner_texts()) == ["EAC-piloten (PP4)", "EU-FRANK"]
    # The active filter is listed and can be removed by keyboard too.
    tab_to(page, ".active-filters a >> nth=0")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("#results-heading").inner_text() == "15 projekt matchar"


def test_skip_link_is_first_and_leads_to_content(live_server, catalogue, page):
    page.goto(live_server.url + "/projekt/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_feedback_flow_without_javascript(live_server, catalogue, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/projekt/eurlo/")
    page.locator("#feedback button[value='no']").click()
    page.wait_for_url("**feedback=*")
    page.locator("#feedback textarea").fill("Perioden är otydlig. <script>alert(1)</script>")
    page.locator("#feedback button[type='submit']").click()
    page.wait_for_url("**feedback=tack*")
    assert "Tack för att du hjälper oss" in page.locator("#feedback").inner_text()
    feedback = Feedback.objects.get()
    assert (feedback.page, feedback.answer) == ("/projekt/eurlo/", "no")
    assert feedback.comment == "Perioden är otydlig. <script>alert(1)</script>"
    context.close()


def test_language_switch_keeps_the_page(live_server, catalogue, page):
    page.goto(live_server.url + "/projekt/?status=closed")
    assert page.locator("html").get_attribute("lang") == "sv"
    page.get_by_role("link", name="In English").click()
    page.wait_for_url("**/en/projekt/?status=closed")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#results-heading").inner_text() == "10 projects match"
    page.get_by_role("link", name="På svenska").click()
    page.wait_for_url("**/projekt/?status=closed")
    assert page.locator("html").get_attribute("lang") == "sv"


def test_no_content_security_policy_violations(live_server, catalogue, page):
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    for path in ("/", "/projekt/", "/projekt/eu-frank/", "/tillganglighet/"):
        page.goto(live_server.url + path)
    assert violations == []
