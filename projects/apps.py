from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("International projects")

    def ready(self):
        from . import signals
        from .search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="projects.sqlite_functions")
        signals.connect()
