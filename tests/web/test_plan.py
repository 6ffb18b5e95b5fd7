"""My cancellation plan (/plan/): its address round-trips, the page is rendered from the
address alone, and an address that is corrupt, too long or names unknown guides shows what
it could read and says what it could not, by position, without echoing it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guides.models import Provider
from guides.web.plan import MAX_GUIDES, Entry, build, parse, parse_entry
from tests.recorded import load_guides

KASPERSKY = "kaspersky/apple-app-store/iphone-ipad"
NETFLIX = "netflix/apple-app-store/iphone-ipad"
SPOTIFY = "spotify/google-play"


@pytest.fixture
def shipped(db):
    load_guides()


def query_values(query: str) -> list[str]:
    from urllib.parse import parse_qs

    return parse_qs(query, keep_blank_values=True)["g"]


# -- the address ------------------------------------------------------------------------------


def test_entries_round_trip_through_the_address():
    entries = [
        Entry("kaspersky", "apple-app-store/iphone-ipad"),
        Entry("netflix", "website", "DE", frozenset({3, 15, 7})),
        Entry("spotify", "", "US-CA"),
        Entry("norton", "amazon", None, frozenset({1})),
    ]
    query = build(entries)
    assert query.startswith("g=kaspersky/apple-app-store/iphone-ipad&g=netflix/website~de~3.7.15")
    assert parse(query_values(query)).entries == entries


slugs = st.from_regex(r"[a-z0-9][-a-z0-9_]{0,20}", fullmatch=True)


@given(
    provider=slugs,
    answers=st.lists(slugs, max_size=4),
    region=st.sampled_from([None, "DE", "US", "US-CA", "EU", "OTHER"]),
    done=st.frozensets(st.integers(min_value=0, max_value=10**9), max_size=10),
)
def test_any_entry_round_trips(provider, answers, region, done):
    entry = Entry(provider, "/".join(answers), region, done)
    assert parse(query_values(build([entry]))).entries == [entry]


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        (
            "https://example.com/de/cancel/netflix/website/?region=de",
            Entry("netflix", "website", "DE"),
        ),
        ("/cancel/kaspersky/amazon/", Entry("kaspersky", "amazon")),
        ("New York Times", Entry("new-york-times")),
        ("Netflix", Entry("netflix")),
    ],
)
def test_a_pasted_address_or_a_name_is_read(pasted, expected):
    assert parse_entry(pasted) == expected


@pytest.mark.parametrize(
    "junk",
    [
        "kaspersky/../etc",
        "kaspersky/x~zz",  # no such region
        "kaspersky/x~1.2~3",  # done steps twice
        "<script>alert(1)</script>",
        "kaspersky/\x00x",
        "😀/x",
        "a/" * 200,
        "https://example.com/search/?q=x",
        "/cancel/x/?region=nowhere",
        "kaspersky~" + ".".join(["1"] * 100),
    ],
)
def test_junk_is_unreadable(junk):
    assert parse_entry(junk) is None
    parsed = parse(["kaspersky/amazon", junk])
    assert parsed.entries == [Entry("kaspersky", "amazon")]
    assert parsed.unreadable == [2]


def test_each_guide_is_kept_once_and_at_most_max_guides():
    values = [f"p{n}/x" for n in range(MAX_GUIDES + 5)]
    parsed = parse(["p0/x", *values])
    assert len(parsed.entries) == MAX_GUIDES
    assert parsed.too_many


# -- the page ---------------------------------------------------------------------------------


def test_the_plan_page_shows_three_guides_from_the_address_alone(client, shipped):
    response = client.get(f"/plan/?g={KASPERSKY}&g={NETFLIX}&g={SPOTIFY}")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Kaspersky", "Netflix", "Spotify"):
        assert f"<h2>{name}</h2>" in html
    assert f'href="/cancel/{KASPERSKY}/"' in html
    assert f'href="/cancel/{KASPERSKY}/#reminder"' in html
    # the reminder the link points at is on that page
    assert 'id="reminder"' in client.get(f"/cancel/{KASPERSKY}/").content.decode()
    assert "0 of " in html and "Next:" in html
    assert "noindex" in html
    assert "could not" not in html


def test_done_steps_in_the_address_count_and_move_next_on(client, shipped):
    from guides.web.plan import _planned  # noqa: F401  (the page's own reading)

    first = client.get(f"/plan/?g={KASPERSKY}").content.decode()
    ids = [int(part.split('"')[0]) for part in first.split('data-step="step-')[1:]]
    assert len(ids) >= 2
    response = client.get(f"/plan/?g={KASPERSKY}~{ids[0]}")
    html = response.content.decode()
    assert f"1 of {len(ids)} steps done" in html
    next_line = html.split('class="plan-next"')[1].split("</p>")[0]
    assert f"#step-{ids[1]}" in next_line
    everything = ".".join(str(pk) for pk in ids)
    html = client.get(f"/plan/?g={KASPERSKY}~{everything}").content.decode()
    assert "Every step of your plan is done." in html


def test_unknown_and_corrupt_parts_are_named_by_position_and_never_echoed(client, shipped):
    hostile = "<script>alert(1)</script>"
    sql = "'; DROP TABLE guides_provider; --"  # read as a name: a guide that is not found
    scam = "1-855-737-0477"
    response = client.get(
        "/plan/",
        {
            "g": [
                KASPERSKY,
                hostile,
                "no-such-provider/x",
                f"{scam}/website",
                NETFLIX,
                "netflix/nope",
                sql,
            ]
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>Kaspersky</h2>" in html and "<h2>Netflix</h2>" in html
    assert "Part 2 of this address could not be read." in html
    # Positions among the readable guides.
    assert "Guides 2, 3, 5, 6 of this plan were not found" in html
    assert hostile not in html and "alert(1)" not in html
    assert scam not in html and "8557370477" not in html


def test_a_question_left_unanswered_links_to_it(client, shipped):
    html = client.get("/plan/?g=kaspersky").content.decode()
    assert "needs one more answer" in html
    assert 'href="/cancel/kaspersky/"' in html


def test_too_many_guides_are_cut_and_said(client, shipped):
    names = list(Provider.objects.values_list("slug", flat=True))
    values = [f"{name}/x{n}" for n in range(3) for name in names][: MAX_GUIDES + 3]
    response = client.get("/plan/", {"g": values})
    assert response.status_code == 200
    assert f"only the first {MAX_GUIDES}".lower() in response.content.decode().lower()


@pytest.mark.parametrize(
    "query",
    ["g=" + "x" * 10_000, "g=%00", "g=%F0%9F%98%80", "g=%ZZ", "g", "g=&g=&g=", "x=1"],
)
def test_bad_addresses_never_fail(client, shipped, query):
    response = client.get(f"/plan/?{query}")
    assert response.status_code == 200


def test_removing_a_guide_keeps_the_others(client, shipped):
    html = client.get(f"/plan/?g={KASPERSKY}~de&g={SPOTIFY}").content.decode()
    assert f'href="/plan/?g={SPOTIFY}"' in html
    assert f'href="/plan/?g={KASPERSKY}~de"' in html
    alone = client.get(f"/plan/?g={SPOTIFY}").content.decode()
    assert 'href="/plan/?g="' in alone  # an empty plan, not the one kept in the browser


def test_the_plan_page_in_german(client, shipped):
    response = client.get(f"/de/plan/?g={KASPERSKY}")
    assert response.status_code == 200
    assert f'href="/de/cancel/{KASPERSKY}/"' in response.content.decode()


def test_the_add_form_keeps_the_plan_and_adds_a_guide(client, shipped):
    html = client.get(f"/plan/?g={KASPERSKY}").content.decode()
    assert f'<input type="hidden" name="g" value="{KASPERSKY}">' in html
    response = client.get(
        "/plan/", {"g": [KASPERSKY, "https://x.example/cancel/spotify/google-play/"]}
    )
    assert "<h2>Spotify</h2>" in response.content.decode()


def test_query_budget_is_per_guide_not_per_step(client, shipped, django_assert_max_num_queries):
    from guides.caching import memory

    one = f"/plan/?g={KASPERSKY}"
    three = f"/plan/?g={KASPERSKY}&g={NETFLIX}&g={SPOTIFY}"
    with django_assert_max_num_queries(8):
        client.get(one)
    memory.guides.clear()
    with django_assert_max_num_queries(8 * 3):
        client.get(three)
    # Kept in memory, a plan costs nothing more to show.
    with django_assert_max_num_queries(2):
        client.get(three)


def test_every_steps_page_offers_the_plan_and_the_record(client, shipped):
    html = client.get(f"/cancel/{KASPERSKY}/?region=de").content.decode()
    assert f'href="/plan/?g={KASPERSKY}~de"' in html
    assert f'data-plan-entry="{KASPERSKY}~de"' in html
    assert f'href="/record/{KASPERSKY}/?region=de"' in html
    question = client.get("/cancel/kaspersky/").content.decode()
    assert "add-to-plan" not in question
