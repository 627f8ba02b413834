"""An app served on a free loopback port from a thread, for tests that need a real server."""
from __future__ import annotations

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

# socketserver checks for shutdown() once per poll interval (0.5 s by default), which every
# test paid when its server stopped.
POLL_INTERVAL = 0.02


@contextmanager
def serving(app, threaded: bool = True):
    """Yields the base URL (http://127.0.0.1:PORT) while the app is served."""
    server = make_server("127.0.0.1", 0, app, threaded=threaded)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
