"""The shared corpora the text benchmark reads, and how each one's labels are made scoreable.

The corpora live outside the repository (`../shared` by default) because they are shared between
worktrees and are not ours to ship; tests never read them, only benchmarks do.

External sets are scored as `corpora/external/README.md` says:
- test-case files (records carrying `meta.annotated_types`) are complete only for the type under
  test, so each record is scored on those types alone;
- WNUT17 labels every person and place, public figures and countries included, so it is used only
  for NAME and LOCATION recall;
- labels that `hipaa_label_map.json` maps to null are not Safe Harbor identifiers: they are neither
  misses nor, when a tool finds them, false alarms.
On top of the map, two kinds of gold span are set aside everywhere because Safe Harbor does not cover
them and the corpora label them anyway: ages of 89 and under, and bare years.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEV_FILE = Path("corpora/dev_posts.jsonl")
EXTERNAL_DIR = Path("corpora/external")

# Scored in this order; a set missing from the shared folder is reported as missing, not an error.
EXTERNAL_SETS = (
    "presidio_research_synth_v2",
    "presidio_research_generated_large",
    "presidio_analyzer_tests",
    "phileas_filter_tests",
    "wnut17_emerging_entities",
)
# WNUT17 annotates people and places only; the README restricts it to recall on these two.
WNUT_TYPES = frozenset({"NAME", "LOCATION"})

_FIRST_NUMBER = re.compile(r"\d+")
_BARE_YEAR = re.compile(r"\s*(?:in\s+)?(?:1[89]|20)\d\d\s*[.,]?\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    type: str  # always in the dev_posts vocabulary (NAME, DATE, ..., CONFIRMS_PATIENT)


@dataclass(frozen=True, slots=True)
class DevItem:
    id: str
    kind: str
    text: str
    in_reply_to: str | None
    violation: bool
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class ExternalRecord:
    id: str
    text: str
    gold: tuple[Span, ...]
    # Regions carrying a label that is not scored (null in the map, young ages, bare years): a
    # prediction overlapping one is neither a hit nor a false alarm.
    ignored: tuple[tuple[int, int], ...]
    # The corpus-vocabulary types this record can be scored on; for test-case files, the types
    # under test, for the other sets every type the set's map produces.
    scored_types: frozenset[str]


@dataclass(slots=True)
class ExternalSet:
    name: str
    records: list[ExternalRecord]
    total_records: int
    precision_scored: bool  # only where annotation is complete for the scored types
    excluded: Counter[str] = field(default_factory=Counter)  # why gold spans were set aside


def find_shared(explicit: Path | None) -> Path:
    """--shared, then $PHIGATE_SHARED, then ../shared beside the repository; exit if none holds data."""
    if explicit is not None:
        shared = explicit
    elif os.environ.get("PHIGATE_SHARED"):
        shared = Path(os.environ["PHIGATE_SHARED"])
    else:
        shared = ROOT.parent / "shared"
    if not (shared / DEV_FILE).is_file():
        raise SystemExit(
            f"bench: no {DEV_FILE} under {shared.resolve()}.\n"
            "Point the benchmark at the shared folder with --shared PATH or PHIGATE_SHARED=PATH."
        )
    return shared


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_dev(shared: Path) -> list[DevItem]:
    items = []
    for row in _read_jsonl(shared / DEV_FILE):
        spans = tuple(Span(p["start"], p["end"], p["type"]) for p in row["phi"])
        items.append(
            DevItem(
                id=row["id"],
                kind=row["kind"],
                text=row["text"],
                in_reply_to=row.get("in_reply_to"),
                violation=row["label"] == "violation",
                spans=spans,
            )
        )
    return items


def _not_safe_harbor(text: str, span_type: str) -> str | None:
    """Why a mapped gold span is still not a Safe Harbor identifier, or None when it is one."""
    if span_type == "AGE":
        number = _FIRST_NUMBER.search(text)
        if number and int(number.group()) <= 89:
            return "AGE of 89 or under"
    if span_type == "DATE" and _BARE_YEAR.fullmatch(text):
        return "DATE that is a bare year"
    return None


def _sample(rows: list[dict[str, Any]], limit: int, seed: str) -> list[dict[str, Any]]:
    """A seeded sample kept in file order: the files are sorted by source (Presidio's tests by
    recognizer, WNUT17 by split), so the first N would cover only a few types or one platform."""
    if limit <= 0 or limit >= len(rows):
        return rows
    chosen = sorted(random.Random(seed).sample(range(len(rows)), limit))
    return [rows[i] for i in chosen]


def load_external(shared: Path, limit: int) -> tuple[list[ExternalSet], list[str]]:
    """The external sets present under `shared`, each sampled to `limit` records (0 = all)."""
    folder = shared / EXTERNAL_DIR
    map_file = folder / "hipaa_label_map.json"
    if not map_file.is_file():
        # Without the map no external label can be scored; dev_posts alone is still worth running.
        return [], list(EXTERNAL_SETS)
    label_map: dict[str, dict[str, str | None]] = json.loads(map_file.read_text(encoding="utf-8"))
    sets, missing = [], []
    for name in EXTERNAL_SETS:
        path = folder / f"{name}.jsonl"
        if not path.is_file() or name not in label_map:
            missing.append(name)
            continue
        rows = _read_jsonl(path)
        mapping = label_map[name]
        set_types: set[str] = {t for t in mapping.values() if t}
        if name.startswith("wnut17"):
            set_types &= WNUT_TYPES
        is_test_cases = any((r.get("meta") or {}).get("annotated_types") for r in rows)
        current = ExternalSet(name, [], len(rows), precision_scored=is_test_cases)
        for row in _sample(rows, limit, seed=name):
            annotated = (row.get("meta") or {}).get("annotated_types")
            scored: set[str]
            if annotated:
                scored = {t for a in annotated if (t := mapping.get(a))} & set_types
            else:
                scored = set(set_types)
            if not scored:
                # e.g. Presidio's ABA routing-number tests: nothing in them is Safe Harbor PHI.
                current.excluded["record testing a non-Safe-Harbor type"] += 1
                continue
            gold, ignored = [], []
            for raw in row["spans"]:
                mapped = mapping.get(raw["type"])
                region = (raw["start"], raw["end"])
                if annotated and raw["type"] not in annotated:
                    ignored.append(region)  # outside the test's scope: neither hit nor miss
                    continue
                if not mapped or mapped not in scored:
                    current.excluded[f"{raw['type']} (not scored)"] += 1
                    ignored.append(region)
                    continue
                why = _not_safe_harbor(row["text"][raw["start"] : raw["end"]], mapped)
                if why:
                    current.excluded[why] += 1
                    ignored.append(region)
                    continue
                gold.append(Span(raw["start"], raw["end"], mapped))
            current.records.append(
                ExternalRecord(
                    row["id"], row["text"], tuple(gold), tuple(ignored), frozenset(scored)
                )
            )
        sets.append(current)
    return sets, missing
