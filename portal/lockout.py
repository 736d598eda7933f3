"""The page a login gets once django-axes has locked its user name and address out."""

import math
from http import HTTPStatus

from axes.helpers import get_cool_off
from django.contrib import admin
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    """The admin's login page layout with the lockout message, status 429 (AXES_LOCKOUT_CALLABLE).

    Rendered here rather than through AXES_LOCKOUT_TEMPLATE so that the page carries the admin
    site's own header and title, which only admin.site.each_context provides.
    """
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        # Rounded up: a lockout of 90 seconds is "2 minutes", never "1".
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    response = render(request, "registration/lockout.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)
    if cool_off:
        response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response
