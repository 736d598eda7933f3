"""A project's schema.org description in Chromium: read as JSON-LD, and no breach of the Content Security
Policy, which allows no inline script (a data block is not run, so it needs no nonce)."""

import pytest

from tests.factories import make_fund, make_organisation, make_project

pytestmark = pytest.mark.django_db(transaction=True)

# Every violation of the policy the page reports, recorded from before its first script.
RECORD_VIOLATIONS = """
window.violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
STRUCTURED_DATA = """() => [...document.querySelectorAll('script[type="application/ld+json"]')]
  .map((script) => JSON.parse(script.textContent))"""


def test_the_structured_data_is_read_and_breaches_no_content_security_policy(live_server, page):
    project = make_project(
        name="</script><script>alert(1)</script>", partners=[make_organisation()], funds=[make_fund()]
    )
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(live_server.url + project.get_absolute_url())
    assert response.status == 200 and "script-src" in response.headers["content-security-policy"]
    (data,) = page.evaluate(STRUCTURED_DATA)
    assert data["@type"] == "Project" and data["name"] == project.name
    assert data["url"] == live_server.url + project.get_absolute_url()
    assert page.evaluate("window.violations") == [] and errors == []
    # The same watch sees an inline script the policy refuses: it would have seen one in the page.
    page.evaluate("() => document.body.append(Object.assign(document.createElement('script'), {textContent: '1'}))")
    page.wait_for_function("window.violations.length > 0")
    assert page.evaluate("window.violations")[0].startswith("script-src")
