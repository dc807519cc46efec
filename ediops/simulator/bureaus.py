"""Simulated inspection bureaus (docs/inspection.md, the 2002 notice): each publishes its daily
report of how enterprises declared and applied for certificates of origin, served at
`GET /reports?after=CURSOR` like an issuer's batches.

The channel mixes follow what the notice describes: coastal bureaus well into direct filing
(Ningbo with its self-service kiosks), a southern bureau where third-party pre-entry, often
charged for, is still common, and an inland bureau still taking much on paper. Each
enterprise keeps its habits, so the same ones keep drawing findings. During a business day
the bureau re-sends the day's report every quarter hour as filings come in (a later report
corrects the earlier one); days before the simulator started appear once, complete.

Everything derives from (seed, bureau, date), so the same flags replay the same month."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from ediops.clock import SHANGHAI
from ediops.errors import InputError
from ediops.simulator.traffic import CITIES, HOSTILE, WORDS

CHANNELS = ("direct", "browser", "kiosk", "pre_entry", "manual")
PAGE_REPORTS = 100
ENTERPRISES = 30
OPENS, CLOSES = time(8, 0), time(18, 0)
PUBLISH_EVERY = timedelta(minutes=15)
MONTHLY_BATCHES = [1, 2, 3, 4, 5, 6, 8, 12, 20, 40]
MONTHLY_WEIGHTS = [14, 14, 12, 10, 9, 9, 10, 10, 7, 5]


@dataclass(frozen=True)
class Profile:
    """A bureau's channel mix (weights of CHANNELS), e-visa share and fee habits."""

    mix: tuple[int, int, int, int, int]
    evisa: float
    fee_pre_entry: Decimal = Decimal("0.00")  # charged per pre-entry batch to self-declarers
    fee_agent: Decimal = Decimal("8.00")  # agents pay the platform (notice 三 excepts them)


PROFILES = {
    "3100": Profile((70, 10, 10, 7, 3), 0.88),  # Shanghai: direct filing widespread
    "4700": Profile((48, 6, 30, 10, 6), 0.80),  # Ningbo: kiosks in the hall (notice 二(二))
    "4400": Profile((45, 5, 5, 33, 12), 0.60, Decimal("20.00")),  # Guangdong: paid pre-entry (notice 二(四))
    "5100": Profile((28, 12, 5, 15, 40), 0.35),  # Sichuan, inland: much still on paper
}
DEFAULT_PROFILE = Profile((50, 10, 10, 15, 15), 0.6)
PRODUCTS = [
    "Textiles",
    "Hardware",
    "Ceramics",
    "Lamps",
    "Bearings",
    "Garments",
    "Tea",
    "Toys",
    "Optics",
    "Furniture",
    "Valves",
    "Silk",
]


@dataclass
class Enterprise:
    code: str
    name: str
    agent: bool
    batches_a_month: int
    channel: str  # its habit; other channels now and then
    applications_a_month: int
    evisa: bool  # applies for e-visas by habit


@dataclass
class Feed:
    code: str
    profile: Profile
    enterprises: list[Enterprise]
    published: list = field(default_factory=list)  # (at, body), by time
    days: set = field(default_factory=set)
    served: int = 0


def _pool(seed: int, code: str, profile: Profile, hostile: bool) -> list[Enterprise]:
    rng = random.Random(f"{seed}:bureau:{code}:pool")
    found = []
    for serial in range(1, ENTERPRISES + 1):
        agent = rng.random() < 0.15
        name = (
            f"{rng.choice(CITIES)}{rng.choice(WORDS)}报检代理 {rng.choice(PRODUCTS)} Agency"
            if agent
            else f"{rng.choice(CITIES)}{rng.choice(WORDS)} {rng.choice(PRODUCTS)} Co"
        )
        if hostile and serial == 7:
            name = HOSTILE[serial % len(HOSTILE)]
        exporter = rng.random() < 0.45 and not agent
        found.append(
            Enterprise(
                code=f"{code}{serial:06d}",
                name=name,
                agent=agent,
                batches_a_month=rng.choices(MONTHLY_BATCHES, MONTHLY_WEIGHTS)[0] * (3 if agent else 1),
                channel=rng.choices(CHANNELS, profile.mix)[0],
                applications_a_month=rng.choice([2, 3, 4, 6, 8, 12]) if exporter else 0,
                evisa=rng.random() < profile.evisa,
            )
        )
    return found


def _moment(rng: random.Random, day: date) -> datetime:
    """A filing time in office hours, busier mid-morning and mid-afternoon."""
    hour = rng.choice([8, 9, 9, 10, 10, 10, 11, 11, 13, 14, 14, 15, 15, 16, 16, 17])
    return datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=SHANGHAI)


def _filing(rng: random.Random, feed: Feed, ent: Enterprise, at: datetime) -> tuple:
    channel = ent.channel if rng.random() < 0.85 else rng.choices(CHANNELS, feed.profile.mix)[0]
    fee = (
        feed.profile.fee_agent
        if ent.agent
        else feed.profile.fee_pre_entry
        if channel == "pre_entry" and rng.random() < 0.5
        else Decimal("0.00")
    )
    return at, ent, channel, fee


def _application(rng: random.Random, ent: Enterprise, at: datetime) -> tuple:
    channel = "electronic" if (ent.evisa or rng.random() < 0.1) and rng.random() < 0.95 else "paper"
    return at, ent, channel


def day_events(seed: int, feed: Feed, day: date) -> tuple[list, list]:
    """The day's filings (at, enterprise, channel, fee) and applications (at, enterprise, no, channel).

    Every day opens with one filing and one application in its first quarter hour, so a
    bureau's month is never empty once its first day has begun (a demo on the 1st of a
    month showed bureaus with no certificate application yet: issue 10)."""
    rng = random.Random(f"{seed}:bureau:{feed.code}:{day.isoformat()}")
    weekend = 0.4 if day.weekday() >= 5 else 1.0
    filings, applications = [], []
    for ent in feed.enterprises:
        for _ in range(ent.batches_a_month):
            if rng.random() < weekend / 22:
                filings.append(_filing(rng, feed, ent, _moment(rng, day)))
        for _ in range(ent.applications_a_month):
            if rng.random() < weekend / 22:
                applications.append(_application(rng, ent, _moment(rng, day)))
    opening = datetime.combine(day, OPENS, tzinfo=SHANGHAI) + timedelta(minutes=rng.randrange(1, 14))
    filings.append(_filing(rng, feed, rng.choice(feed.enterprises), opening))
    exporters = [e for e in feed.enterprises if e.applications_a_month] or feed.enterprises
    applications.append(_application(rng, rng.choice(exporters), opening))
    applications.sort(key=lambda a: a[0])
    numbered = [
        (at, ent, f"{feed.code}-{day:%y%m%d}-{i:04d}", channel) for i, (at, ent, channel) in enumerate(applications, 1)
    ]
    return sorted(filings, key=lambda f: f[0]), numbered


def report_body(code: str, day: date, filings: list, applications: list, at: datetime) -> dict:
    """The bureau's report for `day` as it stands at `at`: filings so far by enterprise and channel."""
    rows: dict[tuple[str, str], dict] = {}
    for when, ent, channel, fee in filings:
        if when > at:
            continue
        row = rows.setdefault(
            (ent.code, channel),
            {
                "enterprise": {"code": ent.code, "name": ent.name},
                "agent": ent.agent,
                "channel": channel,
                "batches": 0,
                "platform_fee": Decimal("0.00"),
            },
        )
        row["batches"] += 1
        row["platform_fee"] += fee
    declarations = [{**row, "platform_fee": str(row["platform_fee"])} for _, row in sorted(rows.items())]
    certificates = [
        {
            "certificate_no": number,
            "enterprise": {"code": ent.code, "name": ent.name},
            "agent": ent.agent,
            "channel": channel,
            "submitted_at": when.isoformat(),
            "issued_at": (when + timedelta(minutes=90)).isoformat() if when + timedelta(minutes=90) <= at else None,
        }
        for when, ent, number, channel in applications
        if when <= at
    ]
    return {
        "bureau": code,
        "business_date": day.isoformat(),
        "declarations": declarations,
        "certificates": certificates,
    }


class Bureaus:
    """Every configured bureau's published reports; the HTTP handler pages through them."""

    def __init__(self, config, clock, *, seed: int, hostile: bool = False):
        self.clock, self.seed = clock, seed
        self.started_at = clock.now().astimezone(SHANGHAI)
        self.feeds = {}
        for peer in config.bureaus:
            code = peer.name.split()[-1]
            self.feeds[code] = Feed(
                code,
                PROFILES.get(code, DEFAULT_PROFILE),
                _pool(seed, code, PROFILES.get(code, DEFAULT_PROFILE), hostile),
            )

    def tokens(self, config) -> dict[str, str]:
        """Each bureau's bearer token, by the name its endpoint is routed under (its code)."""
        tokens = {}
        for peer in config.bureaus:
            try:
                tokens[peer.name.split()[-1]] = peer.token()
            except InputError:
                raise InputError(
                    f"no token for {peer.name} (set {peer.token_env}); `ediops demo` sets it for you"
                ) from None
        return tokens

    def _publications(self, day: date) -> list[datetime]:
        close = datetime.combine(day, CLOSES, tzinfo=SHANGHAI)
        if day < self.started_at.date():
            return [close]
        moments, at = [], datetime.combine(day, OPENS, tzinfo=SHANGHAI)
        while at <= close:
            moments.append(at)
            at += PUBLISH_EVERY
        earlier = [m for m in moments if m <= self.started_at]
        return [m for m in moments if m > self.started_at or (earlier and m == earlier[-1])]

    def _generate(self, now: datetime) -> None:
        """Publishes from the first of the month the simulator started in, up to today."""
        day = self.started_at.date().replace(day=1)
        while day <= now.astimezone(SHANGHAI).date():
            for feed in self.feeds.values():
                if day not in feed.days:
                    feed.days.add(day)
                    filings, applications = day_events(self.seed, feed, day)
                    feed.published.extend(
                        (at, report_body(feed.code, day, filings, applications, at)) for at in self._publications(day)
                    )
                    feed.published.sort(key=lambda entry: entry[0])
            day += timedelta(days=1)

    def page(self, code: str, after: str | None) -> dict:
        now = self.clock.now()
        self._generate(now)
        feed = self.feeds[code]
        start = int(after) if after and after.isdigit() else 0
        visible = sum(1 for at, _ in feed.published if at <= now)
        page = feed.published[start : min(visible, start + PAGE_REPORTS)]
        feed.served += len(page)
        return {"reports": [body for _, body in page], "next": str(start + len(page))}


def mount(sim) -> list[tuple[str, str, object]]:
    """Adds the configured bureaus to a running simulator: their state and tokens; answers
    the (name, kind, peer) entries the server routes by URL."""
    sim.bureaus = Bureaus(sim.config, sim.clock, seed=sim.seed, hostile=getattr(sim.shape, "hostile_text", False))
    sim.tokens.update(sim.bureaus.tokens(sim.config))
    return [(peer.name.split()[-1], "bureau", peer) for peer in sim.config.bureaus]
