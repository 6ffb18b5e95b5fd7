"""Bad input of any kind gets a clear 4xx (or an ordinary page), never a 500: generated
paths, query strings, form bodies and headers thrown at every URL the site serves."""

from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PREFIXES = [
    "/",
    "/search/",
    "/category/",
    "/category/security-software/",
    "/channels/",
    "/channels/app-store/",
    "/cancel/",
    "/cancel/acme/",
    "/cancel/acme/website/",
    "/cancel/acme/app-store/",
    "/cancel/acme/app-store/mac/",
    "/healthz",
    "/robots.txt",
    "/sitemap.xml",
    "/feedback/acme/amazon/",
    "/reminder/acme/",
    "/reminder/acme.ics",
    "/reminder/acme/?renews=2027-01-31&before=",
    "/api/v1/",
    "/api/v1/providers/",
    "/api/v1/providers/acme/",
    "/admin/login/",
    "/static/css/site.css",
]

junk = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)
headers = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_HX_REQUEST": st.one_of(st.just("true"), junk),
        "HTTP_HX_TARGET": junk,
        "HTTP_HX_TRIGGER": junk,
        "HTTP_HX_CURRENT_URL": junk,
        "HTTP_HX_HISTORY_RESTORE_REQUEST": st.one_of(st.just("true"), junk),
        "HTTP_HX_BOOSTED": junk,
        "HTTP_IF_NONE_MATCH": junk,
        "HTTP_IF_MODIFIED_SINCE": junk,
        "HTTP_ACCEPT": junk,
        "HTTP_ACCEPT_LANGUAGE": junk,
        "HTTP_X_REQUEST_ID": junk,
        "HTTP_X_FORWARDED_FOR": junk,
        "HTTP_USER_AGENT": st.text(max_size=5000),
        "HTTP_REFERER": junk,
    },
)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def site(db):
    call_command("import_guides", "tests/data/sample.yaml", verbosity=0)
    return Client(raise_request_exception=True)


def assert_not_a_server_error(response):
    assert response.status_code < 500, response.status_code


@FUZZ
@given(
    prefix=st.sampled_from(PREFIXES),
    tail=junk,
    query=st.dictionaries(junk, junk, max_size=4),
    extra=headers,
)
def test_get_never_fails(site, prefix, tail, query, extra):
    path = prefix + quote(tail, safe="/%")
    assert_not_a_server_error(site.get(path, query, **extra))


@FUZZ
@given(
    prefix=st.sampled_from(PREFIXES), body=st.dictionaries(junk, junk, max_size=6), extra=headers
)
def test_post_never_fails(site, prefix, body, extra):
    assert_not_a_server_error(site.post(prefix, body, **extra))


@FUZZ
@given(
    method=st.sampled_from(["put", "patch", "delete", "options", "head", "trace"]),
    prefix=st.sampled_from(PREFIXES),
    extra=headers,
)
def test_other_methods_never_fail(site, method, prefix, extra):
    assert_not_a_server_error(getattr(site, method)(prefix, **extra))


@pytest.mark.parametrize("raw", [b"\x00", b"\xff\xfe", b"%", b"a" * 100_000])
def test_raw_junk_bodies(site, raw):
    for prefix in ["/", "/admin/login/", "/feedback/acme/amazon/"]:
        response = site.generic(
            "POST", prefix, raw, content_type="application/x-www-form-urlencoded"
        )
        assert_not_a_server_error(response)


def test_an_oversized_body_is_refused(site):
    big = {"comment": "x" * (2 * 1024 * 1024), "username": "a", "password": "b"}
    for prefix in ["/admin/login/", "/feedback/acme/amazon/"]:
        response = site.post(prefix, big)
        assert response.status_code in {400, 403, 404, 405, 413}, (prefix, response.status_code)
    assert site.post("/admin/login/", big).status_code in {400, 413}
