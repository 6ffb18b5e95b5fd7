"""A small local web site for the link checker's tests, on 127.0.0.1 in a thread."""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_SECONDS = 2.0

# path: (status, Location or None); HEAD is answered like GET unless listed in HEAD_ANSWERS.
ROUTES: dict[str, tuple[int, str | None]] = {
    "/ok": (200, None),
    "/old": (301, "/ok"),
    "/old-twice": (308, "/old"),
    "/temporary": (302, "/ok"),
    "/temporary-to-gone": (307, "/gone"),
    "/gone": (404, None),
    "/removed": (410, None),
    "/forbidden": (403, None),
    "/busy": (429, None),
    "/error": (500, None),
    "/to-login": (302, "/account/signin?next=/cancel"),
    "/account/signin": (200, None),
    "/to-private": (302, "http://10.0.0.1/admin"),
    "/to-metadata": (301, "http://169.254.169.254/latest/meta-data/"),
    "/to-ftp": (302, "ftp://127.0.0.1/file"),
    "/loop": (302, "/loop"),
}
HEAD_ANSWERS = {"/no-head": 405, "/head-not-implemented": 501}


class Requests(list):
    """(method, path, User-Agent) of each request, each one's Host header in `hosts`, and
    when each came and was answered (time.monotonic() in this process), with its path, in
    `times`."""

    def __init__(self) -> None:
        super().__init__()
        self.hosts: list[str | None] = []
        self.times: list[tuple[float, float, str]] = []


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests = Requests()


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format, *args):
        pass

    def answer(self, method: str) -> None:
        came = time.monotonic()
        try:
            self._answer(method)
        finally:
            self.server.requests.times.append((came, time.monotonic(), self.path))

    def _answer(self, method: str) -> None:
        self.server.requests.append((method, self.path, self.headers.get("User-Agent")))
        self.server.requests.hosts.append(self.headers.get("Host"))
        path = self.path.split("?", 1)[0]
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
            status, location = 200, None
        elif method == "HEAD" and path in HEAD_ANSWERS:
            status, location = HEAD_ANSWERS[path], None
        elif path in {"/no-head", "/head-not-implemented"}:
            status, location = 200, None
        else:
            status, location = ROUTES.get(path, (404, None))
        body = b"<!doctype html><title>test</title>" + b"x" * 1000
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method == "GET":
            with contextlib.suppress(OSError):
                self.wfile.write(body)

    def do_HEAD(self):
        self.answer("HEAD")

    def do_GET(self):
        self.answer("GET")


@contextlib.contextmanager
def local_site(certificate: tuple[str, str] | None = None) -> Iterator[tuple[str, Requests]]:
    """The site's base address (http://127.0.0.1:PORT, or https:// with `certificate`, the
    paths of a certificate and its key) and the requests it got."""
    server = Server()
    scheme = "http"
    if certificate:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*certificate)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}", server.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
