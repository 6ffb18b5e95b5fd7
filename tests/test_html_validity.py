"""Every page type validates with the Nu HTML Checker (vnu-jar from npm, run with Java): no
error at all, except that htmx's hx-* attributes are not HTML's own. The htmx partials are
checked too, each inside a minimal document.

Without Java or node_modules/vnu-jar these tests are skipped with the reason (`make test`
installs vnu-jar with npm; Debian's default-jre-headless gives Java), and fail under CI.
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from guides.models import OfficialContact, Provider, ScamNumber, Step
from guides.web.views import GUIDE_REQUEST_LIMIT

SCAM_SEED = importlib.import_module("guides.migrations.0023_scam_numbers").SEED

VNU = (
    Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)

PAGES = {
    "home": "/",
    "search": "/search/?q=kaspersky",
    "no-results": "/search/?q=zzzz",
    "search-charge": "/search/?q=PAYPAL+%2ASPOTIFY+4029357733",
    "search-channel": "/search/?q=app+store",
    "no-results-line": "/search/?q=ACMECLOUD%2ASUBSCR+4029357733",
    "search-error": "/search/?q=" + "x" * 101,
    "category": "/category/security-software/",
    "channel": "/channels/apple-app-store/",
    "provider": "/cancel/kaspersky/",
    "question": "/cancel/kaspersky/apple-app-store/",
    "steps": "/cancel/kaspersky/apple-app-store/iphone-ipad/",
    "steps-email": "/cancel/kaspersky/amazon/?region=us",
    "request": "/request/?name=Zumba",
    "request-thanks": "/request/thanks/",
    "feedback": "/feedback/kaspersky/apple-app-store/iphone-ipad/?answer=no",
    "not-found": "/cancel/no-such-provider/",
    # In other languages, and where the visitor lives (issue 13)
    "home-de": "/de/",
    "provider-de": "/de/cancel/kaspersky/",
    "region-de": "/de/cancel/kaspersky/?region=de",
    "steps-de": "/de/cancel/kaspersky/apple-app-store/iphone-ipad/?region=de",
    "steps-us": "/cancel/kaspersky/website/united-states/?region=us",
    "channel-fr": "/fr/channels/apple-app-store/",
    "search-fr": "/fr/search/?q=kaspersky",
    # "Is this number real?" (issue 15), and a search for a number, beside its warning
    "check-number": "/check-number/",
    "check-number-scam": "/check-number/?number=1-855-737-0477",
    "check-number-unknown": "/check-number/?number=%2B44+20+7946+0958&company=kaspersky",
    "check-number-official": "/check-number/?number=%2B1+800+555+0100",
    "check-number-error": "/check-number/?number=" + "x" * 100,
    "check-number-fr": "/fr/check-number/?number=1-855-737-0477",
    "search-number": "/search/?q=Call+1-855-737-0477",
    # When it doesn't work (issue 15): the letter as written, with errors, and by region
    "didnt-work": "/cancel/kaspersky/apple-app-store/iphone-ipad/didnt-work/",
    "didnt-work-letter": "/cancel/kaspersky/best-buy/didnt-work/?region=us-ca&name=Ann"
    "&email=ann%40example.com&cancelled_on=2025-01-31&order=KL-7",
    "didnt-work-errors": "/cancel/kaspersky/apple-app-store/iphone-ipad/didnt-work/"
    "?name=%3Cb%3E&email=x&cancelled_on=2025-02-31",
    "didnt-work-de": "/de/cancel/kaspersky/apple-app-store/iphone-ipad/didnt-work/?region=de",
    # Remind me before it renews (issue 15): the form, a reminder, one whose day has passed
    "reminder": "/reminder/kaspersky/",
    "reminder-made": "/reminder/kaspersky/?route=apple-app-store/iphone-ipad&before=30&renews="
    + (date.today() + timedelta(days=90)).isoformat(),
    "reminder-late": "/de/reminder/kaspersky/?region=de&before=30&renews="
    + (date.today() + timedelta(days=3)).isoformat(),
    # My cancellation plan and the record of a cancellation (issue 15)
    "plan": "/plan/?g=kaspersky/apple-app-store/iphone-ipad&g=netflix/apple-app-store/iphone-ipad"
    "&g=kaspersky&g=no-such/guide&g=%3Cjunk%3E",
    "plan-empty": "/plan/",
    "plan-de": "/de/plan/?g=kaspersky/apple-app-store/iphone-ipad~de",
    "record": "/record/kaspersky/apple-app-store/iphone-ipad/",
    "record-filled": "/record/kaspersky/apple-app-store/iphone-ipad/?cancelled_on=2025-03-04"
    "&reference=Order+W12",
    "record-error": "/record/kaspersky/apple-app-store/iphone-ipad/?cancelled_on=2025-02-31",
}
PARTIALS = {
    "search-partial": "/search/?q=kaspersy",
    "no-results-partial": "/search/?q=zzzz",
    "search-charge-partial": "/search/?q=GOOGLE+%2AYouTubePremium+g.co%2Fhelppay%23",
    "question-partial": "/cancel/kaspersky/apple-app-store/",
    "steps-partial": "/cancel/kaspersky/apple-app-store/iphone-ipad/",
}
FRAME = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>partial</title>'
    "</head><body><main>{}</main></body></html>"
)
HTMX_ATTRIBUTE = re.compile(r"Attribute “hx-[a-z-]+” not allowed")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


@pytest.fixture(scope="module")
def java() -> str:
    java = shutil.which("java")
    reason = ""
    if java is None:
        reason = "no `java` on PATH (Debian: apt-get install default-jre-headless)"
    elif not VNU.exists():
        reason = f"vnu-jar is not installed ({VNU.name} missing under node_modules); "
        reason += "`make test` installs it with npm"
    if reason:
        if in_ci():
            pytest.fail(f"CI is set but the HTML validity tests cannot run: {reason}")
        pytest.skip(reason)
    return java


def validate(java: str, documents: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """Run the checker once over every document; its errors by document name."""
    for name, html in documents.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout)
    errors: dict[str, list[str]] = {name: [] for name in documents}
    for message in report["messages"]:
        if message.get("type") == "info" or HTMX_ATTRIBUTE.search(message["message"]):
            continue
        name = Path(message.get("url", "unknown")).stem
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine', '?')}: {message['message']} "
            f"[{message.get('extract', '').strip()}]"
        )
    return errors


@pytest.fixture
def pages(db) -> dict[str, str]:
    call_command("import_guides", verbosity=0)
    Step.objects.filter(route__provider__slug="kaspersky", route__slug="amazon").update(
        email_subject="Cancel my subscription", email_body="Hello,\n\nPlease cancel it."
    )
    ScamNumber.objects.get_or_create(number=SCAM_SEED["number"], defaults=SCAM_SEED)
    kaspersky = Provider.objects.get(slug="kaspersky")
    OfficialContact.objects.create(
        provider=kaspersky,
        kind="phone",
        value="+1 800 555 0100",
        source_url="https://www.kaspersky.com/contact",
        verified_on=datetime.date(2026, 1, 5),
    )
    client = Client()
    documents = {}
    for name, path in PAGES.items():
        response = client.get(path)
        expected = {"not-found": 404, "check-number-error": 400}.get(name, 200)
        assert response.status_code == expected, path
        documents[name] = response.content.decode()
    for name, path in PARTIALS.items():
        response = client.get(path, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, path
        documents[name] = FRAME.format(response.content.decode())
    # A form shown again with its errors, and the rate limit's page.
    documents["request-errors"] = client.post("/request/", {"name": ""}).content.decode()
    refused = client.get("/reminder/kaspersky/", {"renews": "2027-02-31", "months": "x"})
    assert refused.status_code == 400
    documents["reminder-errors"] = refused.content.decode()
    for _ in range(GUIDE_REQUEST_LIMIT):
        client.post("/request/", {"name": "Zumba"})
    limited = client.post("/request/", {"name": "Zumba"})
    assert limited.status_code == 429
    documents["request-limited"] = limited.content.decode()
    return documents


def test_every_page_type_is_valid_html(java, pages, tmp_path) -> None:
    errors = validate(java, pages, tmp_path)
    assert set(pages) <= set(errors)
    failures = {name: found for name, found in errors.items() if found}
    assert not failures, "\n".join(
        f"{name} ({PAGES.get(name) or PARTIALS.get(name) or name}):\n  " + "\n  ".join(found)
        for name, found in failures.items()
    )


def test_the_checker_does_report_errors(java, tmp_path) -> None:
    """The check can fail: a document with two real errors gets both reported."""
    broken = '<!doctype html><html lang="en"><head><title>x</title></head><body><p><div></p>'
    errors = validate(java, {"broken": broken, "hx": FRAME.format('<p hx-get="/">x</p>')}, tmp_path)
    assert len(errors["broken"]) >= 2, errors
    assert errors["hx"] == []  # hx-* attributes alone are let through
