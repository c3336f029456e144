"""The threaded HTTP(S) server on 127.0.0.1 under the test doubles (fault proxy, Cloud Asset and ARM servers)."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer:
    """Serves every request, whatever its method, through `handle`; started on construction, on a free port."""

    def __init__(self, handle: Callable[[BaseHTTPRequestHandler], None], *, keep_alive: bool = False,
                 tls: ssl.SSLContext | None = None, nodelay: bool = False) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def setup(self) -> None:
                super().setup()
                if nodelay:  # without it each small answer waits ~40 ms for the client's delayed ACK
                    self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:
                handle(self)

            do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET

            def log_message(self, format: str, *args: object) -> None:  # quiet test output
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._server.daemon_threads = True  # a slow answer still sleeping must not block shutdown
        self._scheme = "https" if tls is not None else "http"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"{self._scheme}://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
