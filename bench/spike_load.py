"""Spike benchmark: readers arriving on a fixed schedule (open loop), whatever the server does.

A closed-loop tool (wrk) sends the next request only when the last was answered, so a server
that stalls is sent less and looks better than it is. Here every arrival is planned before the
phase starts (Poisson arrivals at the phase's rate, from a fixed seed) and started on time by a
scheduler thread, each in a worker thread of its own with `http.client` over TLS; a request's
latency is measured from when it was due, so time spent waiting for a busy server or a late
thread is counted, never hidden.

Two kinds of arrival, as the site's pages and comment widget (theme/static/js/comments.js)
make them:

* a visit: a reader's new connection (TLS handshake included) from an address of their own;
  a listing page (`/` or `/blog/`) and its counts request for the cards it shows, then an
  article and its comment list; only the HTML, since the assets are cached by browsers;
* a post: a comment on an open page, by a reader from an address of their own.
"""

from __future__ import annotations

import http.client
import json
import random
import resource
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote

from bench.spike_cpu import CpuMeter

# "Normal load": a busy hour of a large ICB's engagement site (a consultation just launched, in
# the local news): 2 visits a second (7,200 an hour: 14,400 page views), and a comment every
# 2 seconds (1 visit in 4 comments: generous, since posts are what losing a host can lose). The
# spike is ten times that, as when a story is picked up nationally or shared widely.
NORMAL_VISITS = 2.0
NORMAL_POSTS = 0.5
SPIKE_FACTOR = 10
KINDS = ("page", "counts", "list", "post")
TIMEOUT = 10.0  # seconds for any one socket operation: longer, and the reader has given up
THREADS = 256  # at most this many arrivals in flight; more wait (and count as late)
ACCEPT = "text/html,application/json"


@dataclass(frozen=True)
class Arrival:
    """One reader, due `due` seconds after the phase started; `number` is unique in the run."""

    due: float
    kind: str  # "visit" or "post"
    number: int
    listing: str
    article: str

    @property
    def address(self) -> str:
        """The reader's own loopback address (127.1.0.1 ...), which nginx passes on as
        X-Forwarded-For: rate limits apply per reader, as they would on the internet."""
        n = self.number % 62_500
        return f"127.1.{n // 250}.{n % 250 + 1}"


@dataclass
class Sample:
    """One request: status 0 with `error` set when no HTTP answer came."""

    kind: str
    due: float
    latency_ms: float
    status: int
    error: str = ""
    token: str = ""
    acknowledged: bool = False

    @property
    def outcome(self) -> str:
        return self.error or str(self.status)


@dataclass
class Phase:
    """What one phase sent and got back, and what it cost the machine."""

    name: str
    seconds: float
    rate_visits: float
    rate_posts: float
    samples: list[Sample] = field(default_factory=list)
    late_ms: list[float] = field(default_factory=list)  # each arrival's start after its due time
    most_in_flight: int = 0
    client_cpu_s: float = 0.0
    machine_busy: float = 0.0  # share of all cores busy, 0..1
    stack_cpu_s: dict[str, float] = field(default_factory=dict)  # by part: nginx, api1, ...
    events: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """nginx's HTTPS address, the CA that signed its certificate, and the run's marker."""

    host: str
    port: int
    context: ssl.SSLContext
    marker: str
    listings: dict[str, list[str]]
    texts: tuple[str, ...]


def plan(
    seconds: float,
    visits: float,
    posts: float,
    first: int,
    listings: list[str],
    articles: list[str],
    seed: int,
) -> list[Arrival]:
    """Poisson arrivals of visits and posts at these rates over `seconds`, in time order."""
    rng = random.Random(seed)
    arrivals: list[tuple[float, str]] = []
    for kind, rate in (("visit", visits), ("post", posts)):
        moment = rng.expovariate(rate) if rate > 0 else seconds
        while moment < seconds:
            arrivals.append((moment, kind))
            moment += rng.expovariate(rate)
    arrivals.sort()
    return [
        Arrival(due, kind, first + n, rng.choice(listings), rng.choice(articles))
        for n, (due, kind) in enumerate(arrivals)
    ]


class Reader:
    """One reader's keep-alive TLS connection to nginx, made again after an error."""

    def __init__(self, target: Target, address: str) -> None:
        self.target = target
        self.address = address
        self.connection: http.client.HTTPSConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes, str]:
        """(status, body, error): an error is the exception's name, with status 0."""
        headers = {"Accept": ACCEPT, "Accept-Encoding": "gzip", "User-Agent": "engage-spike"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            if self.connection is None:
                self.connection = http.client.HTTPSConnection(
                    self.target.host,
                    self.target.port,
                    timeout=TIMEOUT,
                    context=self.target.context,
                    source_address=(self.address, 0),
                )
            self.connection.request(method, path, body=body, headers=headers)
            answer = self.connection.getresponse()
            return answer.status, answer.read(), ""
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return 0, b"", type(error).__name__

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def counts_path(pages: list[str]) -> str:
    """As the widget asks: every card's page, encodeURIComponent'd, in one request."""
    return "/api/comments/counts?" + "&".join(f"page={quote(p, safe='')}" for p in pages)


def visit(target: Target, arrival: Arrival, started_at: float) -> list[Sample]:
    """A listing page and its counts, then an article and its comment list; the first request
    is timed from when the visit was due, the others from when the browser would send them."""
    reader = Reader(target, arrival.address)
    steps = [
        ("page", arrival.listing),
        ("counts", counts_path(target.listings[arrival.listing])),
        ("page", arrival.article),
        ("list", f"/api/comments?page={quote(arrival.article, safe='')}"),
    ]
    samples = []
    begun = started_at + arrival.due
    for kind, path in steps:
        status, _, error = reader.request("GET", path)
        samples.append(Sample(kind, arrival.due, (time.monotonic() - begun) * 1000, status, error))
        begun = time.monotonic()
    reader.close()
    return samples


def post(target: Target, arrival: Arrival, started_at: float) -> list[Sample]:
    """A new comment carrying a token of its own; acknowledged means 202 with an id."""
    token = f"{target.marker}-{arrival.number:06d}"
    text = target.texts[arrival.number % len(target.texts)]
    body = {"page": arrival.article, "body": f"{text}\n\nRef {token}.", "author": "Spike reader"}
    reader = Reader(target, arrival.address)
    status, answer, error = reader.request("POST", "/api/comments", json.dumps(body).encode())
    latency = (time.monotonic() - started_at - arrival.due) * 1000
    reader.close()
    acknowledged = False
    if status == 202:
        try:
            acknowledged = isinstance(json.loads(answer).get("id"), int)
        except ValueError:
            acknowledged = False
    return [Sample("post", arrival.due, latency, status, error, token, acknowledged)]


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(n) for n in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_phase(
    phase: Phase,
    target: Target,
    arrivals: list[Arrival],
    events: dict[float, tuple[str, Callable[[], None]]] | None = None,
    meter: CpuMeter | None = None,
) -> Phase:
    """Start every arrival on time (and each event, e.g. a kill, at its moment), wait for every
    answer, and keep what the phase cost this process, the stack's processes and the machine."""
    pending = sorted((events or {}).items())
    futures: list[Future[list[Sample]]] = []
    in_flight = 0
    lock = threading.Lock()

    def timed(arrival: Arrival, started_at: float) -> list[Sample]:
        nonlocal in_flight
        with lock:
            in_flight += 1
            phase.most_in_flight = max(phase.most_in_flight, in_flight)
        phase.late_ms.append((time.monotonic() - started_at - arrival.due) * 1000)
        try:
            work = visit if arrival.kind == "visit" else post
            return work(target, arrival, started_at)
        finally:
            with lock:
                in_flight -= 1

    def act(moment: float, name: str, action: Callable[[], None]) -> None:
        _sleep_until(started_at + moment)
        if meter:
            meter.snapshot()  # what a process about to be killed has used so far
        action()
        phase.events[name] = time.monotonic() - started_at

    if meter:
        meter.start()
    cpu, (busy, total) = client_cpu(), machine_ticks()
    with ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="reader") as pool:
        started_at = time.monotonic()
        for arrival in arrivals:
            while pending and pending[0][0] <= arrival.due:
                moment, (name, action) = pending.pop(0)
                act(moment, name, action)
            _sleep_until(started_at + arrival.due)
            futures.append(pool.submit(timed, arrival, started_at))
        for moment, (name, action) in pending:
            act(moment, name, action)
        _sleep_until(started_at + phase.seconds)
        for future in futures:
            phase.samples.extend(future.result())
    busy_now, total_now = machine_ticks()
    phase.client_cpu_s = client_cpu() - cpu
    phase.machine_busy = (busy_now - busy) / max(total_now - total, 1)
    if meter:
        phase.stack_cpu_s = meter.used()
    return phase


def _sleep_until(moment: float) -> None:
    left = moment - time.monotonic()
    if left > 0:
        time.sleep(left)


def tls_context(ca: str) -> ssl.SSLContext:
    """Trusts only the run's own certificate (nothing from the environment)."""
    context = ssl.create_default_context(cafile=ca)
    context.set_alpn_protocols(["http/1.1"])
    return context
