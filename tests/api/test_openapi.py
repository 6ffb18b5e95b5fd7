"""The OpenAPI document of /api/v1/: generated from the schemas, valid OpenAPI 3.1, covering
every endpoint, and kept true to the responses by a schemathesis run."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from guides.api.v1 import openapi_document
from guides.models import OfficialContact, Step
from tests.test_import import SAMPLE


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
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", get_wsgi_application(), config=config
    )
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


@pytest.mark.django_db(transaction=True)  # the engine calls the app from its own threads
def test_schemathesis_finds_no_failure():
    call_command("import_guides", str(SAMPLE), verbosity=0)
    contact = OfficialContact.objects.filter(verified_on__isnull=False).first()
    Step.objects.filter(title="Open Settings on the iPhone").update(contact=contact.pk)
    failures, ran = schemathesis_failures()
    assert not failures, "\n".join(failures[:20])
    assert ran["cases"] > 100
    for check in ("response_schema_conformance", "negative_data_rejection", "unsupported_method"):
        assert ran[check] > 0, ran


@pytest.mark.django_db(transaction=True)
def test_schemathesis_would_notice_a_response_that_drifts_from_the_document(monkeypatch):
    """The check above can fail: a field the document does not describe is caught. The
    schemas shape every response, so the drift is put in after them, as it is rendered."""
    from guides.api.v1 import api

    call_command("import_guides", str(SAMPLE), verbosity=0)
    render = api.renderer.render

    def drifting(request, data, *, response_status):
        if isinstance(data, dict) and "results" in data:
            data = {**data, "results": [{**r, "undocumented": 1} for r in data["results"]]}
        return render(request, data, response_status=response_status)

    monkeypatch.setattr(api.renderer, "render", drifting)
    failures, _ = schemathesis_failures(max_examples=5)
    assert any("response_schema_conformance" in failure for failure in failures)
