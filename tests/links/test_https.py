"""https: the checker connects to the address it checked, and checks the certificate
against the host's name (sent as SNI), against a local site with a certificate of its own."""

import shutil
import ssl
import subprocess

import pytest

from guides.links import fetch
from guides.models import LinkOutcome
from tests.links.servers import local_site

# The one request at a time per host is held in the database (fetch.politely).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for links.test."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=links.test",
            "-addext",
            "subjectAltName=DNS:links.test",
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


@pytest.fixture
def tls_site(settings, monkeypatch, certificate):
    settings.LINK_CHECK_ALLOW_LOOPBACK = True
    settings.LINK_CHECK_TIMEOUT = 5
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["127.0.0.1"])
    with local_site(certificate) as (base, requests):
        yield base.rsplit(":", 1)[1], requests


def trust(monkeypatch, certificate):
    monkeypatch.setattr(
        fetch, "tls_context", lambda: ssl.create_default_context(cafile=certificate[0])
    )


def test_https_to_the_checked_address_with_the_name_checked(tls_site, monkeypatch, certificate):
    port, requests = tls_site
    trust(monkeypatch, certificate)
    result = fetch.check(f"https://links.test:{port}/old")
    assert result.outcome == LinkOutcome.MOVED
    assert result.moved_to == f"https://links.test:{port}/ok"
    assert requests.hosts == [f"links.test:{port}", f"links.test:{port}"]


def test_a_certificate_for_another_name_is_refused(tls_site, monkeypatch, certificate):
    port, requests = tls_site
    trust(monkeypatch, certificate)
    result = fetch.check(f"https://elsewhere.test:{port}/ok")
    assert result.outcome == LinkOutcome.CANT_TELL and result.reason.startswith("TLS error")
    assert requests == []


def test_an_untrusted_certificate_is_refused(tls_site):
    port, requests = tls_site
    result = fetch.check(f"https://links.test:{port}/ok")
    assert result.outcome == LinkOutcome.CANT_TELL and result.reason.startswith("TLS error")
    assert "CERTIFICATE_VERIFY_FAILED" in result.reason and requests == []
