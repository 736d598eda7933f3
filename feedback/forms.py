"""The two feedback forms: yes or no first, then a comment. Both carry the page they are about and a honeypot."""

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from portal.printable import without_control_characters

from .models import COMMENT_MAX_LENGTH, Feedback

PAGE_MAX_LENGTH = Feedback._meta.get_field("page").max_length


def local_path(value, *, host):
    """The path of `value` if it is a path on this site, otherwise "/": never somewhere else to redirect to."""
    if (
        value.startswith("/")
        and not value.startswith("//")
        and url_has_allowed_host_and_scheme(value, allowed_hosts={host})
    ):
        path = urlsplit(value).path
        if path.startswith("/") and not path.startswith("//") and len(path) <= PAGE_MAX_LENGTH:
            return path
    return "/"


class PlainTextMixin:
    """Drops control characters (NUL among them) from the submitted text before the field validates it."""

    def __init__(self, *args, multiline=False, **kwargs):
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = without_control_characters(value, multiline=self.multiline)
        return super().to_python(value)


class PlainCharField(PlainTextMixin, forms.CharField):
    pass


class PlainChoiceField(PlainTextMixin, forms.ChoiceField):
    pass


class FeedbackForm(forms.Form):
    """What every feedback post carries: the page it is about, and a honeypot that people leave empty."""

    page = PlainCharField(required=False)
    website = PlainCharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, host, **kwargs):
        super().__init__(*args, **kwargs)
        self.host = host

    def clean_page(self):
        return local_path(self.cleaned_data["page"], host=self.host)

    def is_from_a_robot(self):
        """True if the honeypot, which people cannot see or reach, was filled in."""
        return bool(without_control_characters(self.data.get("website", "")).strip())


class AnswerForm(FeedbackForm):
    answer = PlainChoiceField(
        choices=Feedback.Answer,
        error_messages={"required": _("Choose yes or no."), "invalid_choice": _("Choose yes or no.")},
    )


class CommentForm(FeedbackForm):
    token = PlainCharField()
    comment = PlainCharField(
        multiline=True,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "required": _("Write a comment before you send it."),
            "max_length": _(
                "The comment is %(show_value)d characters long, and at most %(limit_value)d fit. "
                "Shorten it and send it again."
            ),
        },
    )

    def clean_token(self):
        pk = Feedback.pk_from_token(self.cleaned_data["token"])
        if pk is None:
            raise ValidationError(_("The form was too old or not valid."), code="bad_token")
        return pk

    def submitted_token(self):
        return without_control_characters(self.data.get("token", ""))

    def submitted_comment(self):
        """The comment as sent, without control characters: kept for the visitor even when it is not valid."""
        return without_control_characters(self.data.get("comment", ""), multiline=True)
