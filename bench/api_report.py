"""Feedback API benchmark: the targets judged, the table of results, and every run's details."""

from __future__ import annotations

from dataclasses import dataclass

from bench.api_load import Load
from bench.api_settings import LABELS, MEASURES, NO_SLOWER_TOLERANCE


@dataclass
class Verdict:
    measure: str
    target: str
    met: bool | None  # None: cannot be judged (a server was not run)


def verdicts(isso: dict[str, Load], ours: dict[str, Load]) -> list[Verdict]:
    def ratio(name: str) -> float | None:
        if name in isso and name in ours and isso[name].rps:
            return ours[name].rps / isso[name].rps
        return None

    out = []
    if "list" in ours:
        r = ratio("list")
        met = None if r is None else r >= 50 and ours["list"].p99_ms < 100
        out.append(Verdict("list", ">= 50x Isso and our p99 < 100 ms", met))
    if "counts" in ours:
        out.append(Verdict("counts", ">= 3,000 req/s", ours["counts"].rps >= 3000))
    if "counts_100k" in ours:
        floor = ours["counts"].rps * (1 - NO_SLOWER_TOLERANCE)
        met = ours["counts_100k"].rps >= floor
        out.append(Verdict("counts_100k", "no slower than with 200 (-10% noise)", met))
    if "post" in ours:
        r = ratio("post")
        out.append(Verdict("post", ">= 1.5x Isso", None if r is None else r >= 1.5))
    return out


def problems(name: str, results: dict[str, Load]) -> list[str]:
    """Every non-2xx answer, socket error or lost post, by server and measure."""
    found = []
    for measure_name, load in results.items():
        if load.non_2xx:
            found.append(f"{name} {measure_name}: {load.non_2xx} non-2xx/3xx answers")
        if load.socket_errors:
            found.append(f"{name} {measure_name}: {load.socket_errors} socket errors/timeouts")
        found += [f"{name} {measure_name}: {problem}" for problem in load.problems]
    return found


def _fmt_rps(load: Load | None) -> str:
    return f"{load.rps:,.0f}" if load else "-"


def _fmt_lat(load: Load | None) -> str:
    return f"{load.p50_ms:.1f} / {load.p99_ms:.1f}" if load else "-"


def table(isso: dict[str, Load], ours: dict[str, Load]) -> str:
    judged = {v.measure: v for v in verdicts(isso, ours)}
    head = (
        "Measure",
        "Isso req/s",
        "ours req/s",
        "ours/Isso",
        "Isso p50/p99 ms",
        "ours p50/p99 ms",
        "Target",
        "",
    )
    rows = [head]
    for name in MEASURES:
        a, b = isso.get(name), ours.get(name)
        if a is None and b is None:
            continue
        verdict = judged.get(name)
        mark = "" if verdict is None else {True: "ok", False: "MISSED", None: "n/a"}[verdict.met]
        rows.append(
            (
                LABELS[name],
                _fmt_rps(a),
                _fmt_rps(b),
                f"{b.rps / a.rps:.1f}x" if a and b and a.rps else "-",
                _fmt_lat(a),
                _fmt_lat(b),
                verdict.target if verdict else "(information)",
                mark,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def details(name: str, results: dict[str, Load]) -> list[str]:
    lines = []
    for measure_name in MEASURES:
        load = results.get(measure_name)
        if load is None:
            continue
        stored = "" if load.stored is None else f", {load.stored:,} stored"
        notes = "".join(f"; {note}" for note in [*load.notes, *load.problems])
        lines.append(
            f"  {name:4} {LABELS[measure_name]}: {load.requests:,} requests in "
            f"{load.seconds:.1f} s, non-2xx {load.non_2xx}, socket errors "
            f"{load.socket_errors}{stored}{notes}"
        )
    return lines
