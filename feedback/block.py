"""The "Did you find the information on this page helpful?" block at the foot of each public page."""

from urllib.parse import urlsplit

from .models import COMMENT_MAX_LENGTH, THANKED, Feedback, FeedbackTexts


def feedback_block(request, *, page=None, hidden=False):
    """The block's state as ?feedback= asks for it.

    No value: the question with yes and no. A valid token: the thanks for the answer and the comment
    form. "tack": the thanks for the comment. The texts come from the shared cache (under the
    catalogue version), or from the PageContent row a view has fetched as `page`.
    """
    if request is None or hidden:
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
        "texts": FeedbackTexts.for_active_language(page_content=page, request=request),
        "comment_max_length": COMMENT_MAX_LENGTH,
    }
