"""Fixtures of the API's tests."""

import pytest

from guides.models import Provider, Step
from tests import factories
from tests.files.test_import import SAMPLE
from tests.recorded import load_guides


@pytest.fixture
def guides(db):
    """The sample guide (acme: website → region, app store with variants, amazon), and
    beside it a second published provider, a draft, and an unverified contact."""
    load_guides(str(SAMPLE))
    acme = Provider.objects.get(slug="acme")
    unverified = factories.make_contact(provider=acme, value="https://example.com/acme/unchecked")
    Step.objects.filter(title="Open My Acme").update(contact=unverified)
    news = factories.make_category(slug="news", name="News")
    factories.make_provider(
        slug="daily", name="Daily Paper", category=news, aliases="DP\nThe Daily"
    )
    factories.make_provider(slug="secret", name="Secret Draft", category=news, status="draft")
    return acme
