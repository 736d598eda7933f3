"""What search engines and link previews read: a page's canonical address and its address in each
language, its OpenGraph description, and robots.txt.

Every address here is absolute, built from the request's scheme and host (behind the proxy, its
Host header and X-Forwarded-Proto), so the page cache keeps a page per scheme and host
(projects/pagecache.py).

The canonical address of a page is its own, in its language, without a query string: the query of
a public page only carries the feedback block's state or what the site does not read. The project
list and its timeline are the exception: the canonical address of a list page keeps the filters it
shows and its page number (each page of a list is a page of its own, as search engines now advise,
rather than a copy of the first), without what only changes how it is shown (the order, the facets
opened in full) or what was not valid; see ProjectFilterSet.canonical_query(). A filtered list is
a page of its own too, not marked noindex: the single filters the pages link to ("the projects
funded by AMIF") are worth finding, and robots.txt keeps crawlers out of the endless combinations.
"""

import functools

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

# OpenGraph names a page's language with its territory.
OPENGRAPH_LOCALES = {"sv": "sv_SE", "en": "en_GB"}
# How long a crawler or a proxy may keep robots.txt, which changes only with a release or a setting.
ROBOTS_MAX_AGE = 24 * 60 * 60


def origin(request):
    """The scheme and host the request came to, as the start of an absolute address."""
    return f"{request.scheme}://{request.get_host()}"


def address_in(match, language):
    """The address (a path) of the page a URL resolved to (`match`) in `language`; of the start page
    in that language when the URL leads to no page."""
    if match is None:
        return reversed_in("projects:home", (), (), language)
    kwargs = tuple(sorted(match.kwargs.items()))
    try:
        return reversed_in(match.view_name, tuple(match.args), kwargs, language)
    except TypeError:  # a view's extra arguments that cannot be a key (the sitemaps' dict): not kept
        return reversed_in.__wrapped__(match.view_name, match.args, kwargs, language)


@functools.lru_cache(maxsize=4096)
def reversed_in(view_name, args, kwargs, language):
    """reverse() in `language`, kept: the URLconf does not change while the process runs, and every
    page asks for its address in each language."""
    with translation.override(language):
        return reverse(view_name, args=args, kwargs=dict(kwargs))


def page_addresses(request, query=""):
    """The page's canonical address, its address in each language (hreflang, with x-default, the
    Swedish one), and its OpenGraph locales: for the <head> of every public page.

    `query`: the part of the query string that makes the page what it is (the list's filters and
    page, already encoded); other pages have none.
    """
    start = origin(request)
    suffix = f"?{query}" if query else ""
    current = translation.get_language()
    addresses = {code: f"{start}{address_in(request.resolver_match, code)}{suffix}" for code, _ in settings.LANGUAGES}
    alternates = [{"code": code, "url": url} for code, url in addresses.items()]
    alternates.append({"code": "x-default", "url": addresses[settings.LANGUAGE_CODE]})
    return {
        "canonical": addresses[current],
        "alternates": alternates,
        "locale": OPENGRAPH_LOCALES[current],
        "other_locales": [OPENGRAPH_LOCALES[code] for code in addresses if code != current],
    }


def head(request, title, description, query="", structured_data=""):
    """The tags of a public page's <head> for search engines and link previews: its canonical address,
    its address in each language (page_addresses()), its OpenGraph description, and `structured_data`
    (a project's JSON-LD data block, already HTML). `title` and `description` as the page's blocks
    render them (HTML, or text to escape). Written here rather than in a template: every
    page has them, and a template's loop and escaping cost a tenth of a project page."""
    addresses = page_addresses(request, query)
    canonical = escape(addresses["canonical"])
    site_name = escape(f"{_('Swedish Migration Agency')} – {_('International projects')}")
    lines = [f'<link rel="canonical" href="{canonical}">']
    lines += [
        f'<link rel="alternate" hreflang="{alternate["code"]}" href="{escape(alternate["url"])}">'
        for alternate in addresses["alternates"]
    ]
    lines += [
        '<meta property="og:type" content="website">',
        f'<meta property="og:site_name" content="{site_name}">',
        f'<meta property="og:title" content="{conditional_escape(title)}">',
        f'<meta property="og:description" content="{conditional_escape(description)}">',
        f'<meta property="og:url" content="{canonical}">',
        f'<meta property="og:locale" content="{addresses["locale"]}">',
    ]
    lines += [f'<meta property="og:locale:alternate" content="{locale}">' for locale in addresses["other_locales"]]
    if structured_data:
        lines.append(str(structured_data))
    return mark_safe("\n".join(lines) + "\n")  # noqa: S308 - every value escaped, the data block made safe by its builder


def disallowed_paths():
    """The paths robots.txt keeps crawlers out of, and why."""
    paths = [
        # The editors' admin. This names ADMIN_URL to anyone who reads robots.txt: a path chosen to be
        # hard to guess is no secret; the login lockout, not the path, keeps people out.
        reverse("admin:index"),
        # The probes of the proxy and the supervisor.
        reverse("health-live").rsplit("/", 1)[0] + "/",
    ]
    # The feedback forms post here, in each language: nothing to read.
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.append(reverse("feedback:answer"))
    return paths


# The list's filters make an endless number of addresses for the same projects: every combination
# of partners, funds, countries and years, each in eight orders, with every facet opened in full,
# and every search anyone types. Crawlers are kept out of those (any address with two parameters
# or more, a search, an order, an opened facet, the feedback block's state), and let into a list
# filtered by one value, which the pages link to ("?fund=amif", "?status=ongoing") and whose
# canonical address is its own, and into the unfiltered list's pages ("?page=2"). Every project,
# partner and fund page is in the sitemap, so nothing is found only through a filter.
ENDLESS_ADDRESSES = ["/*&", "/*?q=", "/*?sort=", "/*?visa=", "/*?feedback="]


@require_safe
def robots_txt(request):
    """robots.txt: where the sitemap is, and what crawlers need not read."""
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in disallowed_paths()]
    lines += [f"Disallow: {pattern}" for pattern in ENDLESS_ADDRESSES]
    lines += ["", f"Sitemap: {origin(request)}{reverse('sitemap-index')}"]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={ROBOTS_MAX_AGE}"
    return response
