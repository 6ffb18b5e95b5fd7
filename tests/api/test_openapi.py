"""The OpenAPI document of /api/v1/: generated from the schemas, valid OpenAPI 3.1, covering
every endpoint, and kept true to the responses by a schemathesis run."""

from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from guides.api.v1 import openapi_document
from guides.models import OfficialContact, Step
from tests.files.test_import import SAMPLE
from tests.recorded import load_guides


def test_the_openapi_document_is_served_and_covers_every_endpoint(guides, client):
    response = client.get("/api/v1/openapi.json")
    assert response["Content-Type"] == "application/json", response.content
    served = response.json()
    assert served == openapi_document()
    assert served["openapi"].startswith("3.1")

    def api_routes():
        resolver = get_resolver()
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver) and pattern.namespace == "api":
                for inner in pattern.url_patterns:
                    assert isinstance(inner, URLPattern)
                    yield "/api/v1/" + str(inner.pattern).replace("<slug:slug>", "{slug}")

    routes = {r for r in api_routes() if "(?P<path>" not in r and not r.endswith(".json")}
    assert routes == set(served["paths"])


def test_the_document_is_valid_openapi_3_1():
    """Checked against the OpenAPI 3.1 meta-schema (as schemathesis ships it), each schema in
    it as JSON Schema 2020-12 (the dialect of OpenAPI 3.1), and every reference resolves."""
    from jsonschema import Draft202012Validator
    from schemathesis.specs.openapi.definitions import OPENAPI_31

    document = openapi_document()
    errors = [error.message for error in Draft202012Validator(OPENAPI_31).iter_errors(document)]
    assert not errors, errors
    assert document["openapi"] == "3.1.0"
    schemas = document["components"]["schemas"]
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    prefix = "#/components/schemas/"
    found = set(refs(document))
    assert found and all(ref.startswith(prefix) and ref[len(prefix) :] in schemas for ref in found)


def test_every_path_of_the_urlconf_is_in_the_document():
    """Walked over the whole URLconf, not one namespace: a URL under /api/v1/ that the
    document does not describe is either the document itself or the JSON 404."""
    document = openapi_document()

    def routes(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from routes(pattern.url_patterns, route)
            else:
                yield route

    api = {"/" + route for route in routes(get_resolver().url_patterns)}
    api = {route for route in api if route.startswith("/api/v1/")}
    not_described = {"/api/v1/openapi.json", r"/api/v1/^(?P<path>[\s\S]*)$"}  # itself; the 404
    assert not_described <= api
    described = {route.replace("<slug:slug>", "{slug}") for route in api - not_described}
    assert described == set(document["paths"])


def test_there_is_no_interactive_docs_page(client):
    """ninja's docs page would need inline scripts and a CDN: it is off, a JSON 404."""
    for url in ["/api/v1/docs", "/api/v1/docs/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["message"].startswith("No such API endpoint")


@contextmanager
def on_this_connection(app):
    """The WSGI app, answering on the test's own database connection, inside the test's
    transaction, from whichever thread the engine calls it in, one request at a time, as
    Django's test client does. So the engine opens no connection of its own (with SQLite's
    in-memory test database, one would outlive its thread), and the test needs no database
    of its own to empty afterwards: what the run wrote is rolled back with the test."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connections

    main = {alias: connections[alias] for alias in connections}
    one_at_a_time = threading.Lock()

    def answer(environ, start_response):
        with one_at_a_time:
            for alias, connection in main.items():
                connections[alias] = connection
            return list(app(environ, start_response))

    for connection in main.values():
        connection.inc_thread_sharing()
    # As Django's test client does: a request's start and end must not close the test's
    # connection, which is inside the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield answer
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        for connection in main.values():
            connection.dec_thread_sharing()


def schemathesis_failures(seed: int = 1, max_examples: int = 25) -> tuple[list[str], Counter]:
    """Run schemathesis against the site's WSGI app, in this process: every phase (examples,
    coverage, fuzzing, stateful), every check, positive and negative data. Its pytest plugin
    does not work with pytest 9, so its engine is driven directly."""
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from schemathesis.config import SchemathesisConfig
    from schemathesis.engine import Status, events, from_schema

    config = SchemathesisConfig.from_dict(
        {
            "seed": seed,
            "generation": {"mode": "all", "max-examples": max_examples, "database": "none"},
        }
    )
    with on_this_connection(get_wsgi_application()) as app:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
        failures: list[str] = []
        ran: Counter = Counter()
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                ran["cases"] += len(event.recorder.cases)
                for case_id, checks in event.recorder.checks.items():
                    case = event.recorder.cases[case_id].value
                    for check in checks:
                        ran[check.name] += 1
                        if check.status == Status.FAILURE:
                            failure = check.failure_info.failure if check.failure_info else None
                            failures.append(
                                f"{case.method} {case.formatted_path} {case.query or ''}: "
                                f"{check.name}: {getattr(failure, 'title', '')} "
                                f"{getattr(failure, 'message', '')}"
                            )
            elif isinstance(event, events.NonFatalError | events.FatalError):
                failures.append(f"{type(event).__name__}: {getattr(event, 'info', event)}")
    return failures, ran


@pytest.mark.django_db
def test_schemathesis_finds_no_failure():
    load_guides(str(SAMPLE))
    contact = OfficialContact.objects.filter(verified_on__isnull=False).first()
    Step.objects.filter(title="Open Settings on the iPhone").update(contact=contact.pk)
    failures, ran = schemathesis_failures()
    assert not failures, "\n".join(failures[:20])
    assert ran["cases"] > 100
    for check in ("response_schema_conformance", "negative_data_rejection", "unsupported_method"):
        assert ran[check] > 0, ran


@pytest.mark.django_db
def test_schemathesis_would_notice_a_response_that_drifts_from_the_document(monkeypatch):
    """The check above can fail: a field the document does not describe is caught. The
    schemas shape every response, so the drift is put in after them, as it is rendered."""
    from guides.api.v1 import api

    load_guides(str(SAMPLE))
    render = api.renderer.render

    def drifting(request, data, *, response_status):
        if isinstance(data, dict) and "results" in data:
            data = {**data, "results": [{**r, "undocumented": 1} for r in data["results"]]}
        return render(request, data, response_status=response_status)

    monkeypatch.setattr(api.renderer, "render", drifting)
    failures, _ = schemathesis_failures(max_examples=5)
    assert any("response_schema_conformance" in failure for failure in failures)
