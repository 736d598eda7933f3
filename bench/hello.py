"""The floor the portal is measured against: a bare Django view behind two middlewares.

Served by gunicorn exactly as the portal is (`bench/run.py` starts both), so that the CPU a
portal page costs can be given as a multiple of what Django itself costs on the same
machine in the same run. This module is the settings, the URLs and the WSGI application.
"""

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import re_path

SECRET_KEY = "hello-view-of-the-benchmark"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = []
DATABASES = {}
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = __name__
USE_TZ = True


def hello(request):
    return HttpResponse("Hello, world.")


urlpatterns = [re_path(r"", hello)]

application = get_wsgi_application()
