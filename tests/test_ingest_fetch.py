"""URL fetching: private addresses refused before any connection, caps and types enforced.

Servers here are started on 127.0.0.1 by the tests; a refused address is proved refused by a
connection layer that fails the test if it is ever called.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from analysis.errors import InputError, UnsafeURLError
from analysis.ingest import fetch_url
from analysis.ingest.fetch import open_pinned, unsafe_reason

ARTICLE = (
    b"<html><head><title>Ferry returns</title></head><body><article>"
    b"<p>The ferry service returns in May, the port authority said on Monday.</p>"
    b"</article></body></html>"
)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        routes = {
            "/article": (200, "text/html; charset=utf-8", ARTICLE, {}),
            "/plain": (200, "text/plain", b"Plain words.", {}),
            "/pdf": (200, "application/pdf", b"%PDF-1.4", {}),
            "/to-private": (302, "text/html", b"", {"Location": "http://10.1.2.3/admin"}),
            "/to-metadata": (301, "text/html", b"", {"Location": "http://169.254.169.254/latest/"}),
            "/to-relative": (302, "text/html", b"", {"Location": "/article"}),
            "/loop": (302, "text/html", b"", {"Location": "/loop"}),
        }
        if self.path == "/to-other-port":
            other = self.server.other_port  # type: ignore[attr-defined]
            routes[self.path] = (302, "text/html", b"", {"Location": f"http://127.0.0.1:{other}/x"})
        if self.path == "/slow":
            time.sleep(1.0)
            routes[self.path] = (200, "text/html", ARTICLE, {})
        if self.path.startswith("/big"):
            body = b"<p>" + b"word " * 2000 + b"</p>"
            headers = {"Content-Length": str(len(body))} if self.path == "/big-declared" else {}
            routes[self.path] = (200, "text/html", body, headers)
        status, ctype, body, headers = routes.get(self.path, (404, "text/plain", b"missing", {}))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for key, value in headers.items():
            self.send_header(key, value)
        if "Content-Length" not in headers and not self.path.startswith("/big"):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.other_port = httpd.server_address[1] + 1  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _only_local(allowed: str):  # type: ignore[no-untyped-def]
    """A connection layer that connects to the test server and fails the test for anything else."""

    def connect(scheme: str, ip: str, port: int, host: str, target: str, timeout: float):  # type: ignore[no-untyped-def]
        if f"{ip}:{port}" != allowed:
            pytest.fail(f"connection attempted to {ip}:{port}")
        return open_pinned(scheme, ip, port, host, target, timeout)

    return connect


def _never(*args: object) -> None:
    pytest.fail(f"connection attempted: {args}")


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://localhost:8080/", "loopback"),
        ("http://10.0.0.1/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:8080/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://100.64.0.1/", "not globally routable"),
        ("http://224.0.0.1/", "multicast"),
    ],
)
def test_fetch_url_refuses_private_addresses_without_connecting(url: str, reason: str) -> None:
    def resolve(host: str, port: int) -> list[str]:
        assert host == "localhost"
        return ["127.0.0.1"]

    with pytest.raises(UnsafeURLError, match=reason):
        fetch_url(url, resolve=resolve, open_connection=_never)  # type: ignore[arg-type]


def test_fetch_url_refuses_when_any_resolved_address_is_private() -> None:
    with pytest.raises(UnsafeURLError, match=r"'news.example'.*10.9.8.7"):
        fetch_url(
            "https://news.example/story",
            resolve=lambda h, p: ["93.184.216.34", "10.9.8.7"],
            open_connection=_never,  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://news.example/a", "gopher://x/", "http://user:pw@news.example/"],
)
def test_fetch_url_refuses_other_schemes_and_credentials(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        fetch_url(url, open_connection=_never)  # type: ignore[arg-type]


def test_fetch_url_connects_to_vetted_address_with_host_name() -> None:
    calls = []

    class _Response:
        status = 200

        def getheader(self, name: str) -> str | None:
            return {"Content-Type": "text/html; charset=ISO-8859-1"}.get(name)

        def __init__(self) -> None:
            self._body = [ARTICLE, b""]

        def read(self, amt: int | None = None) -> bytes:
            return self._body.pop(0)

        def close(self) -> None:
            pass

    def connect(
        scheme: str, ip: str, port: int, host: str, target: str, timeout: float
    ) -> _Response:
        calls.append((scheme, ip, port, host, target))
        return _Response()

    resolved = []

    def resolve(host: str, port: int) -> list[str]:
        resolved.append(host)
        return ["93.184.216.34"]

    page = fetch_url("https://news.example/a/b?c=1", resolve=resolve, open_connection=connect)
    assert calls == [("https", "93.184.216.34", 443, "news.example", "/a/b?c=1")]
    assert resolved == ["news.example"]  # resolved once, never again by the connection
    assert (
        page.body == ARTICLE and page.charset == "ISO-8859-1" and page.content_type == "text/html"
    )


def test_fetch_url_local_server_allowed_by_policy(server: str) -> None:
    page = fetch_url(
        f"http://{server}/to-relative",
        allow_hosts=frozenset({server}),
        open_connection=_only_local(server),
    )
    assert page.body == ARTICLE and page.final_url.endswith("/article")
    assert page.content_type == "text/html" and page.charset == "utf-8"
    plain = fetch_url(f"http://{server}/plain", allow_hosts=frozenset({server}))
    assert plain.content_type == "text/plain"


def test_fetch_url_default_policy_refuses_the_local_server(server: str) -> None:
    with pytest.raises(UnsafeURLError, match="loopback"):
        fetch_url(f"http://{server}/article", open_connection=_never)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "path, message",
    [
        ("/to-private", r"10\.1\.2\.3.*private"),
        ("/to-metadata", r"169\.254\.169\.254.*link-local"),
        ("/to-other-port", r"127\.0\.0\.1.*loopback"),
        ("/loop", "more than 5 redirects"),
        ("/pdf", "application/pdf"),
        ("/big", "larger than 1000 bytes"),
        ("/big-declared", "larger than 1000 bytes"),
    ],
)
def test_fetch_url_refuses_redirects_types_and_sizes(server: str, path: str, message: str) -> None:
    with pytest.raises(UnsafeURLError, match=message):
        fetch_url(
            f"http://{server}{path}",
            max_bytes=1000,
            allow_hosts=frozenset({server}),
            open_connection=_only_local(server),
        )


def test_fetch_url_timeout_and_http_errors(server: str) -> None:
    with pytest.raises(InputError, match="time limit"):
        fetch_url(f"http://{server}/slow", timeout=0.3, allow_hosts=frozenset({server}))
    with pytest.raises(InputError, match="HTTP 404"):
        fetch_url(f"http://{server}/nothing-here", allow_hosts=frozenset({server}))


@pytest.mark.parametrize(
    "address, unsafe",
    [
        ("93.184.216.34", False),
        ("2606:4700::1111", False),
        ("192.168.1.4", True),
        ("fe80::1%eth0", True),
        ("::", True),
    ],
)
def test_unsafe_reason_table(address: str, unsafe: bool) -> None:
    assert (unsafe_reason(address) is not None) == unsafe
