"""The phone guard by construction: every text field of every guide model refuses the scam
number of the research material, in every spelling a person would still read as a number.

The fields are not listed here: the test enumerates the models of the guides app and their
fields itself, so a field or a model added later is covered, or this test fails.
"""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from guides.models import (
    Category,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    RightsNote,
    Route,
    StatementDescriptor,
    Step,
    VisibleText,
    visible_text_fields,
)
from guides.models.translated import translated_fields, translation_columns
from tests import factories
from tests.text.test_phones import SCAM_E164, SCAM_WRITINGS

# Texts that visitors send in, read only by editors in the admin: not shown to visitors.
VISITOR_SUBMITTED = {"Feedback", "GuideRequest"}
# Records staff alone read. A revision's document is what went live: loaded into the guarded
# models above, every row checked again (tests/test_publishing.py). A link check records what
# a site answered, not a text of a guide.
# A scam number is itself a number, never shown to visitors (the number check names only
# the company it pretends to be, whose field refuses a number: tests/web/test_number_check).
# The change log names parts of the site (guides/caching/versions.py), never a text.
STAFF_RECORDS = {
    "GuideRevision",
    "ChannelRevision",
    "LinkCheck",
    "LinkHost",
    "ScamNumber",
    "ContentChange",
}

# The spellings of issue 11, beside the older ones of test_phones.
SPELLINGS = [
    "1-855-**737**-0477",
    "1-855-_737_-0477",
    "1-855-`737`-0477",
    "1-855-<strong>737</strong>-0477",
    "1\\-855\\-737\\-0477",
    "1-855-PES-0477",  # keypad letters
    "1-8SS-737-O477",  # look-alike letters
    "1-8\u0405\u0405-737-\u041e477",  # Cyrillic look-alikes
    "one eight five five seven three seven zero four seven seven",
    "one eight double five seven three seven oh four seven seven",
    "eins acht fünf fünf sieben drei sieben null vier sieben sieben",
    "un huit cinq cinq sept trois sept zéro quatre sept sept",
    "uno ocho cinco cinco siete tres siete cero cuatro siete siete",
]
ALL_SPELLINGS = SPELLINGS + SCAM_WRITINGS


def guide_models() -> list[type[models.Model]]:
    return list(apps.get_app_config("guides").get_models())


def test_every_guide_model_is_guarded_or_visitor_submitted():
    for model in guide_models():
        guarded = issubclass(model, VisibleText)
        unguarded = model.__name__ in VISITOR_SUBMITTED | STAFF_RECORDS
        assert guarded != unguarded, model.__name__


def test_every_text_field_is_in_the_guarded_set():
    """Each character or text field is guarded, but those with fixed choices; a translated
    text's English column (`title_en`) as the text itself (`title`, which reads it), and
    every translation (`title_de`, …) as itself."""
    for model in guide_models():
        if not issubclass(model, VisibleText):
            continue
        texts = {
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        }
        english = {f"{field}_en": field for field in translated_fields(model)}
        guarded = set(visible_text_fields(model))
        assert texts and guarded == texts - set(english), model.__name__
        assert set(english.values()) <= guarded, model.__name__
        assert set(translation_columns(model)) <= guarded, model.__name__
    assert {"name", "slug", "aliases", "sources", "website"} <= set(visible_text_fields(Provider))
    assert {"name", "description"} <= set(visible_text_fields(Category))
    assert {"label", "source_url", "value"} <= set(visible_text_fields(OfficialContact))


def valid_instances() -> dict[type, models.Model]:
    """One valid, saved instance of each guarded model, with a verified number of its own
    (a fictional one) so that the guard compares rather than refuses everything."""
    provider = factories.make_provider(name="Acme Antivirus", slug="acme", website="")
    factories.make_contact(
        provider=provider,
        kind="phone",
        value="+1 800 555 0100",
        verified_on=datetime.date(2026, 1, 5),
        source_url="https://acme.example/contact",
    )
    channel = factories.make_channel(name="Store", slug="store")
    route = factories.make_route(provider, label="Website", slug="website")
    step = factories.make_step(route=route, title="Open Billing", position=1)
    email = factories.make_contact(
        provider=provider,
        kind="email",
        value="help@acme.example",
        source_url="https://acme.example/contact",
    )
    return {
        Category: provider.category,
        Provider: provider,
        PurchaseChannel: channel,
        Route: route,
        Step: step,
        OfficialContact: email,
        ProviderNote: factories.make_note(provider, title="Before", position=1),
        Question: factories.make_question(provider, question="Can I?", position=1),
        RightsNote: RightsNote.objects.create(
            slug="eu-withdrawal", region="EU", title="Withdraw", source_url="https://eu.example/"
        ),
        StatementDescriptor: StatementDescriptor.objects.create(
            provider=provider,
            pattern="ACME*",
            example="ACME*ANTIVIRUS",
            source_url="https://acme.example/billing",
        ),
    }


def bare_digits(spelling: str) -> bool:
    """A run of digits and nothing a reader sees between them: in a web address, that is an
    id (…/kb/18557370477), which the guard lets pass by design."""
    shown = unicodedata.normalize("NFKC", spelling)
    return "".join(ch for ch in shown if unicodedata.category(ch) != "Cf").isdigit()


def value_for(field: models.Field, spelling: str) -> str | None:
    """The spelling as this field would hold it: in an address, in a slug, or as text."""
    words = any(len(part) > 1 and part.isalpha() for part in spelling.split())
    tight = ("-" if words else "").join(spelling.split())
    if isinstance(field, models.URLField) and bare_digits(tight):
        return None
    if isinstance(field, models.URLField):
        return f"https://acme.example/help/{tight}"
    if isinstance(field, models.SlugField):
        return f"call-{tight}".lower()
    if isinstance(field, models.EmailField):
        return f"{tight}@acme.example"
    return f"Call {spelling} now"


def guard_errors(obj) -> dict[str, list[str]]:
    try:
        obj.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def test_the_models_cover_every_guarded_model(db):
    assert set(valid_instances()) == {m for m in guide_models() if issubclass(m, VisibleText)}


@pytest.mark.parametrize("spelling", ALL_SPELLINGS)
def test_every_field_refuses_the_scam_number(db, spelling):
    instances = valid_instances()
    missed = []
    for model, obj in instances.items():
        assert not guard_errors(obj), (model.__name__, guard_errors(obj))
        for name in visible_text_fields(model):
            field = model._meta.get_field(name)
            kept = getattr(obj, name)
            value = value_for(field, spelling)
            if value is None:
                continue
            if field.max_length and len(value) > field.max_length:
                # a short field (a descriptor's pattern): the spelling alone, whole, or
                # nothing (a number cut short is no number)
                value = spelling if len(spelling) <= field.max_length else None
                if value is None:
                    continue
            setattr(obj, name, value)
            errors = guard_errors(obj).get(name, []) + guard_errors(obj).get("__all__", [])
            if not any("phone number" in message for message in errors):
                missed.append(f"{model.__name__}.{name}")
            setattr(obj, name, kept)
    assert missed == []


def test_the_verified_number_still_passes_in_every_spelling(db):
    """The guard compares: the provider's own verified number passes, however written."""
    provider = factories.make_provider(name="Acme", slug="acme")
    factories.make_contact(
        provider=provider,
        kind="phone",
        value="1-855-737-0477",
        verified_on=datetime.date(2026, 1, 5),
        source_url="https://acme.example/contact",
    )
    route = factories.make_route(provider, label="Phone", slug="phone")
    for spelling in SPELLINGS:
        Step(route=route, position=1, title="Call", body=f"Call {spelling}.").full_clean()
    assert SCAM_E164 == "+18557370477"


def test_a_category_carries_no_number_at_all(db):
    category = Category(name="Call 1-800-555-0100", slug="c")
    errors = guard_errors(category)
    assert "has no contacts of its own" in errors["name"][0]
