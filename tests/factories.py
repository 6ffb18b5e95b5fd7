"""Small factories for test data: plain functions with sensible defaults, no extra library."""

from __future__ import annotations

import itertools
from pathlib import Path

from guides.models import (
    Category,
    ChannelKind,
    Feedback,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    Route,
    Status,
    Step,
)

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def make_category(**kwargs) -> Category:
    n = _n()
    kwargs.setdefault("name", f"Category {n}")
    kwargs.setdefault("slug", f"category-{n}")
    return Category.objects.create(**kwargs)


def make_provider(**kwargs) -> Provider:
    n = _n()
    kwargs.setdefault("name", f"Provider {n}")
    kwargs.setdefault("slug", f"provider-{n}")
    kwargs.setdefault("status", Status.PUBLISHED)
    if "category" not in kwargs:
        kwargs["category"] = make_category()
    return Provider.objects.create(**kwargs)


def make_channel(**kwargs) -> PurchaseChannel:
    n = _n()
    kwargs.setdefault("name", f"Channel {n}")
    kwargs.setdefault("slug", f"channel-{n}")
    kwargs.setdefault("kind", ChannelKind.RETAILER)
    if "position" not in kwargs:
        kwargs["position"] = n
    return PurchaseChannel.objects.create(**kwargs)


def make_route(provider: Provider, **kwargs) -> Route:
    n = _n()
    kwargs.setdefault("label", f"Answer {n}")
    kwargs.setdefault("slug", f"answer-{n}")
    kwargs.setdefault("position", n)
    return Route.objects.create(provider=provider, **kwargs)


def make_step(*, route: Route | None = None, channel: PurchaseChannel | None = None, **kwargs):
    n = _n()
    kwargs.setdefault("title", f"Step {n}")
    kwargs.setdefault("position", n)
    return Step.objects.create(route=route, channel=channel, **kwargs)


def make_contact(**kwargs) -> OfficialContact:
    kwargs.setdefault("kind", "web_form")
    kwargs.setdefault("value", f"https://example.com/contact/{_n()}")
    kwargs.setdefault("source_url", "https://example.com/official")
    return OfficialContact.objects.create(**kwargs)


def make_note(provider: Provider, **kwargs) -> ProviderNote:
    n = _n()
    kwargs.setdefault("kind", "before")
    kwargs.setdefault("title", f"Note {n}")
    kwargs.setdefault("position", n)
    return ProviderNote.objects.create(provider=provider, **kwargs)


def make_question(provider: Provider, **kwargs) -> Question:
    n = _n()
    kwargs.setdefault("question", f"Question {n}?")
    kwargs.setdefault("answer", f"Answer {n}.")
    kwargs.setdefault("position", n)
    return Question.objects.create(provider=provider, **kwargs)


def make_feedback(route: Route, **kwargs) -> Feedback:
    """A visitor's answer about `route` (by default: it worked), given now."""
    kwargs.setdefault("kind", "worked")
    kwargs.setdefault("route_path", route.slug)
    created_at = kwargs.pop("created_at", None)
    item = Feedback.objects.create(provider=route.provider, route=route, **kwargs)
    if created_at is not None:  # auto_now_add ignores a value given to create()
        Feedback.objects.filter(pk=item.pk).update(created_at=created_at)
        item.refresh_from_db()
    return item


def make_staff(username: str, group: str | None = None, **kwargs):
    """A staff user, in the "Editors" or "Publishers" group made by migration 0006."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "pw", is_staff=True
    )
    if group:
        user.groups.add(Group.objects.filter(name=group).first() or _make_group(group))
    return user


def _make_group(name: str):
    """The group as migration 0006 makes it: a live-server test empties the database (its
    rows included), so a browser test after one finds no groups."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    roles = importlib.import_module("guides.migrations.0006_editor_groups")
    codenames = roles.editor_codenames()
    if name == "Publishers":
        codenames = [*codenames, *roles.PUBLISHER_ONLY]
    group = Group.objects.create(name=name)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="guides", codename__in=codenames)
    )
    return group


def confirmed_totp_device(user):
    """The user's confirmed authenticator-app device, made if the user has none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    return device


def current_totp(device) -> str:
    """The code the device's authenticator app shows now."""
    from django_otp.oath import totp

    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(code).zfill(device.digits)


def login(client, user) -> None:
    """Sign a staff user in to the test client, as the admin's login would, with the login
    confirmed by an authenticator-app code (a confirmed device is made for the user if needed)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    if user.is_staff:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = confirmed_totp_device(user).persistent_id
        session.save()


def reimport_sample(tmp_path, summary: str) -> None:
    """Import tests/data/sample.yaml again, with its provider's summary changed: an edit made
    by import_guides rather than in the admin."""
    import yaml
    from django.core.management import call_command

    data = yaml.safe_load(Path("tests/data/sample.yaml").read_text())
    data["providers"][0]["summary"] = summary
    path = tmp_path / "new.yaml"
    path.write_text(yaml.safe_dump(data))
    call_command("import_guides", str(path), "--replace", verbosity=0)
