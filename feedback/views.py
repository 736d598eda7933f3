from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal import ratelimit
from portal.clients import client_ip
from portal.languages import Language

from .forms import AnswerForm, CommentForm
from .models import COMMENT_MAX_LENGTH, THANKED, Feedback, FeedbackTexts

RATE_LIMIT_POSTS = 10
RATE_LIMIT_WINDOW = 10 * 60


def over_rate_limit(client):
    """Counts one post by `client`; the seconds until it may post again once it has posted more than
    ten times in the current ten minutes, else None.

    The count is the shared rate limit's (portal/ratelimit.py). When the cache cannot be reached,
    the feedback the client has left in the last ten minutes is counted in the database instead.
    """
    counted = ratelimit.count("feedback", client, window=RATE_LIMIT_WINDOW)
    if counted is None:
        since = timezone.now() - timedelta(seconds=RATE_LIMIT_WINDOW)
        if Feedback.objects.filter(client=client, created__gte=since).count() >= RATE_LIMIT_POSTS:
            return RATE_LIMIT_WINDOW  # at most: the oldest of them may be older
        return None
    return counted.seconds_left if counted.number > RATE_LIMIT_POSTS else None


def back_to_page(page, *, feedback):
    """A 303 See Other back to the page's feedback block, in the state `feedback` names."""
    return HttpResponseRedirect(f"{page}?{urlencode({'feedback': feedback})}#feedback", status=303)


def sent_from_this_site(request):
    """Whether the browser says that the post comes from a page of this site.

    The feedback forms sit on pages that are cached for every visitor, so they carry no CSRF
    token; instead the browser's own word is checked. Browsers send Sec-Fetch-Site (Fetch
    Metadata) with every request; older ones send Origin with a POST, and failing that
    Referer. A post that says none of these, or names another site, is refused.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        return False
    parts = urlsplit(source)
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin == f"{request.scheme}://{request.get_host()}" or origin in settings.CSRF_TRUSTED_ORIGINS


def active_language():
    language = translation.get_language()
    return language if language in Language.values else Language.SWEDISH


@method_decorator([csrf_exempt, require_POST], name="dispatch")
class FeedbackPostView(View):
    """What both feedback posts share: the rate limit, the honeypot and the page to return to."""

    form_class = None
    # The part of feedback_form.html to show again when the post cannot be used, and when the
    # client has posted too often.
    step = None
    step_over_limit = None

    def post(self, request):
        form = self.form_class(request.POST, host=request.get_host())
        is_valid = form.is_valid()
        if not sent_from_this_site(request):
            message = _(
                "Your feedback could not be sent, because the form did not come from this website. "
                "Go back to the page and answer there."
            )
            return self.render_form(form, step="copy", message=message, status=403)
        client = Feedback.client_for(client_ip(request))
        retry_after = over_rate_limit(client)
        if retry_after is not None:
            message = _("You have sent feedback many times in a short while. Wait ten minutes and try again.")
            response = self.render_form(form, step=self.step_over_limit, message=message, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        if form.is_from_a_robot():
            # Store nothing, and answer as if it worked, so that the robot learns nothing.
            return back_to_page(form.cleaned_data["page"], feedback=THANKED)
        if not is_valid:
            return self.form_invalid(form)
        return self.form_valid(form, client=client)

    def form_invalid(self, form):
        return self.render_form(form, step=self.step, status=400)

    def render_form(self, form, *, step, message="", status):
        context = {
            "form": form,
            "step": step,
            "message": message,
            "page_path": form.cleaned_data["page"],
            "texts": FeedbackTexts.for_active_language(),
            "comment_max_length": COMMENT_MAX_LENGTH,
            # This page is itself the feedback form: base.html must not add the block to it again.
            "hide_feedback_block": True,
        }
        return render(self.request, "feedback/feedback_form.html", context, status=status)


class AnswerView(FeedbackPostView):
    """Stores a yes or a no about a page and sends the visitor back to it, where they can add a comment."""

    form_class = AnswerForm
    step = "answer"
    step_over_limit = "none"

    def form_valid(self, form, *, client):
        feedback = Feedback.objects.create(
            page=form.cleaned_data["page"],
            answer=form.cleaned_data["answer"],
            language=active_language(),
            client=client,
        )
        return back_to_page(feedback.page, feedback=feedback.token)


class CommentView(FeedbackPostView):
    """Adds a comment to the answer the token signs, unless that answer already has one."""

    form_class = CommentForm
    step = "comment"
    step_over_limit = "comment"

    def form_valid(self, form, *, client):
        pk = form.cleaned_data["token"]  # the form has checked the signature and turned it into the row id
        page = Feedback.objects.filter(pk=pk).values_list("page", flat=True).first()
        if page is None:  # the answer was deleted after the token was given out
            return self.bad_token(form)
        Feedback.objects.add_comment(pk=pk, comment=form.cleaned_data["comment"])
        return back_to_page(page, feedback=THANKED)

    def form_invalid(self, form):
        if form.has_error("token"):
            return self.bad_token(form)
        return super().form_invalid(form)

    def bad_token(self, form):
        message = _(
            "Your comment could not be saved: the form was more than a day old or not valid. "
            "Answer the question on the page again to send a comment."
        )
        return self.render_form(form, step="copy", message=message, status=400)
