"""Where a visitor turns when a cancellation did not work: the stores' refund pages, the
card issuers' disputes, and the consumer authorities by region. Each is an official page,
with the page that says so (its source). Pure data and functions; no database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from guides.regions import memberships
from guides.text import domains

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Place:
    """An official page to go to, what it is, and where it is documented."""

    key: str
    name: StrOrPromise  # in the page's language when shown
    url: str
    source: str
    note: StrOrPromise = ""
    # False where nobody could open the page to confirm the address (this site was built
    # offline): the page says so beside the link, and the link checker (guides/links) asks.
    confirmed: bool = True


# The stores' own refund requests. Apple: "Request a refund for apps or content that you
# bought from Apple"; Google: "Learn about refunds on Google Play" (the request is on it).
REFUND_PAGES: dict[str, Place] = {
    "apple": Place(
        key="apple",
        name=_("Apple (App Store, Apple subscriptions)"),
        url="https://reportaproblem.apple.com/",
        source="https://support.apple.com/HT204084",
        note=_("Sign in, choose “Request a refund”, then the charge."),
    ),
    "google": Place(
        key="google",
        name=_("Google Play"),
        url="https://support.google.com/googleplay/answer/2479637",
        source="https://support.google.com/googleplay/answer/2479637",
        note=_("Follow “Request a refund” and choose the charge."),
        confirmed=False,
    ),
}
# A store is known by the registrable domain of its website (a variant's, or its channel's).
STORE_DOMAINS = {"apple.com": "apple", "google.com": "google"}

# Disputing a charge with the bank or card issuer (a "chargeback"), explained officially.
DISPUTE_PAGES: tuple[Place, ...] = (
    Place(
        key="us",
        name=_("United States: the FTC on disputing credit card charges"),
        url="https://www.consumer.ftc.gov/articles/0219-disputing-credit-card-charges",
        source="https://www.consumer.ftc.gov/articles/0219-disputing-credit-card-charges",
    ),
    Place(
        key="gb",
        name=_("United Kingdom: Citizens Advice on getting your money back from your card"),
        url=(
            "https://www.citizensadvice.org.uk/consumer/somethings-gone-wrong-with-a-purchase/"
            "getting-your-money-back-if-you-paid-by-card-or-paypal/"
        ),
        source=(
            "https://www.citizensadvice.org.uk/consumer/somethings-gone-wrong-with-a-purchase/"
            "getting-your-money-back-if-you-paid-by-card-or-paypal/"
        ),
        confirmed=False,
    ),
)

ECC_NET = (
    "https://commission.europa.eu/live-work-travel-eu/consumer-rights-and-complaints/"
    "resolve-your-consumer-complaint/european-consumer-centres-network-ecc-net_en"
)

# The authority to complain to, by the region code it serves (guides/regions.py): a visitor
# sees every entry among their memberships (California: the state's and the country's),
# the most local first.
AUTHORITIES: dict[str, tuple[Place, ...]] = {
    "US-CA": (
        Place(
            key="ca-ag",
            name=_("California Attorney General"),
            url="https://oag.ca.gov/contact/consumer-complaint-against-business-or-company",
            source="https://oag.ca.gov/contact/consumer-complaint-against-business-or-company",
            note=_("A complaint against a business, online."),
            confirmed=False,
        ),
    ),
    "US": (
        Place(
            key="ftc",
            name=_("Federal Trade Commission (FTC)"),
            url="https://reportfraud.ftc.gov/",
            source="https://reportfraud.ftc.gov/",
            note=_("Report a company that keeps charging you."),
        ),
    ),
    "GB": (
        Place(
            key="citizens-advice",
            name=_("Citizens Advice"),
            url="https://www.citizensadvice.org.uk/consumer/get-more-help/report-to-trading-standards/",
            source="https://www.citizensadvice.org.uk/consumer/get-more-help/report-to-trading-standards/",
            note=_("They pass your report on to Trading Standards."),
            confirmed=False,
        ),
    ),
    "DE": (
        Place(
            key="verbraucherzentrale",
            name=_("Verbraucherzentrale (consumer advice centres in Germany)"),
            url="https://www.verbraucherzentrale.de/",
            source="https://www.verbraucherzentrale.de/",
            note=_("Free help and complaints about companies."),
        ),
    ),
    "EU": (
        Place(
            key="ecc-net",
            name=_("European Consumer Centres Network (ECC-Net)"),
            url=ECC_NET,
            source=ECC_NET,
            note=_("Free help when the company is in another country of the EU."),
            confirmed=False,
        ),
    ),
}
# Anywhere else: the international complaint site of consumer authorities.
ELSEWHERE = Place(
    key="econsumer",
    name=_("econsumer.gov (consumer authorities of many countries)"),
    url="https://www.econsumer.gov/",
    source="https://www.econsumer.gov/",
    note=_("Report a company in another country."),
)
# The regions a visitor may choose on the page, when they have not said (guides/regions.py).
REGION_CHOICES = ("US", "US-CA", "GB", "DE", "FR", "ES", "EU", "OTHER")


def store_of(channel) -> str | None:
    """ "apple" or "google" for a channel (or variant) of their stores, else None."""
    while channel is not None:
        store = STORE_DOMAINS.get(domains.registrable_domain(channel.website or "") or "")
        if store:
            return store
        channel = channel.parent if channel.parent_id else None
    return None


def refund_pages(store: str | None) -> list[Place]:
    """Both stores' refund pages, the visitor's own store first."""
    pages = list(REFUND_PAGES.values())
    return sorted(pages, key=lambda place: place.key != store)


def authorities(where: str | None) -> list[Place]:
    """The authorities for a visitor who lives in `where`: none before they say; the
    international one where no national one is listed."""
    if where is None:
        return []
    codes = memberships(where)
    # In the table's order: the most local first (a state's, then its country's, then the EU's).
    found = [place for code, places in AUTHORITIES.items() if code in codes for place in places]
    return found or [ELSEWHERE]
