"""The WSGI application that gunicorn serves (gunicorn.conf.py).

Everything loaded at start (Django, the apps, the URLs and the views) lives as long as the
worker. It is moved out of the cyclic garbage collector's sight (gc.freeze): otherwise each
of the collector's full passes walks its hundred thousand objects again, which stalls one
request in a few hundred for up to 100 ms.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - the URLs and the views, loaded now rather than by the first request
gc.freeze()
