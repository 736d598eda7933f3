from urllib.parse import urlsplit

from django import template

from ..models import COMMENT_MAX_LENGTH, THANKED, Feedback, FeedbackTexts

register = template.Library()


@register.inclusion_tag("includes/feedback.html", takes_context=True)
def feedback_block(context):
    """The page's "Did you find the information on this page helpful?" block, in the state ?feedback= asks for.

    No value: the question with yes and no. A valid token: the thanks for the answer and the comment
    form. "tack": the thanks for the comment. The texts come from the shared cache (under the
    catalogue version), or from the PageContent row a view has put in the context as `page`.
    """
    request = context.get("request")
    if request is None or context.get("hide_feedback_block"):
        return {"show": False}
    state = request.GET.get("feedback", "")
    if state == THANKED:
        step = "thanked"
    elif state and Feedback.pk_from_token(state) is not None:
        step = "comment"
    else:
        step = "question"
    return {
        "show": True,
        "step": step,
        "token": state if step == "comment" else "",
        # The path, percent-encoded as in the address bar, without the query string.
        "page_path": urlsplit(request.get_full_path()).path,
        "texts": FeedbackTexts.for_active_language(page_content=context.get("page"), request=request),
        "comment_max_length": COMMENT_MAX_LENGTH,
    }
