"""Turning detections into figures: verdict rates, span recall and precision, latency percentiles."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from corpora import DevItem, ExternalSet, Span
from detectors import Detection, Found

# dev_posts.md: these boundaries are judgement calls, so they are scored by overlap; every other type
# has crisp boundaries and must match exactly.
OVERLAP_TYPES = frozenset({"OTHER_ID", "CONFIRMS_PATIENT"})


@dataclass(slots=True)
class Ratio:
    hits: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None

    def as_json(self) -> dict[str, float | int | None]:
        return {"value": self.value, "hits": self.hits, "total": self.total}


@dataclass(slots=True)
class SpanScore:
    recall: Ratio
    precision: Ratio

    def as_json(self) -> dict[str, object]:
        return {"recall": self.recall.as_json(), "precision": self.precision.as_json()}


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def dev_match(gold: Span, found: Found) -> bool:
    if gold.type != found.type:
        return False
    if gold.type in OVERLAP_TYPES:
        return _overlaps(gold.start, gold.end, found.start, found.end)
    return (gold.start, gold.end) == (found.start, found.end)


# ------------------------------------------------------------------------------------ verdicts
def verdict_rates(
    items: Sequence[DevItem], detections: Sequence[Detection], flag: Callable[[Detection], bool]
) -> dict[str, Ratio]:
    """Violation recall and false-alarm rate, overall and for posts and replies separately."""
    rates = {
        f"{scope}{what}": Ratio()
        for scope in ("", "post ", "reply ")
        for what in ("recall", "false alarms")
    }
    for item, detection in zip(items, detections, strict=True):
        what = "recall" if item.violation else "false alarms"
        for scope in ("", f"{item.kind} "):
            rates[f"{scope}{what}"].total += 1
            rates[f"{scope}{what}"].hits += flag(detection)
    return rates


# ------------------------------------------------------------------------------------ spans
def dev_spans(items: Sequence[DevItem], detections: Sequence[Detection]) -> dict[str, SpanScore]:
    """Per type, plus "all types" (micro) and "any type, overlap" (recall only, type-agnostic)."""
    scores: dict[str, SpanScore] = {}

    def cell(kind: str) -> SpanScore:
        return scores.setdefault(kind, SpanScore(Ratio(), Ratio()))

    agnostic = Ratio()
    for item, detection in zip(items, detections, strict=True):
        for gold in item.spans:
            hit = any(dev_match(gold, f) for f in detection.spans)
            for kind in (gold.type, "all types"):
                cell(kind).recall.total += 1
                cell(kind).recall.hits += hit
            agnostic.total += 1
            agnostic.hits += any(
                _overlaps(gold.start, gold.end, f.start, f.end) for f in detection.spans
            )
        for found in detection.spans:
            correct = any(dev_match(gold, found) for gold in item.spans)
            for kind in (found.type, "all types"):
                cell(kind).precision.total += 1
                cell(kind).precision.hits += correct
    scores["any type, overlap"] = SpanScore(agnostic, Ratio())
    return scores


def external_spans(dataset: ExternalSet, detections: Sequence[Detection]) -> dict[str, SpanScore]:
    """Type-aware overlap recall per type (corpora disagree on whether "Mr." or "in" belong to a
    span, so exact boundaries would measure convention, not detection), plus a type-agnostic line.
    Precision only where the set is complete for the scored types (the test-case files)."""
    scores: dict[str, SpanScore] = {}

    def cell(kind: str) -> SpanScore:
        return scores.setdefault(kind, SpanScore(Ratio(), Ratio()))

    agnostic = Ratio()
    for record, detection in zip(dataset.records, detections, strict=True):
        for gold in record.gold:
            hit = any(
                f.type == gold.type and _overlaps(gold.start, gold.end, f.start, f.end)
                for f in detection.spans
            )
            for kind in (gold.type, "all types"):
                cell(kind).recall.total += 1
                cell(kind).recall.hits += hit
            agnostic.total += 1
            agnostic.hits += any(
                _overlaps(gold.start, gold.end, f.start, f.end) for f in detection.spans
            )
        if not dataset.precision_scored:
            continue
        for found in detection.spans:
            if found.type not in record.scored_types:
                continue
            correct = any(
                g.type == found.type and _overlaps(g.start, g.end, found.start, found.end)
                for g in record.gold
            )
            if not correct and any(
                _overlaps(s, e, found.start, found.end) for s, e in record.ignored
            ):
                continue  # a hit on a label that is not scored is not a false alarm
            for kind in (found.type, "all types"):
                cell(kind).precision.total += 1
                cell(kind).precision.hits += correct
    scores["any type, overlap"] = SpanScore(agnostic, Ratio())
    return scores


# ------------------------------------------------------------------------------------ timing
def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: an observed value, no interpolation between two posts."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass(frozen=True, slots=True)
class Timing:
    posts_per_s: float
    p50_ms: float
    p99_ms: float
    p50_280_ms: float | None
    n_280: int

    @classmethod
    def of(cls, items: Sequence[DevItem], latencies_s: Sequence[float]) -> Timing:
        ms = [s * 1000 for s in latencies_s]
        tweet = [m for item, m in zip(items, ms, strict=True) if 250 <= len(item.text) <= 310]
        return cls(
            posts_per_s=len(ms) / sum(latencies_s),
            p50_ms=statistics.median(ms),
            p99_ms=percentile(ms, 0.99),
            p50_280_ms=statistics.median(tweet) if tweet else None,
            n_280=len(tweet),
        )
