"""What the log keeps: a JSON object per line, with the id of the request it happened in.

The id comes from the proxy's X-Request-ID (nginx's $request_id) when it sends one, else it is
made here; the response carries it back (portal/headers.py), so that a visitor's report, the
proxy's log and the app's log can be joined.
"""

import json
import logging
import os
import re
from contextvars import ContextVar
from datetime import UTC, datetime

request_id = ContextVar("request_id", default="")
GIVEN_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


def id_for(given):
    """The request's id: the proxy's when it looks like one, else a new one (128 random bits)."""
    return given if given and GIVEN_ID.fullmatch(given) else os.urandom(16).hex()


class OneLineForClientErrors(logging.Filter):
    """A 4xx (a missing page, a bad or suspicious request) is the client's doing, and a 503 the
    database's absence (portal/errors.py): one line names it, without the traceback Django
    attaches. Any other 5xx keeps its traceback."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and (400 <= status < 500 or status == 503):
            record.exc_info = record.exc_text = None
            record.stack_info = None
        return True


class JsonLines(logging.Formatter):
    """A record as one line of JSON: time, level, logger, message, request id, status, and a
    5xx's traceback. The request itself is not written out: its address and query may be personal."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if request_id.get():
            entry["request_id"] = request_id.get()
        if getattr(record, "status_code", None) is not None:
            entry["status"] = record.status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
