"""What visitors say about a page: whether it helped them, and perhaps how to make it better."""

from dataclasses import dataclass

from django.core import signing
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import cache
from portal.clients import client_key
from portal.languages import Language
from projects.models import CatalogueVersion, PageContent

COMMENT_MAX_LENGTH = 2000
FEEDBACK_TEXTS_SECONDS = 60 * 60
TOKEN_SALT = "feedback"
# A visitor may write the comment up to a day after answering yes or no.
TOKEN_MAX_AGE = 24 * 60 * 60
# ?feedback=tack asks a page's feedback block for its thanks after a comment; any other value is a token.
THANKED = "tack"


class FeedbackQuerySet(models.QuerySet):
    def add_comment(self, *, pk, comment):
        """Sets the comment on the row if it has none yet; a second comment never overwrites the first.

        One UPDATE with the condition in its WHERE clause, so two posts at once cannot both win.
        """
        return self.filter(pk=pk, comment="").update(comment=comment)


class Feedback(models.Model):
    """One visitor's answer to "Did you find the information on this page helpful?", and an optional comment."""

    class Answer(models.TextChoices):
        YES = "yes", _("yes")
        NO = "no", _("no")

    page = models.CharField(_("page"), max_length=500, help_text=_("The path of the page the visitor was on."))
    answer = models.CharField(_("answer"), max_length=3, choices=Answer)
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)
    language = models.CharField(_("language"), max_length=2, choices=Language)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    client = models.CharField(
        _("client"),
        max_length=64,
        help_text=_("A keyed hash of the IP address, for the rate limit; never the address itself."),
    )
    is_read = models.BooleanField(_("read"), default=False)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["page"], name="feedback_page_idx"),
            models.Index(fields=["answer"], name="feedback_answer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("comment"), COMMENT_MAX_LENGTH),
                name="feedback_comment_max_length",
                violation_error_message=_("A comment can be at most 2000 characters long."),
            ),
            models.CheckConstraint(condition=Q(answer__in=["yes", "no"]), name="feedback_answer_valid"),
            models.CheckConstraint(condition=Q(language__in=Language.values), name="feedback_language_valid"),
        ]

    def __str__(self):
        return f"{self.get_answer_display()} – {self.page}"

    @property
    def token(self):
        """A signed reference to this row, which lets the visitor who answered add a comment to it."""
        return signing.dumps(self.pk, salt=TOKEN_SALT)

    @staticmethod
    def pk_from_token(token):
        """The row id a token signs, or None if the token is forged, malformed or more than a day old."""
        try:
            pk = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        except signing.BadSignature:  # also SignatureExpired
            return None
        return pk if isinstance(pk, int) and not isinstance(pk, bool) else None

    @staticmethod
    def client_for(ip):
        """The client's keyed hash (portal.clients.client_key): stable enough to count posts, not reversible."""
        return client_key(ip)


@dataclass(frozen=True, kw_only=True)
class FeedbackTexts:
    """The four sentences of the feedback block, in the active language."""

    question: str
    thanks_after_answer: str
    comment_prompt: str
    thanks_after_comment: str

    # The fields of PageContent that hold them.
    PAGE_CONTENT_FIELDS = (
        "feedback_question",
        "feedback_thanks_answer",
        "feedback_comment_prompt",
        "feedback_thanks_comment",
    )

    @classmethod
    def for_active_language(cls, *, page_content=None, request=None):
        """The editors' texts in the active language from the catalogue's PageContent row, where they
        are given; else the portal's own words in that language.

        A view that has already fetched the row passes it in; otherwise a page's texts are kept in
        the shared cache under the catalogue version its request reads. Either spares the query.
        """
        language = translation.get_language()
        if isinstance(page_content, PageContent) and page_content.key == PageContent.CATALOGUE_KEY:
            texts = {field: getattr(page_content, f"{field}_{language}", None) for field in cls.PAGE_CONTENT_FIELDS}
        elif request is not None:
            key = f"feedback-texts:{CatalogueVersion.objects.for_request(request)}:{language}"
            texts = cache.read_or_compute_kept_here(key, lambda: cls.stored_texts(language), FEEDBACK_TEXTS_SECONDS)
        else:
            texts = cls.stored_texts(language)
        return cls(
            question=texts.get("feedback_question") or gettext("Did you find the information on this page helpful?"),
            thanks_after_answer=texts.get("feedback_thanks_answer")
            or gettext("Thank you for helping us improve the website!"),
            comment_prompt=texts.get("feedback_comment_prompt") or gettext("Tell us how we can make this page better"),
            thanks_after_comment=texts.get("feedback_thanks_comment")
            or gettext("Thank you for helping us improve the website!"),
        )

    @classmethod
    def stored_texts(cls, language):
        """The editors' texts in `language` from the catalogue's PageContent row, by field ({} without one)."""
        columns = {field: f"{field}_{language}" for field in cls.PAGE_CONTENT_FIELDS}
        if not all(hasattr(PageContent, column) for column in columns.values()):
            return {}
        row = PageContent.objects.filter(key=PageContent.CATALOGUE_KEY).values(*columns.values()).first() or {}
        return {field: row.get(column) for field, column in columns.items()}
