"""What every answer of the API carries besides its body, and the answers it gives before any view.

* The rate limit: each client (by its address, as portal/clients.py reads it, kept only as a keyed
  hash) may make API_RATE_LIMIT requests in each window of API_RATE_LIMIT_WINDOW seconds, counted
  in the shared cache (portal/ratelimit.py, as the feedback form's posts are); past that, a 429
  problem with Retry-After, the seconds until the window ends. Without a reachable cache nothing
  is counted and every request is answered.
* Caching: an answer is the same for everyone as long as the catalogue version, the release and
  the day are (the day: whether an ongoing project's end has passed). Its ETag is made of these
  and the address, so that a request with a matching If-None-Match is answered 304 after reading
  the version alone, before the view; Last-Modified is the moment the version moved (or the day
  began, when later), checked against If-Modified-Since once the answer is known to be a 200.
  Public for PUBLIC_PAGE_MAX_AGE seconds, then asked again; problems are never stored.
* CORS: any origin may read the API (Access-Control-Allow-Origin: *, no credentials); an OPTIONS
  request is answered here, a preflight for GET and HEAD with what they may send.
* HEAD is answered as GET (the server drops the body); every answer of 400 or over that is not a problem
  body yet (Django's 404, ninja's 405, a 500) is made one (api/problems.py), in the language the
  client asks for in Accept-Language (Swedish when none the site speaks).
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.exception import response_for_exception
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from portal import ratelimit
from portal.clients import client_ip, client_key
from portal.printable import CONTROL_CHARACTERS, ENCODED_CONTROL_CHARACTER
from portal.release import RELEASE
from projects.models import CatalogueVersion

from . import problems
from .problems import ParameterError, shown

PREFIX = "/api/v1/"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# What a browser may send and read across origins besides what CORS allows anyway.
ALLOWED_REQUEST_HEADERS = ("accept", "accept-language", "if-modified-since", "if-none-match", "x-request-id")
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After, Content-Language, X-Request-ID"
PREFLIGHT_MAX_AGE = 24 * 60 * 60


def language_of(request):
    """The language the client asks for, of those the site speaks; Swedish when it asks for none of them."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def validators(request):
    """(ETag, Last-Modified as a timestamp) of the answer to a GET: the same as long as the catalogue
    version, the release, the day and the address are."""
    changed = CatalogueVersion.objects.changed_for_request(request)
    today = timezone.localdate()
    state = f"{RELEASE}\n{request.catalogue_version}\n{today}\n{request.build_absolute_uri()}"
    etag = f'"{hashlib.sha256(state.encode()).hexdigest()[:40]}"'
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    # In whole seconds, as the header says it and If-Modified-Since is compared with it.
    return etag, int(max(changed, midnight).timestamp())


def api_middleware(get_response):
    public = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}, must-revalidate"

    def middleware(request):
        if not request.path_info.startswith(PREFIX):
            return get_response(request)
        with translation.override(language_of(request)):
            # A failure here (the catalogue version read while the database is away) is answered as Django
            # answers it (a 503 with Retry-After), and then made a problem like any other.
            try:
                response = answer(request)
            except Exception as error:  # noqa: BLE001
                response = response_for_exception(request, error)
            if response.status_code >= 400 and not problems.is_problem(response):
                response = as_problem(request, response)
        if problems.is_problem(response):
            response["Content-Language"] = language_of(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        patch_vary_headers(response, ("Accept-Language",))
        return response

    def answer(request):
        if request.method == "OPTIONS":
            return options(request)
        limited = over_rate_limit(request)
        if limited is not None:
            return limited
        try:
            request.GET  # noqa: B018 - parsed here, so that a query Django refuses is refused as a problem
        except SuspiciousOperation:  # more parameters than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS)
            return problems.problem_response(request, problems.BAD_REQUEST, _("The query has too many parameters."))
        if ENCODED_CONTROL_CHARACTER.search(request.META.get("QUERY_STRING", "")):
            return control_characters_refused(request)
        head = request.method == "HEAD"
        if head:
            # The operations are declared for GET; the server drops the body of an answer to HEAD.
            request.method = "GET"
        try:
            return conditional_get(request) if request.method == "GET" else get_response(request)
        finally:
            if head:
                request.method = "HEAD"

    def conditional_get(request):
        etag, last_modified = validators(request)
        if_none_match = request.headers.get("If-None-Match", "").strip()
        # An ETag names this address's answer under this version, so a match is a 304 before any view runs;
        # "*" matches any answer that exists, which only the view knows.
        if if_none_match and if_none_match != "*":
            early = get_conditional_response(request, etag=etag)
            if early is not None:
                return cacheable(early, etag, last_modified)
        response = get_response(request)
        if response.status_code != 200:
            return response
        response = cacheable(response, etag, last_modified)
        # The OpenAPI document is in English; an answer gives every text editors give, in each language given.
        response["Content-Language"] = "en" if request.path_info.endswith("/openapi.json") else "sv, en"
        return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)

    def cacheable(response, etag, last_modified):
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = public
        return response

    return middleware


def over_rate_limit(request):
    """A 429 problem when the client has made more requests than API_RATE_LIMIT in the current window."""
    limit = settings.API_RATE_LIMIT
    if not limit:
        return None
    counted = ratelimit.count("api", client_key(client_ip(request)), window=settings.API_RATE_LIMIT_WINDOW)
    if counted is None or counted.number <= limit:
        return None
    detail = _("At most %(limit)s requests in %(window)s seconds; try again in %(seconds)s seconds.") % {
        "limit": limit,
        "window": settings.API_RATE_LIMIT_WINDOW,
        "seconds": counted.seconds_left,
    }
    response = problems.problem_response(request, problems.TOO_MANY_REQUESTS, detail)
    response["Retry-After"] = str(counted.seconds_left)
    return response


def control_characters_refused(request):
    """A 400 problem naming the parameters with control characters (NUL among them): the website's pages
    drop them from the query (portal/printable.py), the API says that they have no place there."""
    detail = _("Control characters, such as NUL, are not allowed.")
    errors = [
        ParameterError(shown(name) or "?", detail)
        for name, values in request.GET.lists()
        if CONTROL_CHARACTERS.search(name) or any(CONTROL_CHARACTERS.search(value) for value in values)
    ] or [ParameterError("?", detail)]
    return problems.problem_response(request, problems.INVALID_PARAMETER, detail, errors=errors)


def options(request):
    """An OPTIONS request to an address of the API: a CORS preflight for GET or HEAD, or what the address allows."""
    try:
        resolve(request.path_info)
    except Resolver404:
        return problems.problem_response(request, problems.NOT_FOUND, _("No resource of the API has this address."))
    response = HttpResponse(status=204)
    response["Allow"] = ALLOWED_METHODS
    method = request.headers.get("Access-Control-Request-Method")
    if method is not None:
        if method not in ("GET", "HEAD"):
            detail = _("The API only answers GET and HEAD across origins.")
            response = problems.problem_response(request, problems.METHOD_NOT_ALLOWED, detail)
            response["Allow"] = ALLOWED_METHODS
            return response
        asked = request.headers.get("Access-Control-Request-Headers", "")
        allowed = [name.strip() for name in asked.lower().split(",") if name.strip() in ALLOWED_REQUEST_HEADERS]
        response["Access-Control-Allow-Methods"] = "GET, HEAD"
        if allowed:
            response["Access-Control-Allow-Headers"] = ", ".join(allowed)
        response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def as_problem(request, response):
    """An error answer of Django or ninja made a problem body, keeping the headers that say what to do next."""
    kind = problems.kind_for_status(response.status_code)
    details = {
        404: _("No resource of the API has this address."),
        405: _("The API answers GET and HEAD (and OPTIONS, for CORS) only."),
    }
    detail = details.get(response.status_code, kind.title)
    problem = problems.problem_response(request, kind, detail, status=response.status_code)
    for header in ("Allow", "Retry-After"):
        if header in response:
            problem[header] = response[header]
    if response.status_code == 405:
        problem["Allow"] = ALLOWED_METHODS
    return problem
