"""An app served on a free loopback port from a thread, for tests that need a real server."""
from __future__ import annotations

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

# socketserver checks for shutdown() once per poll interval (0.5 s by default), which every
# test paid when its server stopped.
POLL_INTERVAL = 0.02


def _read_whole(app):
    """The app with each response read whole and its iterable closed before the server writes
    it. Werkzeug's development server skips close() when the browser has dropped the
    connection first (it aborts a favicon or stylesheet it no longer needs), which left the
    static file open until the garbage collector found it (a ResourceWarning, failing the
    test). No route streams, so nothing is lost by reading whole."""
    def whole(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return whole


@contextmanager
def serving(app, threaded: bool = True):
    """Yields the base URL (http://127.0.0.1:PORT) while the app is served."""
    server = make_server("127.0.0.1", 0, _read_whole(app), threaded=threaded)
    # Request threads are kept track of (werkzeug makes them daemons, which socketserver does
    # not track), so stopping waits for a request still being served: one that ran on past
    # the test gave its database connection back to a pool the test had already disposed,
    # and the garbage collector later found it open (psycopg's ResourceWarning, an error in
    # whichever PostgreSQL test was running then).
    server.daemon_threads = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        # Bounded: a thread waiting on a browser's kept-alive connection ends when the
        # browser closes it; one left open must not hang the suite.
        requests = vars(server).get("_threads")
        for request in requests.pop_all() if requests is not None else []:
            request.join(timeout=5)
        server.server_close()
