"""Problem details (RFC 9457): every refused or failed API request is answered with a JSON body of
type `application/problem+json` that says what went wrong and, for bad input, which parameter.

Each kind of problem has a `type`, an address on the API's documentation page that explains it;
`title` names the kind and `detail` this occurrence, both in the language the client asks for
(Accept-Language; Swedish when it asks for none the API speaks).
"""

import json
from dataclasses import dataclass

from django.http import HttpResponse
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

MEDIA_TYPE = "application/problem+json"
# Longer values are cut where a problem repeats them, and a longer address left out.
SHOWN_VALUE_LENGTH = 40
MAX_INSTANCE_LENGTH = 255


@dataclass(frozen=True)
class Kind:
    """One kind of problem: its status, the anchor on the documentation page that explains it, and its title."""

    status: int
    anchor: str
    title: str


INVALID_PARAMETER = Kind(400, "invalid-parameter", _("A parameter has a value the API does not accept"))
UNKNOWN_PARAMETER = Kind(400, "unknown-parameter", _("The request has a parameter the API does not know"))
BAD_REQUEST = Kind(400, "bad-request", _("The request could not be understood"))
NOT_FOUND = Kind(404, "not-found", _("There is nothing at this address"))
METHOD_NOT_ALLOWED = Kind(405, "method-not-allowed", _("This method is not allowed"))
PRECONDITION_FAILED = Kind(412, "precondition-failed", _("The condition of the request is not met"))
TOO_MANY_REQUESTS = Kind(429, "too-many-requests", _("Too many requests"))
SERVER_ERROR = Kind(500, "server-error", _("The server failed to answer"))
UNAVAILABLE = Kind(503, "unavailable", _("The service is unavailable for a moment"))
KINDS = (
    INVALID_PARAMETER,
    UNKNOWN_PARAMETER,
    BAD_REQUEST,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    PRECONDITION_FAILED,
    TOO_MANY_REQUESTS,
    SERVER_ERROR,
    UNAVAILABLE,
)


def type_uri(request, kind):
    """The address that identifies and explains a kind of problem: the documentation page in Swedish,
    so that the identifier is the same whatever language the client reads."""
    with override("sv"):
        docs = reverse("api-docs")
    return request.build_absolute_uri(f"{docs}#problem-{kind.anchor}")


def kind_for_status(status):
    """The kind of problem a response with this status and no problem body of its own is."""
    for kind in KINDS:
        if kind.status == status and kind not in (INVALID_PARAMETER, UNKNOWN_PARAMETER):
            return kind
    return BAD_REQUEST if status < 500 else SERVER_ERROR


def shown(value):
    """A value from the request as a problem may repeat it: without control characters, and cut when long."""
    value = "".join(character for character in str(value) if character.isprintable())
    return value if len(value) <= SHOWN_VALUE_LENGTH else f"{value[: SHOWN_VALUE_LENGTH - 1]}…"


@dataclass(frozen=True)
class ParameterError:
    """What is wrong with one parameter of the request."""

    parameter: str
    detail: str


def problem_response(request, kind, detail, *, errors=(), status=None):
    """The problem as a response. `errors` (ParameterError) names the parameters at fault: the first
    is the problem's `parameter`, and all are listed under `errors`."""
    status = status or kind.status
    body = {"type": type_uri(request, kind), "title": str(kind.title), "status": status, "detail": str(detail)}
    # The address asked for, as a URI (a control character percent-encoded); not repeated when it is long.
    instance = escape_uri_path(request.path)
    if len(instance) <= MAX_INSTANCE_LENGTH:
        body["instance"] = instance
    if errors:
        body["parameter"] = errors[0].parameter
        body["errors"] = [{"parameter": error.parameter, "detail": str(error.detail)} for error in errors]
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type=MEDIA_TYPE, status=status)
    response["Cache-Control"] = "no-store"
    return response


def is_problem(response):
    return response.get("Content-Type", "").startswith(MEDIA_TYPE)
