"""Generate a deterministic corpus of realistic campaign files for benchmarks.

Usage::

    python bench/corpus.py --count 10000 --out bench/corpus/10k [--seed 1] [--personas]

writes ``OUT/campaign-lint.yaml`` (a policy that extends ``recommended`` and
globs ``campaigns/**/*.yaml``; with ``--personas``, three personas whose
``expects`` are of both kinds, FRQ005's and TIM005's) and
``OUT/campaigns/<subdir>/<id>.yaml``, spread over 20 sub-directories. Each file is a hand-written-looking campaign of about
40-60 lines (about 1.4 KB) with comments, flow and block collections, and
anchors/aliases in some files (``stop_when: &stops [...]``, ``*window``, merge
keys).

What is in the corpus:

* about 3% of files are invalid on purpose: YAML syntax errors, a duplicate
  key, an unknown key (``frequncy``), a bad duration (``7days``), a wrong enum
  value (``channel: e-mail``) and other bad values;
* many valid files break lint rules the way real campaigns do: caps above the
  channel cap, sms without ``send_window``, only opens/clicks as metrics, a
  review request triggered on ``order.shipped``, missing ``customer_value``,
  ``segment: all`` with no exclusions, shaming decline labels, etc.;
* a few campaign ids are reused in another directory (duplicate ids).

Only ``random.Random(seed)`` drives the choices, so the same arguments give
byte-identical files. Each file draws from its own generator seeded from the
master one, so the first N files of a larger corpus equal a corpus of N files.
The output's ``campaigns`` directory is replaced on every run.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# The benchmark's policy: the recommended profile plus five custom CEL rules,
# as an organisation would add them (issue 6 measures with exactly this).
POLICY = """\
version: 1
extends: recommended
campaigns: ["campaigns/**/*.yaml"]
custom_rules:
  - id: ORG001
    description: Every campaign names its cost centre.
    assert: "'x-cost-center' in campaign && campaign['x-cost-center'].startsWith('CC-')"
    message: "campaign {id} has no x-cost-center starting with CC-"
  - id: ORG002
    description: SMS campaigns send at most twice a week.
    when: campaign.channel == 'sms'
    assert: "campaign.frequency.max <= 2"
    message: "SMS campaign {id} may send more than twice a week"
    path: frequency.max
  - id: ORG003
    severity: warning
    description: Promotions keep a holdout to measure lift.
    when: campaign.type == 'promotional'
    assert: "'holdout' in campaign"
    message: "promotion {id} has no holdout"
  - id: ORG004
    description: Owners are named people or team addresses, not blank.
    assert: "size(campaign.owner) > 3"
    message: "campaign {id} has no real owner"
    path: owner
  - id: ORG005
    severity: info
    description: Collected fields say why.
    when: "'data_collection' in campaign"
    assert: "campaign.data_collection.all(f, 'purpose' in f && size(f.purpose) > 10)"
    message: "campaign {id} asks for data without a clear purpose"
"""

# ``--personas``: customers whose expectations of both kinds (FRQ005 counts, TIM005 timing)
# are judged on one timeline each.
PERSONAS = """\
personas:
  late-parcel:
    description: Ordered on day 0; the parcel arrives a week late.
    region: GB
    journey: {account.created: 0d, order.placed: 1d, order.shipped: 2d, order.delivered: 10d}
    expects:
      - {at_most: 4, within: 7d, after: order.placed}
      - {min_gap: 16h, channels: [email]}
      - {never: feedback, before: order.delivered}
      - {quiet: {start: "21:00", end: "08:00"}}
  new-customer:
    segments: [new_customers]
    journey: {account.created: 0d, cart.abandoned: 1d, order.placed: 3d, order.delivered: 5d}
    expects:
      - {at_most: 3, within: 1d}
      - {never: marketing, before: order.placed}
  lapsed:
    segments: [lapsed_customers]
    consent: {email: [opt_in]}
    journey: {order.placed: 0d, order.delivered: 3d, review.submitted: 5d}
    expects:
      - {at_most: 2, within: 7d, channels: [email]}
      - {quiet: {start: "20:00", end: "09:00"}, channels: [sms, push]}
"""

INVALID_SHARE = 0.03
DUPLICATE_ID_SHARE = 0.003

SUBDIRS = (
    "brand",
    "checkout",
    "crm",
    "growth",
    "holiday",
    "legacy",
    "lifecycle",
    "loyalty",
    "markets/de",
    "markets/fr",
    "markets/uk",
    "markets/us",
    "mobile",
    "onboarding",
    "partners",
    "promotions",
    "reengagement",
    "reviews",
    "service",
    "sms",
)

TYPE_SUBDIRS: dict[str, tuple[str, ...]] = {
    "promotional": ("promotions", "holiday", "brand", "markets/de", "markets/fr", "markets/uk", "markets/us"),
    "lifecycle": ("lifecycle", "crm", "checkout"),
    "feedback": ("reviews", "service"),
    "loyalty": ("loyalty", "crm"),
    "reengagement": ("reengagement", "crm"),
    "onboarding": ("onboarding", "growth", "mobile"),
    "acquisition": ("growth", "partners", "brand"),
    "transactional": ("service", "checkout"),
}

TYPES = (
    ("promotional", 22),
    ("lifecycle", 20),
    ("feedback", 12),
    ("loyalty", 8),
    ("reengagement", 10),
    ("onboarding", 10),
    ("acquisition", 6),
    ("transactional", 12),
)

CHANNELS: dict[str, tuple[tuple[str, int], ...]] = {
    "promotional": (("email", 50), ("sms", 12), ("push", 14), ("in_app", 8), ("web", 10), ("whatsapp", 6)),
    "lifecycle": (("email", 55), ("sms", 12), ("push", 18), ("in_app", 5), ("web", 5), ("whatsapp", 5)),
    "feedback": (("email", 70), ("sms", 10), ("push", 8), ("in_app", 7), ("whatsapp", 5)),
    "loyalty": (("email", 50), ("push", 20), ("in_app", 20), ("sms", 5), ("whatsapp", 5)),
    "reengagement": (("email", 65), ("sms", 12), ("push", 15), ("whatsapp", 8)),
    "onboarding": (("email", 50), ("push", 20), ("in_app", 25), ("web", 5)),
    "acquisition": (("web", 45), ("email", 30), ("in_app", 10), ("sms", 5), ("push", 10)),
    "transactional": (("email", 50), ("sms", 25), ("push", 20), ("whatsapp", 5)),
}

INTERRUPTIVE = ("sms", "push", "whatsapp")

PRODUCTS = (
    ("coffee", "coffee"),
    ("kettles", "kettles"),
    ("running-shoes", "running shoes"),
    ("headphones", "headphones"),
    ("yoga-mats", "yoga mats"),
    ("houseplants", "houseplants"),
    ("skincare", "skincare"),
    ("cookware", "cookware"),
    ("backpacks", "backpacks"),
    ("board-games", "board games"),
    ("pet-food", "pet food"),
    ("bike-parts", "bike parts"),
    ("tea", "tea"),
    ("rain-jackets", "rain jackets"),
)

SEASONS = ("spring", "summer", "autumn", "winter", "easter", "back-to-school", "holiday", "midsummer")

OWNERS = (
    "crm-team@example.com",
    "lifecycle@example.com",
    "growth@example.com",
    "loyalty-squad@example.com",
    "ecommerce-de@example.com",
    "ecommerce-fr@example.com",
    "mobile-team@example.com",
    "customer-care@example.com",
    "brand-marketing@example.com",
    "Jana Novak",
    "Priya Raman",
    "Tom Becker",
)

REGIONS = (
    ("US-CA",),
    ("US-NY", "US-NJ"),
    ("US",),
    ("DE",),
    ("DE", "AT"),
    ("FR", "BE"),
    ("GB",),
    ("NL",),
    ("ES", "PT"),
    ("IT",),
    ("SE", "DK", "NO"),
    ("CA-QC",),
    ("AU",),
)

SEGMENTS = (
    "recent_buyers",
    "vip_customers",
    "newsletter_subscribers",
    "repeat_buyers",
    "app_users",
    "loyalty_members",
    "high_value",
    "first_time_buyers",
    "browsers_30d",
)
EXCLUSIONS = (
    "returned_orders",
    "complainers",
    "recent_unsubscribes",
    "employees",
    "suppressed",
    "open_support_tickets",
    "purchased_last_7d",
    "bounced",
)

CONSENT: dict[str, tuple[str, ...]] = {
    "email": ("opt_in", "opt_in", "soft_opt_in"),
    "sms": ("express_written",),
    "whatsapp": ("express_written",),
    "push": ("opt_in",),
    "in_app": ("opt_in",),
    "web": ("opt_in", "legitimate_interest"),
}

CAPS: dict[str, tuple[tuple[int, str], ...]] = {
    "email": ((1, "7d"), (1, "14d"), (2, "7d"), (1, "30d"), (3, "7d"), (1, "1w"), (2, "2w")),
    "sms": ((1, "7d"), (1, "14d"), (1, "30d"), (2, "7d")),
    "whatsapp": ((1, "7d"), (1, "30d")),
    "push": ((1, "1d"), (1, "3d"), (1, "7d"), (1, "24h")),
    "in_app": ((1, "1d"), (1, "7d"), (2, "7d")),
    "web": ((1, "1d"), (1, "7d"), (3, "7d")),
}
HIGH_CAPS: dict[str, tuple[tuple[int, str], ...]] = {
    "email": ((5, "7d"), (4, "7d"), (2, "1d"), (10, "30d")),
    "sms": ((4, "7d"), (1, "1d"), (3, "7d")),
    "whatsapp": ((3, "7d"), (1, "1d")),
    "push": ((3, "1d"), (6, "1d"), (2, "12h")),
    "in_app": ((5, "1d"),),
    "web": ((10, "1d"),),
}

WINDOWS = (("09:00", "20:00"), ("10:00", "18:00"), ("08:30", "19:30"), ("09:00", "19:00"), ("11:00", "20:00"))
LATE_WINDOWS = (("07:00", "22:00"), ("06:00", "23:00"), ("08:00", "21:30"))

OUTCOME_METRICS: dict[str, tuple[str, ...]] = {
    "promotional": (
        "incremental_conversions",
        "revenue_per_recipient",
        "repeat_purchase_rate",
        "unsubscribe_rate",
    ),
    "lifecycle": ("recovered_orders", "incremental_conversions", "repeat_purchase_rate", "unsubscribe_rate"),
    "feedback": ("review_count", "problems_resolved", "repeat_purchase_rate", "response_rate"),
    "loyalty": ("points_redeemed", "retention_rate", "member_lifetime_value"),
    "reengagement": ("reactivated_customers", "retention_rate", "unsubscribe_rate"),
    "onboarding": ("activation_rate", "time_to_first_order", "retention_rate"),
    "acquisition": ("new_customers", "customer_lifetime_value", "incremental_conversions"),
    "transactional": ("delivery_contact_rate", "support_tickets", "problems_resolved"),
}
ACTIVITY_METRICS = ("opens", "open_rate", "clicks", "click_rate", "impressions", "sessions", "time_on_site")

SHAMING_LABELS = (
    "No thanks, I prefer paying full price",
    "No, I hate saving money",
    "I'll stay uninformed",
)
DECLINE_LABELS = ("No thanks", "Not now", "Maybe later", "Close")

CHANGES = (
    "lowered the cap after complaints",
    "moved copy to the CMS",
    "added the returns exclusion",
    "new regions for the launch",
    "switched the holdout to 10%",
    "reworded the subject line",
)

DATA_FIELDS = (
    ("phone", "Text you when your order is out for delivery."),
    ("birthday", "Send you a birthday voucher once a year."),
    ("postcode", "Show stock at your nearest store."),
    ("shoe_size", "Recommend shoes that fit."),
)


@dataclass(frozen=True, slots=True)
class Topic:
    """A kind of campaign a marketing team writes again and again."""

    slug: str
    name: str
    purpose: str
    value: str
    subject: str
    events: tuple[str, ...] = ()
    stops: tuple[str, ...] = ()
    delays: tuple[str, ...] = ()


TOPICS: dict[str, tuple[Topic, ...]] = {
    "promotional": (
        Topic(
            "{season}-sale-{product}",
            "{Season} sale on {product_words}",
            "Sell through {season} stock of {product_words} before the new range arrives.",
            "Customers who bought {product_words} before get first pick of sizes and the lowest price of the season.",
            "{Season} sale: up to 30% off {product_words}",
        ),
        Topic(
            "new-{product}-launch",
            "New {product_words} collection",
            "Launch the new {product_words} range to existing buyers.",
            "Regular buyers of {product_words} hear about the new range before it sells out, with honest sizing advice.",
            "The new {product_words} range is here",
        ),
        Topic(
            "weekend-flash-{product}",
            "Weekend flash sale",
            "Increase sales of {product_words} on slow weekends.",
            "A real weekend discount on {product_words} the customer already browsed.",
            "48 hours only: {product_words} deals",
        ),
        Topic(
            "black-friday-{product}",
            "Black Friday {product_words}",
            "Win share of Black Friday spend in {product_words}.",
            "One clear Black Friday offer instead of a week of teasers; prices are checked against the last 30 days.",
            "Black Friday: our best {product_words} prices",
        ),
    ),
    "lifecycle": (
        Topic(
            "cart-reminder-{product}",
            "Cart reminder for {product_words}",
            "Recover abandoned carts.",
            "A reminder of what was left in the cart, with stock and delivery date, so nothing has to be searched again.",
            "You left {product_words} in your cart",
            ("cart.abandoned",),
            ("order.placed", "cart.emptied"),
            ("1h", "4h", "1d"),
        ),
        Topic(
            "replenish-{product}",
            "Time to restock {product_words}",
            "Bring repeat buyers back when they are likely to run out.",
            "A restock reminder timed to typical use, with a one-click reorder of the same item.",
            "Running low on {product_words}?",
            ("order.delivered",),
            ("order.placed", "subscription.started"),
            ("21d", "30d", "6w"),
        ),
        Topic(
            "back-in-stock-{product}",
            "Back in stock: {product_words}",
            "Convert waiting lists for {product_words}.",
            "The customer asked to be told when the item is back; this is that message, once.",
            "It's back: {product_words}",
            ("back_in_stock",),
            ("order.placed",),
            ("30m", "1h"),
        ),
        Topic(
            "price-drop-{product}",
            "Price drop alert",
            "Convert watchers when a price falls.",
            "Customers who watched {product_words} learn the price fell without checking every day.",
            "Price drop on {product_words} you watched",
            ("price.dropped",),
            ("order.placed", "watchlist.removed"),
            ("1h", "12h"),
        ),
    ),
    "feedback": (
        Topic(
            "review-after-delivery-{product}",
            "Ask for a review after delivery",
            "Learn whether the order met expectations.",
            "Customers can report a problem and get it fixed quickly; their review helps other shoppers choose.",
            "How are your new {product_words}?",
            ("order.delivered",),
            ("review.submitted", "order.returned"),
            ("5d", "7d", "10d", "2w"),
        ),
        Topic(
            "support-survey-{product}",
            "Support satisfaction survey",
            "Measure how well customer care solved problems with {product_words}.",
            "One question about the support case, so unresolved problems get a second look.",
            "Did we solve your problem?",
            ("order.delivered",),
            ("survey.submitted",),
            ("3d", "4d"),
        ),
    ),
    "loyalty": (
        Topic(
            "points-expiry-{product}",
            "Points expiry reminder",
            "Keep members active in the programme.",
            "Members learn their points are about to expire in time to use them on {product_words}.",
            "Your points expire soon",
            ("points.expiring",),
            ("points.redeemed",),
            ("1h",),
        ),
        Topic(
            "tier-upgrade-{product}",
            "Welcome to Gold",
            "Recognise members who reach a new tier.",
            "Members see the benefits they just unlocked, including free delivery on {product_words}.",
            "You've reached Gold",
            ("tier.upgraded",),
            (),
            ("1h", "1d"),
        ),
        Topic(
            "member-month-{product}",
            "Members' month",
            "Drive redemptions in the quiet season.",
            "Members get double points on {product_words} for a month and can see their balance in one place.",
            "Double points all month",
        ),
    ),
    "reengagement": (
        Topic(
            "win-back-{product}",
            "Win back lapsed {product_words} buyers",
            "Reactivate customers who stopped buying.",
            "Lapsed customers hear what changed since their last order and can opt down to fewer emails in one click.",
            "We've changed a few things",
            ("customer.inactive",),
            ("order.placed", "unsubscribed"),
            ("1d", "3d"),
        ),
        Topic(
            "we-miss-you-{product}",
            "We miss you",
            "Drive engagement among dormant subscribers.",
            "Dormant subscribers can choose what they still want to hear about, or leave the list.",
            "Still want to hear from us?",
        ),
    ),
    "onboarding": (
        Topic(
            "welcome-series-{product}",
            "Welcome series",
            "Turn new sign-ups into first orders.",
            "New customers learn how delivery, returns and sizing work before they buy.",
            "Welcome: here is how it works",
            ("account.created",),
            ("order.placed", "unsubscribed"),
            ("1h", "1d"),
        ),
        Topic(
            "app-tips-{product}",
            "App tips",
            "Increase app activation.",
            "Three tips that make reordering {product_words} faster in the app.",
            "Three tips for the app",
            ("app.installed",),
            ("order.placed",),
            ("1d", "3d"),
        ),
    ),
    "acquisition": (
        Topic(
            "referral-invite-{product}",
            "Refer a friend",
            "Acquire new customers through referrals.",
            "Customers and the friends they invite both get 10 EUR off their next {product_words} order.",
            "Give 10, get 10",
        ),
        Topic(
            "newsletter-signup-{product}",
            "Newsletter sign-up",
            "Grow the list.",
            "Visitors get a monthly digest of new {product_words} and can unsubscribe any time.",
            "Get the monthly digest",
        ),
    ),
    "transactional": (
        Topic(
            "shipping-update-{product}",
            "Shipping update",
            "Tell the customer their order has shipped.",
            "The customer knows when to expect the parcel and can track it.",
            "Your order is on its way",
            ("order.shipped",),
            (),
            (),
        ),
        Topic(
            "delivery-notice-{product}",
            "Delivery notice",
            "Confirm delivery.",
            "The customer knows the parcel arrived and where it was left.",
            "Delivered: your {product_words}",
            ("order.delivered",),
            (),
            (),
        ),
        Topic(
            "order-receipt-{product}",
            "Order receipt",
            "Send the receipt.",
            "The customer has a record of the order and the returns deadline.",
            "Your receipt",
            ("order.placed",),
            (),
            (),
        ),
    ),
}

_NEEDS_QUOTES = re.compile(
    r": |\s#|^[-?:,\[\]{}#&*!|>'\"%@`]|^[0-9+.~-]|^(true|false|null|yes|no|on|off)$", re.I
)


@dataclass(frozen=True, slots=True)
class CampaignFile:
    """One generated file: where it goes, its text, and the deliberate flaw (if any)."""

    relpath: str
    text: str
    flaw: str | None


def pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    """Choose one name from ``(name, weight)`` pairs."""
    total = sum(weight for _, weight in weighted)
    roll = rng.random() * total
    for name, weight in weighted:
        roll -= weight
        if roll < 0:
            return name
    return weighted[-1][0]


def scalar(text: str) -> str:
    """A YAML scalar for ``text``: plain when safe, double-quoted otherwise."""
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def flow(items: Sequence[str]) -> str:
    """A flow sequence ``[a, b]``."""
    return "[" + ", ".join(items) + "]"


@dataclass(slots=True)
class Draft:
    """A campaign being written: the choices made so far and its lines."""

    rng: random.Random
    index: int
    ctype: str
    topic: Topic
    channel: str
    year: int
    fill: dict[str, str]
    cid: str
    lines: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # anchors defined, for aliases later
    schedule_end: tuple[int, int, int] | None = None

    @property
    def transactional(self) -> bool:
        """Service messages carry no marketing fields."""
        return self.ctype == "transactional"

    def add(self, line: str) -> None:
        """Append one line."""
        self.lines.append(line)

    def text(self, template: str) -> str:
        """Fill a topic template with this campaign's product and season."""
        return template.format(**self.fill)


def _header(d: Draft) -> None:
    """Comments a team writes on top, then the identity fields."""
    rng, add = d.rng, d.add
    add(f"# {d.text(d.topic.name)}")
    add(
        f"# Ticket: MKT-{rng.randint(100, 9999)}. Reviewed {d.year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}."
    )
    add(f"# Why: {d.text(d.topic.purpose)}")
    if rng.random() < 0.5:
        add("# Copy and images live in the CMS; this file only holds targeting, timing and limits.")
    if rng.random() < 0.4:
        add(f"# Changed {d.year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}: {rng.choice(CHANGES)}")
    if rng.random() < 0.08:
        add("---")
    add("version: 1")
    add(f"id: {d.cid}")
    add(f"name: {scalar(d.text(d.topic.name))}")
    add(f"owner: {rng.choice(OWNERS)}")
    add(f"type: {d.ctype}" + ("                 # service message, no offer" if d.transactional else ""))
    add(f"purpose: {scalar(d.text(d.topic.purpose))}")
    value = d.text(d.topic.value)
    roll = rng.random()
    if roll < 0.05 and not d.transactional:
        add("# customer_value: TODO")  # missing (VAL001)
    elif roll < 0.1 and not d.transactional:
        add(f"customer_value: {scalar(d.text(d.topic.purpose))}")  # company-only value (VAL002)
    elif roll < 0.55 or d.transactional:
        add("customer_value: >-")
        words = value.split(" ")
        half = len(words) // 2
        add("  " + " ".join(words[:half]))
        add("  " + " ".join(words[half:]))
    else:
        add(f"customer_value: {scalar(value)}")
    if rng.random() < 0.5:
        add(f"channel: {d.channel}{' ' * max(1, 24 - len(d.channel))}# one channel per file")
    else:
        add(f"channel: {d.channel}")


def _audience(d: Draft) -> None:
    """Segment, exclusions, consent, regions, sunset."""
    rng, add = d.rng, d.add
    add("")
    add("# Who gets it")
    add("audience:")
    broadcast = not d.transactional and rng.random() < 0.06  # `all`, no exclusions (AUD001)
    segment = "all" if broadcast else rng.choice(SEGMENTS)
    if d.ctype == "reengagement" and not broadcast:
        segment = "lapsed_customers"
    if d.ctype == "onboarding" and not broadcast:
        segment = "new_customers"
    if rng.random() < 0.6:
        add(f"  segment: {segment}{' ' * max(1, 22 - len(segment))}# defined in the CDP")
    else:
        add(f"  segment: {segment}")
    if not broadcast:
        excl = rng.sample(EXCLUSIONS, rng.randint(1, 3))
        if rng.random() < 0.15:
            d.anchors.append("excluded")
            add(f"  exclude: &excluded {flow(excl)}")
        elif rng.random() < 0.3:
            add("  exclude:")
            for item in excl:
                add(f"    - {item}")
        else:
            add(f"  exclude: {flow(excl)}")
    if not d.transactional:
        consent = rng.choice(CONSENT[d.channel])
        roll = rng.random()
        if roll < 0.04:
            consent = "none"  # (CON001)
        elif roll < 0.08 and d.channel in ("sms", "whatsapp"):
            consent = "opt_in"  # not enough for sms (CON001)
        elif roll < 0.1 and d.ctype == "acquisition":
            consent = "soft_opt_in"  # (CON003)
        if rng.random() > 0.03:
            add(f"  consent: {consent}")
    add(f"  regions: {flow(rng.choice(REGIONS))}             # ISO 3166 codes")
    if d.ctype in ("promotional", "reengagement") and rng.random() < 0.7:
        add(f"  inactive_days_max: {rng.choice((90, 180, 180, 365))}           # sunset")


def _trigger(d: Draft) -> None:
    """An event with delay and stop_when, or a schedule with start, end and every."""
    rng, add = d.rng, d.add
    add("")
    add("# When it starts and stops")
    add("trigger:")
    topic = d.topic
    if topic.events:
        event = topic.events[0]
        if d.ctype == "feedback" and rng.random() < 0.2:
            event = rng.choice(("order.shipped", "order.placed"))  # review before delivery (TIM001)
        add(f"  event: {event}")
        if topic.delays:
            delay = rng.choice(topic.delays)
            if d.ctype == "feedback" and rng.random() < 0.15:
                delay = rng.choice(("1d", "12h", "2d"))  # under min_delay (TIM001)
            add(f"  delay: {delay}")
        if topic.stops and rng.random() > 0.1:
            if rng.random() < 0.3:
                d.anchors.append("stops")
                add(f"  stop_when: &stops {flow(topic.stops)}   # exit as soon as the customer acts")
            else:
                add(f"  stop_when: {flow(topic.stops)}")
        else:
            add("  # stop_when: []")
        return
    month = rng.randint(1, 11)
    day = rng.randint(1, 20)
    length = rng.randint(2, 8)
    d.schedule_end = (d.year, month, day + length)
    add("  schedule:")
    if rng.random() < 0.2:
        add(f"    start: {d.year}-{month:02d}-{day:02d}T09:00:00+01:00")
    else:
        add(f"    start: {d.year}-{month:02d}-{day:02d}")
    add(f"    end: {d.year}-{month:02d}-{day + length:02d}")
    if rng.random() < 0.5:
        add(f"    every: {rng.choice(('1d', '1w', '2w', '4w', '3d'))}")


def _limits(d: Draft) -> None:
    """Frequency cap, send window and placement."""
    rng, add = d.rng, d.add
    high = False
    cap: tuple[int, str] | None = None
    if not d.transactional and rng.random() > 0.05:  # else no cap (FRQ001)
        if rng.random() < 0.12:
            high = True
            cap = rng.choice(HIGH_CAPS[d.channel])  # above the channel cap (FRQ002)
        else:
            cap = rng.choice(CAPS[d.channel])
    elif d.transactional and rng.random() < 0.3:
        cap = (1, "1d")
    if cap is not None:
        add("")
        add("# Limits agreed with the CRM council")
        add("frequency:                    # per customer")
        if high and rng.random() < 0.1:
            if rng.random() < 0.5:
                add(
                    f"  max: {cap[0]}  # campaign-lint: disable=FRQ002 -- approved for launch week (MKT-{d.index % 997})"
                )
            else:
                add(f"  max: {cap[0]}  # campaign-lint: disable=FRQ002")  # no reason (POL003)
        else:
            add(f"  max: {cap[0]}")
        add(f"  per: {cap[1]}")
    if d.channel in INTERRUPTIVE or rng.random() < 0.3:
        roll = rng.random()
        if d.channel in INTERRUPTIVE and roll < 0.22:
            add("# send_window: ask legal")  # missing window (TIM002)
        else:
            start, end = rng.choice(LATE_WINDOWS if roll < 0.3 else WINDOWS)
            if rng.random() < 0.08:
                d.anchors.append("window")
                add(f'send_window: &window {{start: "{start}", end: "{end}"}}')
            elif rng.random() < 0.2:
                add("send_window:                   # recipient-local time")
                add(f"  start: {start}")  # unquoted: YAML 1.2 keeps it text
                add(f"  end: {end}")
            else:
                add("send_window:                   # recipient-local time")
                add(f'  start: "{start}"')
                add(f'  end: "{end}"')
    if d.channel in ("in_app", "web"):
        places = ("home", "product_page", "account", "post_purchase")
        place = rng.choice(("checkout", "cart")) if rng.random() < 0.15 else rng.choice(places)  # (TIM003)
        add(f"placement: {place}")


def _content(d: Draft) -> None:
    """Subject, unsubscribe, urgency, decline label, incentive, gamification."""
    rng, add, channel = d.rng, d.add, d.channel
    add("")
    add("# What it says (copy in the CMS)")
    add("content:")
    if channel in ("email", "push", "whatsapp") or rng.random() < 0.5:
        add(f"  subject: {scalar(d.text(d.topic.subject))}")
    if channel == "email":
        unsub = "one_click" if d.transactional or rng.random() > 0.1 else "link"  # (CON002)
        add(f"  unsubscribe: {unsub}")
    elif channel == "sms":
        add(f"  unsubscribe: {'keyword' if rng.random() > 0.1 else 'none'}     # reply STOP")
    promo = d.ctype in ("promotional", "acquisition", "loyalty", "reengagement")
    if promo and rng.random() < 0.35:
        kind = rng.choice(("countdown", "deadline"))
        roll = rng.random()
        if roll < 0.12:
            add(f"  urgency: {{kind: {kind}}}")  # no real end (TRP003)
        elif d.schedule_end is not None:
            y, m, day = d.schedule_end
            if roll < 0.2:
                m = m + 1  # ends after the schedule (TRP003)
            add(f"  urgency: {{kind: {kind}, ends_at: {y}-{m:02d}-{day:02d}T23:59:00Z}}")
        else:
            add(f"  urgency: {{kind: {kind}, ends_at: {d.year}-12-{rng.randint(1, 28):02d}}}")
    if channel in ("in_app", "web", "email") and not d.transactional and rng.random() < 0.35:
        label = rng.choice(SHAMING_LABELS) if rng.random() < 0.1 else rng.choice(DECLINE_LABELS)  # (TRP004)
        add(f"  decline_label: {scalar(label)}")
    if (promo or d.ctype == "feedback") and rng.random() < 0.5:
        conditional = "none"
        if d.ctype == "feedback":
            conditional = "positive_review" if rng.random() < 0.12 else "none"  # review gating (TRP005)
        elif rng.random() < 0.3:
            conditional = "purchase"
        kind = rng.choice(("discount", "points", "free_shipping", "gift"))
        if rng.random() < 0.5:
            add(f"  incentive: {{kind: {kind}, conditional_on: {conditional}}}")
        else:
            add("  incentive:")
            add(f"    kind: {kind}")
            add(f"    conditional_on: {conditional}")
    elif d.transactional and rng.random() < 0.04:
        add("  incentive: {kind: discount}   # cross-sell voucher")  # offer in a service message
    if channel in ("in_app", "web") and rng.random() < 0.2:
        add("  gamification: true           # spin the wheel")
    elif rng.random() < 0.2:
        add("  gamification: false")


def _data_and_loyalty(d: Draft) -> None:
    """Personal data asked for, and loyalty mechanics for loyalty campaigns."""
    rng, add = d.rng, d.add
    if rng.random() < 0.1:
        add("data_collection:")
        name, why = rng.choice(DATA_FIELDS)
        add(f"  - field: {name}")
        if rng.random() > 0.25:  # else no purpose (VAL003)
            add(f"    purpose: {scalar(why)}")
    if d.ctype == "loyalty":
        add("loyalty:")
        add(f"  points_expire_after: {rng.choice(('12mo', '24mo', '52w'))}")
        notice = rng.choice(((30, 7), (30, 3), (14,), ()))  # () is no notice (TRP001)
        add(f"  expiry_notice_days: {flow([str(n) for n in notice])}")
        add(f"  on_exit: {'forfeit' if rng.random() < 0.15 else 'keep'}")  # (TRP001)
        add("  signup_steps: 1")
        add(f"  cancel_steps: {rng.choice((1, 1, 1, 1, 2, 4))}")  # > signup (TRP002)


def _measurement(d: Draft) -> None:
    """Success metrics and holdout."""
    rng, add = d.rng, d.add
    add("")
    add("# How we know it worked")
    roll = rng.random()
    if roll < 0.04:
        add("# success_metrics: to be agreed with analytics")  # (MET001)
    else:
        if roll < 0.2:
            metrics = rng.sample(ACTIVITY_METRICS, rng.randint(1, 3))  # activity only (MET002)
        else:
            metrics = rng.sample(OUTCOME_METRICS[d.ctype], rng.randint(1, 3))
            if rng.random() < 0.3:
                metrics.append(rng.choice(ACTIVITY_METRICS))
        if rng.random() < 0.5:
            add(f"success_metrics: {flow(metrics)}")
        else:
            add("success_metrics:")
            for metric in metrics:
                add(f"  - {metric}")
    if not d.transactional and rng.random() < 0.55:
        add(f"holdout: {rng.choice(('5%', '10%', '10%', '2.5%', '20%'))}                  # measured lift")
    elif rng.random() < 0.2:
        add("# holdout: 10%   # TODO agree with analytics")


def _own_fields(d: Draft) -> None:
    """Organisation fields (``x-`` keys), including aliases of the anchors above."""
    rng, add = d.rng, d.add
    add("")
    add("# Our own fields")
    add(f"x-cost-center: CC-{rng.randint(1000, 9999)}")
    add(f"x-cms-template: tmpl-{d.text(d.topic.slug)}-v{rng.randint(1, 9)}")
    if rng.random() < 0.7:
        add("x-utm:")
        add(f"  source: {rng.choice(('crm', 'lifecycle', 'newsletter', 'app'))}")
        add(f"  medium: {d.channel}")
        add(f"  campaign: {d.cid}")
    if rng.random() < 0.4:
        add(
            f"x-approvals: {flow(rng.sample(('legal', 'brand', 'crm-council', 'privacy'), rng.randint(1, 3)))}"
        )
    if d.channel == "sms" and rng.random() < 0.6:
        add(f"x-legal-approved: {'true' if rng.random() < 0.9 else 'false'}")
    if "stops" in d.anchors:
        add("x-exit-events: *stops")
    if "excluded" in d.anchors:
        add("x-audit:")
        add("  excluded: *excluded")
    if "window" in d.anchors:
        add("x-quiet-hours:")
        add("  <<: *window")  # merge key
        add('  end: "21:00"')
    if rng.random() < 0.03:
        add("# campaign-lint: disable-file=MET002 -- brand campaign, measured by survey")


def campaign_text(rng: random.Random, index: int) -> tuple[str, str, str]:
    """Write one valid (but maybe rule-breaking) campaign: returns (type, id, text)."""
    ctype = pick(rng, TYPES)
    topic = rng.choice(TOPICS[ctype])
    channel = pick(rng, CHANNELS[ctype])
    product, product_words = rng.choice(PRODUCTS)
    season = rng.choice(SEASONS)
    year = rng.choice((2026, 2026, 2027))
    fill = {
        "product": product,
        "product_words": product_words,
        "season": season,
        "Season": season.replace("-", " ").capitalize(),
    }
    cid = f"{topic.slug.format(**fill)}-{index}"
    draft = Draft(rng, index, ctype, topic, channel, year, fill, cid)
    for section in (
        _header,
        _audience,
        _trigger,
        _limits,
        _content,
        _data_and_loyalty,
        _measurement,
        _own_fields,
    ):
        section(draft)
    return ctype, cid, "\n".join(draft.lines) + "\n"


def _sub(pattern: str, replacement: str) -> Callable[[list[str], random.Random], bool]:
    """A mutation replacing the first line matching ``pattern``."""
    regex = re.compile(pattern)

    def apply(lines: list[str], rng: random.Random) -> bool:
        for i, line in enumerate(lines):
            if regex.search(line):
                lines[i] = regex.sub(replacement, line, count=1)
                return True
        return False

    return apply


def _choice_sub(pattern: str, replacements: Sequence[str]) -> Callable[[list[str], random.Random], bool]:
    """A mutation replacing the first match of ``pattern`` with one of ``replacements``."""
    regex = re.compile(pattern)

    def apply(lines: list[str], rng: random.Random) -> bool:
        for i, line in enumerate(lines):
            if regex.search(line):
                lines[i] = regex.sub(rng.choice(replacements), line, count=1)
                return True
        return False

    return apply


def _bad_indent(lines: list[str], rng: random.Random) -> bool:
    """Indent a mapping line one space too far (continues the previous scalar)."""
    for i, line in enumerate(lines):
        if line.startswith("  regions:"):
            lines[i] = " " + line
            return True
    return False


def _tab_indent(lines: list[str], rng: random.Random) -> bool:
    """Indent with a tab instead of spaces."""
    for i, line in enumerate(lines):
        if line.startswith("  segment:"):
            lines[i] = "\t" + line[2:]
            return True
    return False


def _duplicate_key(lines: list[str], rng: random.Random) -> bool:
    """Give ``channel`` twice, as copy-paste does."""
    for i, line in enumerate(lines):
        if line.startswith("channel: "):
            lines.insert(i + 1, "channel: email")
            return True
    return False


Mutation = Callable[[list[str], random.Random], bool]

FLAWS: dict[str, tuple[Mutation, ...]] = {
    "yaml-syntax": (
        _sub(r"^(purpose: [^\"].*)\.$", r"\1: see the brief."),
        _sub(r"^(\s*[a-z_]+: \[[^\]]*)\]$", r"\1"),
        _bad_indent,
        _tab_indent,
        _sub(r'^(  start: )"(\d\d:\d\d)"', r'\1"\2'),
    ),
    "duplicate-key": (_duplicate_key,),
    "unknown-key": (
        _sub(r"^frequency:", "frequncy:"),
        _sub(r"^success_metrics:", "sucess_metrics:"),
        _sub(r"^send_window:", "send_windw:"),
        _sub(r"^  stop_when:", "  stopwhen:"),
        _sub(r"^audience:", "audiance:"),
        _sub(r"^customer_value:", "customer_valu:"),
        _sub(r"^  inactive_days_max:", "  inactive_days:"),
    ),
    "bad-duration": (
        _choice_sub(r"(?<=^  per: )\S+", ("7days", "1 week", "0d", "48hrs", "7")),
        _choice_sub(r"(?<=^  delay: )\S+", ("5 days", "3D", "2 weeks", "1hr")),
        _choice_sub(r"(?<=^    every: )\S+", ("weekly", "1 d", "daily")),
    ),
    "bad-enum": (
        _choice_sub(r"(?<=^channel: )\S+", ("e-mail", "text", "SMS", "mail", "in-app")),
        _choice_sub(r"(?<=^type: )\S+", ("promo", "newsletter", "retention", "Promotional")),
        _choice_sub(r"(?<=^  consent: )\S+", ("yes", "double_opt_in", "opt-in", "implied")),
        _choice_sub(r"(?<=^  unsubscribe: )\S+", ("one-click", "footer_link", "true")),
        _choice_sub(r"(?<=^placement: )\S+", ("popup", "modal", "banner")),
    ),
    "bad-value": (
        _choice_sub(r"(?<=^id: )\S+", ("Spring_Sale", "BF-2026", "welcome series")),
        _choice_sub(r"(?<=^holdout: )\S+", ("10", "110%", "ten percent")),
        _choice_sub(r'(?<=^  start: )"?\d\d:\d\d"?', ('"9am"', '"24:00"', '"9:00"')),
        _choice_sub(r"(?<=^  max: )\d+", ("0", "-1", "two")),
        _sub(r"^owner: .*$", "# owner: TBD"),
    ),
}
FLAW_FALLBACK: dict[str, Mutation] = {
    "yaml-syntax": FLAWS["yaml-syntax"][0],
    "duplicate-key": _duplicate_key,
    "unknown-key": _sub(r"^channel:", "chanel:"),
    "bad-duration": _choice_sub(r"(?<=^id: )\S+", ("Spring_Sale",)),
    "bad-enum": FLAWS["bad-enum"][0],
    "bad-value": FLAWS["bad-value"][0],
}
FLAW_WEIGHTS = (
    ("yaml-syntax", 25),
    ("duplicate-key", 5),
    ("unknown-key", 25),
    ("bad-duration", 15),
    ("bad-enum", 20),
    ("bad-value", 10),
)


def spoil(text: str, rng: random.Random) -> tuple[str, str]:
    """Make a valid campaign invalid in one of several ways: returns (text, flaw)."""
    lines = text.split("\n")
    kind = pick(rng, FLAW_WEIGHTS)
    mutations = list(FLAWS[kind])
    rng.shuffle(mutations)
    for mutation in mutations:
        if mutation(lines, rng):
            return "\n".join(lines), kind
    if not FLAW_FALLBACK[kind](lines, rng):
        raise AssertionError(f"no mutation applied for {kind}")
    return "\n".join(lines), kind


def generate(count: int, seed: int = 1) -> Iterator[CampaignFile]:
    """Yield ``count`` campaign files in a fixed order; same arguments, same files."""
    master = random.Random(seed)
    earlier: list[str] = []  # ids of valid files so far, in order
    dirs: dict[str, list[str]] = {}  # id -> directories holding a file of that name
    for index in range(count):
        rng = random.Random(master.getrandbits(64))
        ctype, cid, text = campaign_text(rng, index)
        subdir = rng.choice(TYPE_SUBDIRS[ctype] if rng.random() < 0.8 else SUBDIRS)
        flaw: str | None = None
        if rng.random() < INVALID_SHARE:
            text, flaw = spoil(text, rng)
        elif earlier and rng.random() < DUPLICATE_ID_SHARE:
            # Copy-paste that kept the id: same id in another directory (SPEC003).
            other_id = earlier[rng.randrange(len(earlier))]
            free = [d for d in SUBDIRS if d not in dirs[other_id]]
            if free:
                text = text.replace(f"id: {cid}\n", f"id: {other_id}\n", 1)
                cid = other_id
                subdir = rng.choice(free)
        if flaw is None:
            earlier.append(cid)
        dirs.setdefault(cid, []).append(subdir)
        yield CampaignFile(f"campaigns/{subdir}/{cid}.yaml", text, flaw)


def write_corpus(out: Path, count: int, seed: int = 1, *, with_personas: bool = False) -> dict[str, int]:
    """Write the policy (with ``PERSONAS`` when ``with_personas``) and ``count`` campaigns under ``out``; returns counts of flaws."""
    campaigns = out / "campaigns"
    if campaigns.exists():
        shutil.rmtree(campaigns)
    out.mkdir(parents=True, exist_ok=True)
    for subdir in SUBDIRS:
        (campaigns / subdir).mkdir(parents=True, exist_ok=True)
    (out / "campaign-lint.yaml").write_bytes((POLICY + (PERSONAS if with_personas else "")).encode("utf-8"))
    flaws: dict[str, int] = {}
    for item in generate(count, seed):
        (out / item.relpath).write_bytes(item.text.encode("utf-8"))
        key = item.flaw or "valid"
        flaws[key] = flaws.get(key, 0) + 1
    return flaws


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--count N --out DIR [--seed S]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--count", type=int, required=True, help="number of campaign files")
    parser.add_argument(
        "--out", type=Path, required=True, help="output directory (its campaigns/ is replaced)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--personas",
        action="store_true",
        help="add three personas with expectations of both kinds (FRQ005, TIM005) to the policy",
    )
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be >= 0")
    started = time.perf_counter()
    flaws = write_corpus(args.out, args.count, args.seed, with_personas=args.personas)
    seconds = time.perf_counter() - started
    summary = ", ".join(f"{name} {n}" for name, n in sorted(flaws.items()))
    print(f"wrote {args.count} campaigns to {args.out} in {seconds:.2f} s ({summary})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
