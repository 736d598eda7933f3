"""Django's PostgreSQL backend, with a health check that asks the connection's socket instead of the server.

Connections are kept between requests (CONN_MAX_AGE), so one may have been ended since the last
request: the server restarted, or a backend was terminated. Django checks before a request's first
query (CONN_HEALTH_CHECKS) with a `SELECT 1`: a round trip on every request, as much as a project
page's own query. A connection that sits idle between two requests has nothing to read unless
the server has ended it (its last message, then end of file), so a socket with something to read,
or one in error, is taken as unusable and Django connects anew, with no request lost. Anything
else the server might send to an idle connection (a reportable setting changed by a reload) only
costs one reconnect.
"""

import select

from django.db.backends.postgresql import base

ENDED = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP | select.POLLNVAL


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            poller = select.poll()
            poller.register(connection.fileno(), ENDED)
            return not poller.poll(0)
        except (OSError, ValueError, base.Database.Error):
            return False
