"""The WSGI application gunicorn serves."""

import gc
import sys


def test_what_is_loaded_at_start_is_out_of_the_garbage_collectors_sight():
    try:
        import portal.wsgi

        assert callable(portal.wsgi.application)
        # The URLs and the views are loaded before the freeze, so that full passes do not walk them.
        assert "projects.views" in sys.modules
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()  # the rest of the suite runs as before
