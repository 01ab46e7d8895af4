"""Spike benchmark: percentiles, the tables, and the check that no acknowledged post was lost."""

from __future__ import annotations

import collections
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bench.spike_load import KINDS, Phase, Sample


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (no interpolation: p99 of 10 samples is the largest)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


@dataclass
class Row:
    """One kind of request in one phase (or part of one)."""

    sent: int
    answered_2xx: int
    p50_ms: float | None
    p99_ms: float | None
    errors: dict[str, int]


def row(samples: Iterable[Sample]) -> Row:
    """Latency over every answer that came (any status): an error that came fast is no faster
    service, so errors are listed apart, and the latency of the 2xx answers is what is timed."""
    samples = list(samples)
    good = [s.latency_ms for s in samples if 200 <= s.status < 300]
    errors = collections.Counter(s.outcome for s in samples if not 200 <= s.status < 300)
    return Row(len(samples), len(good), percentile(good, 0.5), percentile(good, 0.99), dict(errors))


def rows(samples: Sequence[Sample]) -> dict[str, Row]:
    return {kind: row(s for s in samples if s.kind == kind) for kind in KINDS}


def split(phase: Phase, moment: float) -> tuple[list[Sample], list[Sample]]:
    """The phase's samples by whether their arrival was due before or after `moment`."""
    before = [s for s in phase.samples if s.due < moment]
    return before, [s for s in phase.samples if s.due >= moment]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "-"


def _errors(errors: dict[str, int]) -> str:
    return ", ".join(f"{n} {what}" for what, n in sorted(errors.items())) or "0"


def table(parts: Sequence[tuple[str, Sequence[Sample]]], anchor: dict[str, Row]) -> str:
    """Per part and kind: sent, 2xx, p50 and p99 (ms), errors, and p50/p99 against the anchor."""
    head = ("Phase", "Kind", "Sent", "2xx", "p50 ms", "p99 ms", "p50/anchor", "p99/anchor")
    lines = [(*head, "Errors")]
    for part, samples in parts:
        label = part
        for kind, got in rows(samples).items():
            base = anchor[kind]
            lines.append(
                (
                    label,
                    kind,
                    f"{got.sent:,}",
                    f"{got.answered_2xx:,}",
                    _ms(got.p50_ms),
                    _ms(got.p99_ms),
                    _ratio(got.p50_ms, base.p50_ms) if part != "anchor" else "",
                    _ratio(got.p99_ms, base.p99_ms) if part != "anchor" else "",
                    _errors(got.errors),
                )
            )
            label = ""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in out)


def throughput(phase: Phase) -> str:
    """Requests answered per second, and how late arrivals started (the load generator's own
    lag: near zero when it is not the bottleneck)."""
    answered = sum(1 for s in phase.samples if s.status)
    late = percentile(phase.late_ms, 0.99) or 0.0
    return (
        f"{phase.name}: {len(phase.samples):,} requests in {phase.seconds:.0f} s "
        f"({answered / phase.seconds:,.1f} answered/s; planned {phase.rate_visits:g} visits/s "
        f"+ {phase.rate_posts:g} posts/s); arrivals started p99 {late:.1f} ms late, "
        f"at most {phase.most_in_flight} in flight"
    )


def cpu_line(phase: Phase, cpus: int) -> str:
    """Each part's CPU as a share of one core over the phase, beside the machine's."""
    parts = [f"{name} {seconds / phase.seconds:.0%}" for name, seconds in phase.stack_cpu_s.items()]
    parts.append(f"load generator {phase.client_cpu_s / phase.seconds:.0%}")
    return (
        f"  CPU ({phase.name}, share of one core): {', '.join(parts)}; whole machine "
        f"{phase.machine_busy:.0%} busy of {cpus} cores, other work included"
    )


TOKEN = re.compile(r"Ref ([0-9a-f]{8}-\d{6})\.")


@dataclass
class Ledger:
    """Posts acknowledged (202 with an id) against the bodies stored, by their tokens."""

    sent: int
    acknowledged: set[str]
    stored: collections.Counter[str]
    not_acknowledged: collections.Counter[str] = field(default_factory=collections.Counter)

    @property
    def lost(self) -> set[str]:
        return self.acknowledged - set(self.stored)

    @property
    def stored_unacknowledged(self) -> set[str]:
        return set(self.stored) - self.acknowledged

    @property
    def duplicated(self) -> set[str]:
        return {token for token, n in self.stored.items() if n > 1}

    @property
    def ok(self) -> bool:
        return not self.lost and not self.duplicated


def ledger(phases: Sequence[Phase], bodies: Sequence[str]) -> Ledger:
    posts = [s for phase in phases for s in phase.samples if s.kind == "post"]
    stored = collections.Counter(m.group(1) for b in bodies if (m := TOKEN.search(b)))
    return Ledger(
        len(posts),
        {s.token for s in posts if s.acknowledged},
        stored,
        collections.Counter(s.outcome for s in posts if not s.acknowledged),
    )


def posts_report(book: Ledger) -> list[str]:
    lines = [
        f"Posts: {book.sent} sent, {len(book.acknowledged)} acknowledged (202 with an id), "
        f"{sum(book.stored.values())} stored ({len(book.stored)} distinct bodies)",
        f"  acknowledged but not stored: {len(book.lost)}"
        + (" <- FAILURE: an acknowledged comment was lost" if book.lost else ""),
        f"  stored twice or more: {len(book.duplicated)}"
        + (" <- FAILURE: a post was stored twice (retried)" if book.duplicated else ""),
        f"  stored but not acknowledged (the reader saw an error): "
        f"{len(book.stored_unacknowledged)}",
        f"  not acknowledged, by answer: {_errors(dict(book.not_acknowledged))}",
    ]
    kept = len(book.acknowledged & set(book.stored))
    verdict = "equal" if kept == len(book.acknowledged) else "NOT EQUAL: FAILURE"
    lines.append(f"  acknowledged {len(book.acknowledged)}, of them stored {kept}: {verdict}")
    return lines
