"""No step of the shipped guides tells the visitor to contact someone without a contact to
go to (issue 14): every step whose English title or body says "contact …", "call …", "chat
with …", "get in touch" (guides/text/contacting.py lists the patterns) names a contact that
visitors see: a verified one, or a web form or chat on its owner's own domain. Every route,
channel and variant is read, wherever its steps apply."""

from __future__ import annotations

import pytest

from guides.files.importer import import_paths
from guides.models import Step
from guides.regions import applies, codes_of
from guides.text.contacting import contact_phrases, sends_to_own_papers, tells_to_contact


@pytest.mark.parametrize(
    "text",
    [
        "Contact Best Buy customer service with your order number.",
        "If that fails, contact your bank or card issuer.",
        "contact the company's customer service and ask them to remove it",
        "Call the number on the back of your card.",
        "Chat with an agent on the support site.",
        "Write to the data protection officer.",
        "Email them your order number.",
        "Get in touch with the store.",
        "Reach out to the reseller.",
        "Ask customer service to cancel it.",
        "Use the live chat.",
        "The support team can cancel it for you.",
        "Phone Costco and give your membership number.",
        "Contacting Kaspersky support is the last resort.",
    ],
)
def test_the_detector_finds_an_instruction_to_contact_someone(text):
    assert tells_to_contact(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Do not call a support number from a search result or an ad.",
        "Don't contact anyone who offers a refund by phone.",
        "Never call a number shown in a pop-up.",
        "Only use contact details from the company's own website.",
        "The partner's page explains who to contact.",
        "Open Settings and tap your name.",
        "If a call goes that way, hang up.",
        "You can cancel without contacting anyone.",
        "Your contact preferences are under Account.",
        "The recall notice is on the website.",
        "Choose Cancel subscription and confirm.",
        "The account page shows a link, or instructions to contact the partner.",
    ],
)
def test_the_detector_leaves_other_text_alone(text):
    assert not tells_to_contact(text), (text, contact_phrases(text))


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("Contact your bank, using the number on your card.", True),
        ("Call the number on the back of your card.", True),
        ("Look in your account with the provider or contact its customer service.", True),
        ("Sign in to your account on the phone company's website.", True),
        ("Contact Kaspersky support.", False),
        ("Contact your bank.", False),
        ("Open your account and contact the company.", False),
    ],
)
def test_a_step_may_send_the_visitor_to_their_own_papers(text, own):
    """Their bank's or phone company's details are on their card, bill or account: the
    guide cannot know that company, and the step says where to look."""
    assert sends_to_own_papers(text) is own


def where(step: Step) -> str:
    if step.route_id:
        return f"provider {step.route.provider.slug}, answer {step.route.label!r}"
    return f"channel {step.channel}"


def step_regions(step: Step) -> frozenset[str]:
    """Where a step is shown: its own regions, else its variant's or its answer's (empty:
    everywhere)."""
    for regions in (
        step.regions,
        step.channel.regions if step.channel_id else (),
        step.route.regions if step.route_id else (),
    ):
        if regions:
            return codes_of(regions)
    return frozenset()


def contact_reaches(step: Step) -> bool:
    """Whether the step's contact is shown wherever the step is: a contact meant for some
    places only leaves a step shown elsewhere with nowhere to go."""
    assert step.contact is not None
    if not step.contact.regions:
        return True
    where = step_regions(step)
    return bool(where) and all(applies(step.contact.regions, code) for code in where)


def test_every_step_that_says_to_contact_someone_names_a_shown_contact(db):
    import_paths()
    steps = Step.objects.select_related(
        "route__provider", "channel__parent", "contact__provider", "contact__channel__parent"
    )
    checked, missing = 0, []
    for step in steps:
        text = f"{step.title}\n{step.body}"
        phrases = contact_phrases(text)
        if not phrases or (step.contact is None and sends_to_own_papers(text)):
            continue
        checked += 1
        if step.contact is None:
            missing.append(f"{where(step)}: “{step.title}” says {phrases} but names no contact")
        elif not step.contact.shown:
            missing.append(
                f"{where(step)}: “{step.title}” names {step.contact.value}, which visitors "
                "do not see (not verified, and not a web page on its owner's own domain)"
            )
        elif not contact_reaches(step):
            missing.append(
                f"{where(step)}: “{step.title}” is shown where its contact "
                f"({step.contact.value}, only in {sorted(codes_of(step.contact.regions))}) "
                "is not: give the step the contact's regions"
            )
    assert not missing, "\n".join(missing)
    assert checked >= 3  # the detector reads the content at all
