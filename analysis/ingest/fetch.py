"""Fetch one article page without letting a URL reach inside the network it runs in.

Server-side request forgery is the risk: a dashboard user who types ``http://169.254.169.254/``
or a name that resolves to ``10.0.0.1`` must not make ReactionLens read internal services. So the
host is resolved once, every address is vetted (OWASP SSRF prevention cheat sheet), and the
connection goes to the vetted address itself (no second lookup that DNS rebinding could change).
Redirects are followed by hand, each hop vetted again; size, time and content type are capped.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from analysis.errors import InputError, UnsafeURLError

ALLOWED_TYPES = ("text/html", "text/plain", "application/xhtml+xml")
MAX_REDIRECTS = 5
USER_AGENT = "ReactionLens/0.1 (+article fetch for news reaction analysis)"
_CHUNK = 65536


@dataclass(frozen=True)
class FetchedPage:
    """A fetched page: the URL asked for, where it ended up, and its body."""

    url: str
    final_url: str
    content_type: str
    body: bytes
    charset: str | None = None


class Response(Protocol):
    """The part of ``http.client.HTTPResponse`` fetching uses."""

    status: int

    def getheader(self, name: str) -> str | None: ...
    def read(self, amt: int | None = None) -> bytes: ...
    def close(self) -> None: ...


Resolve = Callable[[str, int], list[str]]
#: (scheme, vetted ip, port, host name, path with query, timeout) -> response
OpenConnection = Callable[[str, str, int, str, str, float], Response]


def system_resolve(host: str, port: int) -> list[str]:
    """Every address the host name resolves to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"cannot resolve host {host!r} ({exc})") from exc
    return sorted({str(info[4][0]) for info in infos})


def open_pinned(
    scheme: str, ip: str, port: int, host: str, target: str, timeout: float
) -> Response:
    """GET ``target`` from ``ip`` with ``Host: host``; for https, SNI and certificate check use ``host``."""
    conn: http.client.HTTPConnection
    if scheme == "https":
        conn = _PinnedHTTPS(ip, port, host, timeout)
    else:
        conn = http.client.HTTPConnection(ip, port, timeout=timeout)
    host_header = host if port in (80, 443) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if port in (80, 443) else f"[{host}]:{port}"
    try:
        conn.request(
            "GET",
            target,
            headers={
                "Host": host_header,
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
                "Accept-Encoding": "identity",
            },
        )
        return _Closing(conn, conn.getresponse())
    except BaseException:
        conn.close()
        raise


class _Closing:
    """A response that closes its connection too (one request per connection)."""

    def __init__(
        self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse
    ) -> None:
        self._conn, self._response = conn, response
        self.status = response.status

    def getheader(self, name: str) -> str | None:
        return self._response.getheader(name)

    def read(self, amt: int | None = None) -> bytes:
        return self._response.read(amt)

    def close(self) -> None:
        self._response.close()
        self._conn.close()


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, ip: str, port: int, hostname: str, timeout: float) -> None:
        super().__init__(ip, port, timeout=timeout, context=ssl.create_default_context())
        self._hostname = hostname

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._hostname)  # type: ignore[attr-defined]


def unsafe_reason(address: str) -> str | None:
    """Why an address must not be fetched from, or None when it is a public address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("not globally routable", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def fetch_url(
    url: str,
    *,
    timeout: float = 10.0,
    max_bytes: int = 5_000_000,
    resolve: Resolve = system_resolve,
    open_connection: OpenConnection = open_pinned,
    allow_hosts: frozenset[str] = frozenset(),
) -> FetchedPage:
    """Fetch an article page over http(s), refusing private addresses, other types and large bodies.

    Args:
        allow_hosts: ``"host:port"`` entries exempt from the address check. Tests use it for a
            server they start on 127.0.0.1; nothing else should.

    Raises:
        UnsafeURLError: bad scheme, a private/loopback/reserved address on any hop, too many
            redirects, a body over ``max_bytes`` or a type other than HTML or plain text.
        InputError: the host cannot be resolved or reached, times out, or answers with an error.
    """
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, target = _split(current)
        ip = _vetted_address(host, port, resolve, allow_hosts)
        response = _open(open_connection, current, (scheme, ip, port, host, target), deadline)
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise InputError(f"{current}: redirect ({response.status}) without a Location")
                current = urljoin(current, location)
                continue
            if response.status != 200:
                raise InputError(
                    f"{current}: the server answered HTTP {response.status}; expected 200"
                )
            content_type, charset = _content_type(current, response)
            body = _read_capped(current, response, max_bytes, deadline)
            return FetchedPage(url, current, content_type, body, charset)
        finally:
            response.close()
    raise UnsafeURLError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _split(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise UnsafeURLError(
            f"{url}: only http and https URLs can be fetched (got {parts.scheme!r})"
        )
    if parts.username or parts.password:
        raise UnsafeURLError(f"{url}: URLs with user names or passwords are not fetched")
    host = parts.hostname
    if not host:
        raise UnsafeURLError(f"{url}: has no host name")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeURLError(f"{url}: invalid port") from exc
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return parts.scheme, host, port, target


def _vetted_address(host: str, port: int, resolve: Resolve, allow_hosts: frozenset[str]) -> str:
    """One address to connect to, after every address of the host passed the check."""
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = resolve(host, port)
    if not addresses:
        raise InputError(f"cannot resolve host {host!r}: no addresses")
    if f"{host}:{port}" in allow_hosts:
        return addresses[0]
    for address in addresses:
        reason = unsafe_reason(address)
        if reason:
            raise UnsafeURLError(f"refusing {host!r}: it resolves to {address} ({reason} address)")
    return addresses[0]


def _open(
    open_connection: OpenConnection,
    url: str,
    target: tuple[str, str, int, str, str],
    deadline: float,
) -> Response:
    scheme, ip, port, host, path = target
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise InputError(f"{url}: timed out")
    try:
        return open_connection(scheme, ip, port, host, path, remaining)
    except TimeoutError as exc:
        raise InputError(f"{url}: no answer within the time limit") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise InputError(f"{url}: cannot connect ({exc})") from exc


def _content_type(url: str, response: Response) -> tuple[str, str | None]:
    header = response.getheader("Content-Type") or ""
    message = Message()
    message["Content-Type"] = header
    content_type = message.get_content_type() if header else ""
    if content_type not in ALLOWED_TYPES:
        shown = content_type or "no content type"
        raise UnsafeURLError(f"{url}: is {shown}; only {', '.join(ALLOWED_TYPES)} pages are read")
    charset = message.get_param("charset")
    return content_type, charset if isinstance(charset, str) else None


def _read_capped(url: str, response: Response, max_bytes: int, deadline: float) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise UnsafeURLError(f"{url}: page is larger than {max_bytes} bytes ({length})")
    chunks, total = [], 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise InputError(f"{url}: no complete answer within the time limit")
            chunk = response.read(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise UnsafeURLError(f"{url}: page is larger than {max_bytes} bytes")
            chunks.append(chunk)
    except TimeoutError as exc:
        raise InputError(f"{url}: no complete answer within the time limit") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise InputError(f"{url}: connection failed while reading ({exc})") from exc
    return b"".join(chunks)
