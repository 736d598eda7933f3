import getpass
import os
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from projects.roles import EDITOR_GROUP

PASSWORD_VARIABLE = "EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create an editor: a staff user in the Redaktör group, not a superuser. Run again to reset "
        f"the password. The password is read from {PASSWORD_VARIABLE} if set, else asked for twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The user name the editor logs in with.")
        parser.add_argument("--email", default=None, help="The editor's e-mail address.")

    def handle(self, *args, username, email=None, **options):
        User = get_user_model()
        try:
            group = Group.objects.get(name=EDITOR_GROUP)
        except Group.DoesNotExist:
            raise CommandError(
                _("The group %(group)s does not exist. Run `manage.py migrate` first.") % {"group": EDITOR_GROUP}
            ) from None

        user = User.objects.filter(username=username).first()
        if user is not None and user.is_superuser:
            # Turning an administrator into an editor silently would take rights away; that is a
            # decision for a person in the admin, not a side effect of this command.
            raise CommandError(
                _("%(username)s is a superuser. Choose another user name for the editor.") % {"username": username}
            )
        created = user is None
        if created:
            user = User(username=username)
        if email is not None:
            user.email = email

        password = self.read_password()
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            raise CommandError(
                _("The password was not accepted:") + "".join(f"\n  - {message}" for message in error.messages)
            ) from None

        user.set_password(password)
        user.is_staff = True
        user.is_active = True
        with transaction.atomic():
            user.save()
            user.groups.add(group)

        if created:
            message = _("Created the editor %(username)s.")
        else:
            message = _("Updated the editor %(username)s: new password, staff, in the group %(group)s.")
        self.stdout.write(self.style.SUCCESS(message % {"username": username, "group": EDITOR_GROUP}))
        path = reverse("admin:index")
        self.stdout.write(
            _("Log in at %(path)s on the portal's address (on this computer: http://127.0.0.1:%(port)s%(path)s).")
            % {"path": path, "port": settings.PORT}
        )

    def read_password(self):
        """The password from EDITOR_PASSWORD, or typed twice at a terminal."""
        password = os.environ.get(PASSWORD_VARIABLE)
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                _("No password: set %(variable)s, or run the command in a terminal to type one.")
                % {"variable": PASSWORD_VARIABLE}
            )
        password = getpass.getpass(_("Password: "))
        if not password:
            raise CommandError(_("The password must not be empty."))
        if getpass.getpass(_("Password (again): ")) != password:
            raise CommandError(_("The two passwords did not match. Nothing was changed."))
        return password
