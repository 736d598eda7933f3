"""The OpenAPI 3.1 document as django-ninja writes it, completed with what api/middleware.py adds to
every answer: problem bodies under their own media type, 304 answers, the caching and rate-limit
headers. What the document says is what schemathesis checks every answer against (.ci/run).
"""

import copy

from django.utils.translation import gettext_noop as N_

from . import problems

PROBLEM = {"$ref": "#/components/schemas/Problem"}
# What each status an operation may answer with means, in words (translated on the documentation page).
RESPONSES = {
    "200": N_("The answer."),
    "304": N_(
        "Not modified: the answer would be the one the client has (If-None-Match, or If-Modified-Since). No body."
    ),
    "400": N_("Bad input: a parameter the API does not know, or a value it does not take; the problem names it."),
    "404": N_("No published entry has this identifier."),
    "429": N_("Too many requests from this client: Retry-After says how many seconds to wait."),
}
HEADERS_OF_AN_ANSWER = {
    "ETag": {
        "description": N_("Identifies this answer: send it back in If-None-Match to get a 304 while it holds."),
        "required": True,
        "schema": {"type": "string"},
    },
    "Last-Modified": {
        "description": N_("When the catalogue last changed (or the day began, when later)."),
        "required": True,
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": N_("How long the answer may be kept before it is asked for again."),
        "required": True,
        "schema": {"type": "string"},
    },
    "Access-Control-Allow-Origin": {
        "description": N_("Any origin may read the answer (CORS)."),
        "required": True,
        "schema": {"type": "string", "const": "*"},
    },
}
RETRY_AFTER = {
    "Retry-After": {
        "description": N_("Seconds until the client may make requests again."),
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}


def completed(schema):
    """`schema` (ninja's document) with every operation's answers as the API gives them."""
    schema = copy.deepcopy(schema)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", ()):
                # pydantic's list of examples, as OpenAPI wants a parameter's: a map of Example Objects.
                if isinstance(parameter.get("examples"), list):
                    parameter["examples"] = {
                        f"catalogue-{number}": {"value": value} for number, value in enumerate(parameter["examples"], 1)
                    }
            responses = {str(status): response for status, response in operation["responses"].items()}
            responses["304"] = {"description": RESPONSES["304"], "headers": {"ETag": HEADERS_OF_AN_ANSWER["ETag"]}}
            for status, response in responses.items():
                response["description"] = RESPONSES.get(status, response.get("description", ""))
                if status == "200":
                    response["headers"] = HEADERS_OF_AN_ANSWER
                elif int(status) >= 400:
                    response["content"] = {problems.MEDIA_TYPE: {"schema": PROBLEM}}
                if status == "429":
                    response["headers"] = RETRY_AFTER
            operation["responses"] = dict(sorted(responses.items()))
    return schema
