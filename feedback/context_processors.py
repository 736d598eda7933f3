from functools import partial

from .block import feedback_block as block_state


def feedback_block(request):
    """The state of the feedback block at the foot of each public page; the template passes the page's content row."""
    return {"feedback_block": partial(block_state, request)}
