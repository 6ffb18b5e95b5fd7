"""Issue 14: everyone bought something in the App Store has an answer to "Where do you manage
your Apple subscriptions?" (a Windows PC, an Apple TV, an Android phone, only a browser, not
only an iPhone or a Mac), and each answer leads to sourced steps, in English and German."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from guides.models import PurchaseChannel, Step
from tests.recorded import load_guides

CHOICE = re.compile(r'<a class="choice" href="/(?:de/)?cancel/kaspersky/apple-app-store/([\w-]+)/"')
STEP = re.compile(r'<li class="step step-\w+" id="step-(\d+)"')


@pytest.fixture
def shipped(db):
    load_guides()


@pytest.mark.parametrize("prefix", ["", "/de"])
def test_every_device_and_a_browser_are_answers_with_steps(shipped, prefix):
    client = Client()
    question = client.get(f"{prefix}/cancel/kaspersky/apple-app-store/").content.decode()
    offered = CHOICE.findall(question)
    assert offered == ["iphone-ipad", "mac", "windows", "apple-tv", "android", "web"]
    store = PurchaseChannel.objects.get(slug="apple-app-store")
    for slug in offered:
        variant = store.variants.get(slug=slug)
        assert not variant.regions  # offered everywhere: no "Where do you live?" before it
        page = client.get(f"{prefix}/cancel/kaspersky/apple-app-store/{slug}/")
        assert page.status_code == 200, slug
        shown = {int(pk) for pk in STEP.findall(page.content.decode())}
        own = set(variant.steps.values_list("pk", flat=True))
        assert len(own) >= 3 and own <= shown, slug
        assert all(step.source_url for step in Step.objects.filter(pk__in=own)), slug
