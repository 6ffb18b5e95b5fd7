"""The link checker against a local site: what each answer means, and the addresses it must
never fetch, first or after a redirect. Nothing here leaves the machine."""

import socket

import pytest

from guides.links import fetch
from guides.models import LinkOutcome

# The one request at a time per host is held in the database (fetch.politely).
pytestmark = pytest.mark.django_db


@pytest.fixture
def connections(monkeypatch):
    """Every address the checker opens a connection to."""
    opened = []
    real = fetch.connection

    def spy(scheme, ip, port, host, timeout):
        opened.append(ip)
        return real(scheme, ip, port, host, timeout)

    monkeypatch.setattr(fetch, "connection", spy)
    return opened


def test_a_page_that_answers_200_is_ok_with_head_alone(site):
    base, requests = site
    result = fetch.check(f"{base}/ok")
    assert result.outcome == LinkOutcome.OK and result.status_code == 200
    assert result.reason == "200 OK"
    assert requests == [("HEAD", "/ok", "cancelflow-link-check/1.0 (+mailto:links@example.com)")]


@pytest.mark.parametrize("path", ["/no-head", "/head-not-implemented"])
def test_a_site_that_refuses_head_is_asked_with_get(site, path):
    base, requests = site
    result = fetch.check(f"{base}{path}")
    assert result.outcome == LinkOutcome.OK
    assert [method for method, *_ in requests] == ["HEAD", "GET"]


def test_a_permanent_redirect_is_moved_with_the_new_address(site):
    base, _ = site
    result = fetch.check(f"{base}/old-twice")
    assert result.outcome == LinkOutcome.MOVED and result.status_code == 200
    assert result.moved_to == f"{base}/ok" and result.final_url == f"{base}/ok"


def test_a_temporary_redirect_is_what_its_last_hop_is(site):
    base, _ = site
    ok = fetch.check(f"{base}/temporary")
    assert ok.outcome == LinkOutcome.OK and ok.final_url == f"{base}/ok" and not ok.moved_to
    gone = fetch.check(f"{base}/temporary-to-gone")
    assert gone.outcome == LinkOutcome.BROKEN and gone.status_code == 404


@pytest.mark.parametrize(
    ("path", "outcome", "reason"),
    [
        ("/gone", LinkOutcome.BROKEN, "404 Not Found"),
        ("/removed", LinkOutcome.BROKEN, "410 Gone"),
        ("/forbidden", LinkOutcome.CANT_TELL, "403 Forbidden"),
        ("/busy", LinkOutcome.CANT_TELL, "429 Too Many Requests"),
        ("/error", LinkOutcome.CANT_TELL, "500 Internal Server Error"),
        ("/to-login", LinkOutcome.CANT_TELL, "Leads to a login page"),
        ("/loop", LinkOutcome.CANT_TELL, "More than 5 redirects"),
    ],
)
def test_what_each_answer_means(site, path, outcome, reason):
    base, _ = site
    result = fetch.check(f"{base}{path}")
    assert (result.outcome, result.reason) == (outcome, reason)


def test_only_a_server_error_or_too_many_requests_is_worth_retrying_soon(site):
    base, _ = site
    assert fetch.check(f"{base}/busy").transient
    assert fetch.check(f"{base}/error").transient
    assert not fetch.check(f"{base}/gone").transient
    assert not fetch.check(f"{base}/forbidden").transient


def test_a_slow_answer_is_cant_tell_after_the_timeout(site, settings):
    base, _ = site
    settings.LINK_CHECK_TIMEOUT = 0.3
    result = fetch.check(f"{base}/slow")
    assert result.outcome == LinkOutcome.CANT_TELL and result.transient
    assert result.reason == "No answer within 0.3 s"


def test_a_refused_connection_is_broken(settings):
    settings.LINK_CHECK_ALLOW_LOOPBACK = True
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = fetch.check(f"http://127.0.0.1:{port}/")
    assert (result.outcome, result.reason) == (LinkOutcome.BROKEN, "Connection refused")


def test_a_name_that_does_not_resolve_is_broken(monkeypatch):
    def nowhere(host, port):
        raise fetch.Resolved("Name or service not known")

    monkeypatch.setattr(fetch, "resolve", nowhere)
    result = fetch.check("https://no-such-host.example/cancel")
    assert result.outcome == LinkOutcome.BROKEN
    assert result.reason == "No such host: no-such-host.example"


@pytest.mark.parametrize(
    ("path", "target"),
    [("/to-private", "10.0.0.1"), ("/to-metadata", "169.254.169.254")],
)
def test_a_redirect_inside_a_network_is_not_followed(site, connections, path, target):
    base, requests = site
    result = fetch.check(f"{base}{path}")
    assert result.outcome == LinkOutcome.CANT_TELL
    assert result.reason.startswith("Not fetched: a redirect to http://")
    assert f"{target} is {target}, an address inside a network" in result.reason
    assert connections == ["127.0.0.1"]  # the first hop only
    assert [p for _, p, _ in requests] == [path]


def test_a_redirect_to_another_scheme_is_not_followed(site, connections):
    base, _ = site
    result = fetch.check(f"{base}/to-ftp")
    assert result.outcome == LinkOutcome.CANT_TELL
    assert "only http and https" in result.reason
    assert connections == ["127.0.0.1"]


def test_loopback_is_refused_unless_allowed(site, settings, connections):
    base, requests = site
    settings.LINK_CHECK_ALLOW_LOOPBACK = False
    result = fetch.check(f"{base}/ok")
    assert result.outcome == LinkOutcome.CANT_TELL and result.reason.startswith("Not fetched")
    assert connections == [] and requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://[::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[fe80::1]/",
        "http://[64:ff9b::a00:1]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[::a00:1]/",
        "http://[2002:a00:1::]/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "file:///etc/passwd",
        "ftp://example.com/",
    ],
)
def test_addresses_inside_a_network_are_never_fetched(connections, url):
    result = fetch.check(url)
    assert result.outcome == LinkOutcome.CANT_TELL and result.reason.startswith("Not fetched")
    assert connections == []


@pytest.mark.parametrize(
    "resolved", [["10.1.2.3"], ["93.184.215.14", "172.16.0.5"], ["169.254.169.254"], ["::1"]]
)
def test_a_name_that_resolves_inside_a_network_is_never_fetched(monkeypatch, connections, resolved):
    monkeypatch.setattr(fetch, "resolve", lambda host, port: resolved)
    result = fetch.check("https://intranet.example/")
    assert result.outcome == LinkOutcome.CANT_TELL
    assert result.reason.startswith("Not fetched: intranet.example is ")
    assert connections == []


def test_the_checked_address_is_the_one_connected_to(site, monkeypatch, connections):
    """The name is resolved once, by the checker, and the connection goes to that address
    with the name in the Host header: a second lookup cannot lead elsewhere."""
    base, requests = site
    port = base.rsplit(":", 1)[1]
    looked_up = []

    def resolver(host, port):
        looked_up.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(fetch, "resolve", resolver)
    result = fetch.check(f"http://links.test:{port}/ok")
    assert result.outcome == LinkOutcome.OK
    assert looked_up == ["links.test"] and connections == ["127.0.0.1"]
    assert requests.hosts == [f"links.test:{port}"]


def test_public_addresses_are_allowed():
    assert fetch.allowed("93.184.215.14") and fetch.allowed(
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c"
    )
    assert fetch.allowed("64:ff9b::5db8:d70e")  # NAT64 to a public address


def test_one_request_at_a_time_per_host_with_a_delay(site, settings, monkeypatch):
    base, _ = site
    settings.LINK_CHECK_HOST_DELAY = 0.25
    moments = []
    real = fetch.request

    def timed(method, url, deadline):
        answer = real(method, url, deadline)
        moments.append(fetch.time.monotonic())
        return answer

    monkeypatch.setattr(fetch, "request", timed)
    fetch.check(f"{base}/ok")
    fetch.check(f"{base}/ok")
    assert moments[1] - moments[0] >= 0.24


def test_a_name_in_another_script_is_looked_up_as_punycode(monkeypatch, connections):
    looked_up = []

    def resolver(host, port):
        looked_up.append(host)
        return ["10.0.0.2"]

    monkeypatch.setattr(fetch, "resolve", resolver)
    result = fetch.check("https://bücher.example/kündigen")
    assert looked_up == ["xn--bcher-kva.example"] and connections == []
    assert result.reason.startswith("Not fetched: xn--bcher-kva.example is 10.0.0.2")


@pytest.mark.parametrize("url", ["http://example.com:99999/", "http://exa mple..com/"])
def test_an_address_that_is_not_valid_is_not_fetched(connections, url):
    result = fetch.check(url)
    assert result.outcome == LinkOutcome.CANT_TELL and result.reason.startswith("Not fetched")
    assert connections == []
