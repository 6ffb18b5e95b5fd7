"""The check_link task and `manage.py check_links`: what is queued, recorded and retried."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guides.links import fetch, tasks
from guides.models import LinkCheck, LinkOutcome
from tests import factories

pytestmark = pytest.mark.django_db


def queued():
    return sorted(
        (row.task_path, row.args_kwargs["args"], row.run_after)
        for row in DBTaskResult.objects.all()
    )


def test_the_command_queues_each_distinct_address_once(capsys):
    provider = factories.make_provider(
        website="https://acme.example/",
        sources="https://acme.example/help/cancel\n\nhttps://acme.example/terms\n",
    )
    route = factories.make_route(provider)
    factories.make_step(
        route=route,
        link_url="https://acme.example/account",
        source_url="https://acme.example/help/cancel",
    )
    factories.make_step(route=route, link_url="https://acme.example/account")
    factories.make_note(provider, source_url="https://acme.example/refunds")
    factories.make_question(provider, source_url="https://acme.example/faq")
    factories.make_contact(
        provider=provider,
        kind="chat",
        value="https://acme.example/chat",
        source_url="https://acme.example/contact",
    )
    factories.make_contact(
        provider=provider,
        kind="email",
        value="help@acme.example",
        source_url="https://acme.example/contact",
    )
    factories.make_channel(
        website="https://store.example/", sources="https://store.example/help\nnot a link"
    )
    call_command("check_links")
    expected = [
        "https://acme.example/",
        "https://acme.example/account",
        "https://acme.example/chat",
        "https://acme.example/contact",
        "https://acme.example/faq",
        "https://acme.example/help/cancel",
        "https://acme.example/refunds",
        "https://acme.example/terms",
        "https://store.example/",
        "https://store.example/help",
    ]
    rows = queued()
    assert [args for _, args, _ in rows] == [[url] for url in expected]
    assert {path for path, _, _ in rows} == {"guides.links.tasks.check_link"}
    assert "Queued 10 link checks." in capsys.readouterr().out


def test_a_check_is_recorded(monkeypatch):
    monkeypatch.setattr(
        fetch,
        "check",
        lambda url: fetch.Result(
            LinkOutcome.MOVED, 200, "https://new.example/", "https://new.example/", "Moved"
        ),
    )
    assert tasks.run_check("https://old.example/") == LinkOutcome.MOVED
    check = LinkCheck.objects.get()
    assert (check.url, check.outcome, check.status_code, check.moved_to) == (
        "https://old.example/",
        LinkOutcome.MOVED,
        200,
        "https://new.example/",
    )
    assert DBTaskResult.objects.count() == 0


def test_a_passing_failure_is_retried_later_then_recorded(monkeypatch, settings):
    settings.LINK_CHECK_RETRY_DELAY = 60
    monkeypatch.setattr(
        fetch,
        "check",
        lambda url: fetch.Result(
            LinkOutcome.CANT_TELL, reason="No answer within 10 s", transient=True
        ),
    )
    before = timezone.now()
    tasks.run_check("https://slow.example/")
    assert not LinkCheck.objects.exists()
    [(_, args, run_after)] = queued()
    assert args == ["https://slow.example/", 2]
    assert before + timedelta(seconds=60) <= run_after <= timezone.now() + timedelta(seconds=60)

    DBTaskResult.objects.all().delete()
    tasks.run_check("https://slow.example/", 2)
    [(_, args, run_after)] = queued()
    assert args == ["https://slow.example/", 3]
    assert run_after >= before + timedelta(seconds=120)

    DBTaskResult.objects.all().delete()
    assert tasks.run_check("https://slow.example/", 3) == LinkOutcome.CANT_TELL
    assert not DBTaskResult.objects.exists()
    check = LinkCheck.objects.get()
    assert check.reason == "No answer within 10 s (3 attempts)"


def test_a_sure_answer_is_not_retried(monkeypatch):
    monkeypatch.setattr(
        fetch, "check", lambda url: fetch.Result(LinkOutcome.BROKEN, 404, url, "", "404 Not Found")
    )
    tasks.run_check("https://acme.example/gone")
    assert not DBTaskResult.objects.exists()
    assert LinkCheck.objects.get().reason == "404 Not Found"


def test_an_error_of_the_checker_is_retried_then_recorded(monkeypatch):
    def boom(url):
        raise ValueError("unexpected")

    monkeypatch.setattr(fetch, "check", boom)
    tasks.run_check("https://acme.example/")
    assert DBTaskResult.objects.count() == 1 and not LinkCheck.objects.exists()
    with pytest.raises(tasks.CheckFailed, match=r"acme\.example/: ValueError: unexpected"):
        tasks.run_check("https://acme.example/", 3)  # the task fails: editors see it
    check = LinkCheck.objects.get()
    assert check.outcome == LinkOutcome.CANT_TELL
    assert check.reason == "The check failed: ValueError: unexpected (3 attempts)"


def test_the_task_runs_the_check_against_a_real_site(site):
    base, _ = site
    result = tasks.check_link.using(backend="immediate").enqueue(f"{base}/gone")
    assert result.return_value == LinkOutcome.BROKEN
    check = LinkCheck.objects.get()
    assert (check.url, check.status_code, check.reason) == (f"{base}/gone", 404, "404 Not Found")


def test_the_command_does_not_queue_an_address_whose_check_is_waiting(capsys):
    factories.make_provider(website="https://acme.example/", sources="https://acme.example/help")
    call_command("check_links")
    assert "Queued 2 link checks." in capsys.readouterr().out
    call_command("check_links")  # both still queued: nothing more
    assert "Queued 0 link checks. 2 already queued or running" in capsys.readouterr().out
    assert len(queued()) == 2
    # One is running, the other done: only the finished one is queued again.
    running, done = DBTaskResult.objects.order_by("args_kwargs")
    running.claim("worker-1")
    done.set_successful("ok")
    call_command("check_links")
    assert "Queued 1 link checks. 1 already queued or running" in capsys.readouterr().out
    assert [args for _, args, _ in queued()].count(done.args_kwargs["args"]) == 2
    assert [args for _, args, _ in queued()].count(running.args_kwargs["args"]) == 1
    # A check "running" for hours was lost: queued again.
    DBTaskResult.objects.filter(pk=running.pk).update(
        started_at=timezone.now() - tasks.STUCK_AFTER - timedelta(minutes=1)
    )
    call_command("check_links")  # (the other one is queued again since the last run)
    assert "Queued 1 link checks. 1 already queued or running" in capsys.readouterr().out
    assert [args for _, args, _ in queued()].count(running.args_kwargs["args"]) == 2
    # A retry waiting for its time counts as queued.
    DBTaskResult.objects.all().delete()
    tasks.check_link.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(
        "https://acme.example/", 2
    )
    call_command("check_links")
    assert "Queued 1 link checks. 1 already queued or running" in capsys.readouterr().out


def test_the_summary_counts_the_links_by_kind_and_health(capsys):
    provider = factories.make_provider(
        website="https://acme.example/", sources="https://acme.example/help\nnot a link"
    )
    route = factories.make_route(provider)
    factories.make_step(
        route=route, link_url="https://acme.example/account", source_url="https://acme.example/help"
    )
    factories.make_contact(
        provider=provider,
        kind="web_form",
        value="https://acme.example/form",
        source_url="https://acme.example/help",
    )
    factories.make_contact(provider=provider, kind="email", value="a@acme.example")
    LinkCheck.objects.create(url="https://acme.example/", outcome=LinkOutcome.OK)
    LinkCheck.objects.create(
        url="https://acme.example/help",
        outcome=LinkOutcome.MOVED,
        moved_to="https://acme.example/support",
    )
    LinkCheck.objects.create(url="https://acme.example/account", outcome=LinkOutcome.BROKEN)
    call_command("check_links", "--summary")
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "Distinct web addresses in the guides: 5",
        "  website: 1",
        "  link: 1",
        "  contact: 1",
        "  source: 2",
        "Health:",
        "  ok: 1",
        "  moved: 1",
        "  broken: 0",
        "  cant_tell: 1",  # one 404: rechecked before it is called broken
        "  unchecked: 2",
    ]
    assert not DBTaskResult.objects.exists()  # --summary queues nothing
