"""A polite, safe check of one web address: what a visitor following the link would find.

Polite: HEAD first (GET only when a site refuses HEAD), a User-Agent naming the site and how
to reach us, a timeout, at most LINK_CHECK_MAX_BYTES of a body read, one request at a time
per host and LINK_CHECK_HOST_DELAY seconds between two to the same host, across every
worker process (`politely`, a LinkHost row per host).

Safe: only http and https, and never an address inside a network: private, loopback,
link-local, multicast, reserved or a cloud's metadata address, whether written in the link,
reached by a redirect, or what a host name resolves to. Redirects are followed by hand (at
most MAX_REDIRECTS), each hop checked the same way; the name is resolved here and the
connection made to the address that was checked (the Host header, and for https the name
the certificate is checked against, carry the name), so a second lookup cannot lead
elsewhere (DNS rebinding).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from guides.models.links import LinkHost, LinkOutcome

MAX_REDIRECTS = 5
PERMANENT = {301, 308}
REDIRECTS = {301, 302, 303, 307, 308}
# A site that answers HEAD with one of these may well answer GET: ask again with GET.
HEAD_REFUSED = {400, 403, 405, 406, 501}
# The page is gone. Anything else but 2xx (401, 403 and 429 above all: a login wanted, or
# robots kept out) says nothing sure about the page: can't tell.
GONE = {404, 410}
LOGIN_WORDS = ("login", "signin", "sign-in", "sign_in", "log-in")
# The instance metadata services of the clouds (AWS, Azure, GCP, …; AWS's IPv6 one).
METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
# IPv6 addresses that stand for an IPv4 one (NAT64's well-known and local prefixes, and the
# old IPv4-compatible form): judged by that IPv4 address. (6to4 and Teredo are refused as
# they are: not global.)
EMBEDS_IPV4 = [
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("::/96"),
]


@dataclass(frozen=True)
class Result:
    outcome: str
    status_code: int | None = None
    final_url: str = ""
    moved_to: str = ""
    reason: str = ""
    # Worth trying again soon: a timeout, an unreachable host, a server error.
    transient: bool = False


class NotAllowed(Exception):
    """An address this checker must not fetch."""


class Resolved(Exception):
    """The host name does not resolve."""


def resolve(host: str, port: int) -> list[str]:
    """The IP addresses `host` resolves to (the tests replace this)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Resolved(str(exc)) from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def allowed(ip: str) -> bool:
    """May a link check connect to `ip`?"""
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            address = address.ipv4_mapped
        elif any(address in prefix for prefix in EMBEDS_IPV4):
            # A translator (NAT64) would connect to the IPv4 address in its last 32 bits.
            address = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in METADATA:
        return False
    if address.is_loopback:
        return bool(getattr(settings, "LINK_CHECK_ALLOW_LOOPBACK", False))
    return address.is_global and not address.is_multicast


def addresses(host: str, port: int) -> list[str]:
    """The addresses to connect to for `host`; NotAllowed if any of them is refused (a name
    that resolves to one inside a network is not a public page), Resolved if none."""
    try:
        ips = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        ips = resolve(host, port)
    if not ips:
        raise Resolved("no address")
    for ip in ips:
        if not allowed(ip):
            raise NotAllowed(f"{host} is {ip}, an address inside a network")
    return ips


# Politeness: one request at a time per host, a delay between two -----------------------------
#
# Held in the database (a LinkHost row per host), so that it holds across worker processes:
# a check takes the host with one conditional UPDATE (free_at passed: take it until the lease
# ends), which only one process can win on SQLite as on PostgreSQL; it frees it at the end of
# its request, LINK_CHECK_HOST_DELAY seconds later. The lease frees a host whose checker died.

LEASE_MARGIN = 5.0  # seconds beyond LINK_CHECK_TIMEOUT that a request may hold a host
POLL_MAX = 0.5  # at most this long between two tries to take a host that is busy


@contextlib.contextmanager
def politely(host: str) -> Iterator[None]:
    holder = uuid.uuid4().hex
    lease = timedelta(seconds=float(settings.LINK_CHECK_TIMEOUT) + LEASE_MARGIN)
    hosts = LinkHost.objects.filter(host=host)
    if not hosts.exists():
        with contextlib.suppress(IntegrityError), transaction.atomic():
            LinkHost.objects.create(host=host, free_at=timezone.now())
    while True:
        now = timezone.now()
        if hosts.filter(free_at__lte=now).update(free_at=now + lease, holder=holder):
            break
        free_at = hosts.values_list("free_at", flat=True).first() or now
        time.sleep(min(max((free_at - now).total_seconds(), 0.01), POLL_MAX))
    try:
        yield
    finally:
        delay = timedelta(seconds=float(settings.LINK_CHECK_HOST_DELAY))
        hosts.filter(holder=holder).update(free_at=timezone.now() + delay, holder="")


# One request ---------------------------------------------------------------------------------


def tls_context() -> ssl.SSLContext:
    """Certificates checked as a browser would (the tests trust their own)."""
    return ssl.create_default_context()


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a given IP address, the certificate checked against the host's name."""

    def __init__(self, ip: str, port: int, *, server_hostname: str, timeout: float) -> None:
        super().__init__(ip, port, timeout=timeout, context=tls_context())
        self.server_hostname = server_hostname

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)
        self.sock = self._context.wrap_socket(  # type: ignore[attr-defined]
            self.sock, server_hostname=self.server_hostname
        )


def connection(scheme: str, ip: str, port: int, host: str, timeout: float):
    if scheme == "https":
        return _PinnedHTTPSConnection(ip, port, server_hostname=host, timeout=timeout)
    return http.client.HTTPConnection(ip, port, timeout=timeout)


@dataclass(frozen=True)
class Answer:
    status: int
    location: str


def request(method: str, url: str, deadline: float) -> Answer:
    """One request to `url`, its body read up to the cap, within the deadline."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise NotAllowed(f"{scheme or 'no'} scheme: only http and https are checked")
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port or (443 if scheme == "https" else 80)
    except (UnicodeError, ValueError) as exc:
        raise NotAllowed(f"not a valid address ({exc})") from exc
    if not host:
        raise NotAllowed("no host")
    default_port = port == (443 if scheme == "https" else 80)
    host_header = f"[{host}]" if ":" in host else host
    if not default_port:
        host_header += f":{port}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    headers = {
        "Host": host_header,
        "User-Agent": settings.LINK_CHECK_USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
        "Connection": "close",
    }
    ips = addresses(host, port)
    last_error: OSError | None = None
    with politely(host.lower()):
        for ip in ips:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("timed out")
            conn = connection(scheme, ip, port, host, remaining)
            try:
                conn.request(method, path, headers=headers)
                response = conn.getresponse()
                if method != "HEAD":
                    read = 0
                    while read < settings.LINK_CHECK_MAX_BYTES:
                        if time.monotonic() > deadline:
                            raise TimeoutError("timed out")
                        chunk = response.read(min(16384, settings.LINK_CHECK_MAX_BYTES - read))
                        if not chunk:
                            break
                        read += len(chunk)
                return Answer(response.status, response.getheader("Location", "") or "")
            except (ConnectionRefusedError, ConnectionResetError) as exc:
                last_error = exc  # the next address, if the name has another
            finally:
                conn.close()
    assert last_error is not None
    raise last_error


# A whole check -------------------------------------------------------------------------------


def phrase(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def looks_like_login(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return any(word in path for word in LOGIN_WORDS)


def check(url: str, *, timeout: float | None = None) -> Result:
    """Follow `url` as a visitor would, and say what they would find."""
    timeout = float(settings.LINK_CHECK_TIMEOUT if timeout is None else timeout)
    current = url
    moved_to = ""
    permanent_so_far = True
    for hop in range(MAX_REDIRECTS + 1):
        deadline = time.monotonic() + timeout
        try:
            answer = request("HEAD", current, deadline)
            if answer.status in HEAD_REFUSED:
                answer = request("GET", current, time.monotonic() + timeout)
        except NotAllowed as exc:
            where = "" if hop == 0 else f"a redirect to {current}: "
            return Result(
                LinkOutcome.CANT_TELL, final_url=current, reason=f"Not fetched: {where}{exc}"[:300]
            )
        except Resolved:
            host = urlsplit(current).hostname
            return Result(
                LinkOutcome.BROKEN,
                final_url=current,
                reason=f"No such host: {host}",
                transient=True,
            )
        except ConnectionRefusedError:
            return Result(
                LinkOutcome.BROKEN, final_url=current, reason="Connection refused", transient=True
            )
        except TimeoutError:
            return Result(
                LinkOutcome.CANT_TELL,
                final_url=current,
                reason=f"No answer within {timeout:g} s",
                transient=True,
            )
        except ssl.SSLError as exc:
            return Result(
                LinkOutcome.CANT_TELL, final_url=current, reason=f"TLS error: {exc}"[:300]
            )
        except (OSError, http.client.HTTPException) as exc:
            return Result(
                LinkOutcome.CANT_TELL,
                final_url=current,
                reason=f"{type(exc).__name__}: {exc}"[:300],
                transient=True,
            )
        status = answer.status
        if status in REDIRECTS and answer.location:
            if hop == MAX_REDIRECTS:
                return Result(
                    LinkOutcome.CANT_TELL,
                    status,
                    current,
                    moved_to,
                    f"More than {MAX_REDIRECTS} redirects",
                )
            current = urljoin(current, answer.location.strip())
            if status in PERMANENT and permanent_so_far:
                moved_to = current
            else:
                permanent_so_far = False
            continue
        return classify(status, current, moved_to)
    raise AssertionError("unreachable")  # pragma: no cover


def classify(status: int, final_url: str, moved_to: str) -> Result:
    reason = phrase(status)
    if 200 <= status < 300:
        if looks_like_login(final_url):
            return Result(
                LinkOutcome.CANT_TELL, status, final_url, moved_to, "Leads to a login page"
            )
        if moved_to:
            return Result(
                LinkOutcome.MOVED,
                status,
                final_url,
                moved_to,
                f"Moved permanently to {moved_to}"[:300],
            )
        return Result(LinkOutcome.OK, status, final_url, "", reason)
    if status in GONE:
        return Result(LinkOutcome.BROKEN, status, final_url, moved_to, reason)
    return Result(
        LinkOutcome.CANT_TELL,
        status,
        final_url,
        moved_to,
        reason,
        transient=status == 429 or status >= 500,
    )
