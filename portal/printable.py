"""Text from outside without control characters: a NUL or an escape code is never stored or echoed.

Such characters have no place in anything a person types into this site, and HTML forbids them
in a page. The query string is cleaned before any view reads it (`printable_query_middleware`);
forms clean what is posted (feedback/forms.py).
"""

import re

from django.http import QueryDict

# C0 and C1 control characters and DEL (NUL among them). A comment keeps its tabs and line breaks.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_BUT_TAB_AND_NEWLINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The percent-encodings a query string must hold to carry one of them (C1 ones in UTF-8).
ENCODED_CONTROL_CHARACTER = re.compile(r"%(?:[01][0-9a-f]|7f|c2%[89][0-9a-f])", re.IGNORECASE)


def without_control_characters(value, *, multiline=False):
    if not multiline:
        return CONTROL_CHARACTERS.sub("", value)
    # Browsers send a textarea's line breaks as CRLF but count each as one character against
    # maxlength; as LF, a comment that fitted in the browser also fits here.
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS_BUT_TAB_AND_NEWLINE.sub("", value)


def printable_query_middleware(get_response):
    """The query string's names and values without control characters, for every view."""

    def middleware(request):
        if ENCODED_CONTROL_CHARACTER.search(request.META.get("QUERY_STRING", "")):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(without_control_characters(key), [without_control_characters(v) for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return get_response(request)

    return middleware
