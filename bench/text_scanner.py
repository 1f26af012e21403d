"""Benchmark phigate's text scanner beside Microsoft Presidio on the shared corpora, in one run.

    make bench-text                                     # installs the bench extra first
    .venv/bin/python bench/text_scanner.py --limit 100 --json bench/results/text.json
    .venv/bin/python bench/text_scanner.py --phigate-only --errors 10

Accuracy and speed are measured in this process, pinned to one CPU with math libraries limited to
one thread, the two tools interleaved post by post so that both see the same machine state.
Start-up time and peak memory are measured in a fresh subprocess per tool (`--probe`), since
both depend on what is already imported. See bench/README.md for what every figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console

# Run as a script, so the helpers beside this file import as top-level modules.
from corpora import DevItem, ExternalSet, find_shared, load_dev, load_external
from detectors import (
    LABELS,
    PHIGATE_FLAG_RULE,
    PRESIDIO_FLAG_RULE,
    PRESIDIO_REFERENCE_THRESHOLD,
    PRESIDIO_TO_CORPUS,
    TOOLS,
    UNMAPPED_PRESIDIO_TYPES,
    Detect,
    Detection,
    build,
    build_detection,
    versions,
)
from rendering import print_all
from scoring import Timing, dev_spans, external_spans, verdict_rates

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
WARMUP_POSTS = 20
# Presidio scans about 25-40 short texts a second on one core (64/s measured on the project's machine);
# 800 records from each external set means about 4,300 Presidio scans in all, under 3 minutes at
# 25/s, so a default run stays well inside 5 minutes on a 2-core machine.
DEFAULT_LIMIT = 800
TARGET_RECALL, TARGET_FALSE_ALARMS = 0.98, 0.10
TARGET_SPEEDUP, TARGET_P50_MS, TARGET_STARTUP_S = 5.0, 5.0, 3.0
DASH = "—"


def limit_threads() -> None:
    """One math-library thread, set before spaCy/numpy load their BLAS (it reads these once)."""
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"


def pin_to_one_cpu() -> int:
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def _mib(kib: int) -> float:
    return kib / 1024  # Linux reports ru_maxrss in KiB


# ------------------------------------------------------------------ start-up and memory probe
def probe(tool: str, shared: Path) -> dict[str, float]:
    """Runs in a fresh interpreter: time import + build + first scan, then peak RSS over dev_posts."""
    limit_threads()
    pin_to_one_cpu()
    dev = load_dev(shared)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    detect = build(tool)
    detect(dev[0].text, dev[0].kind, dev[0].in_reply_to)
    startup = time.perf_counter() - started
    for item in dev:
        detect(item.text, item.kind, item.in_reply_to)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "startup_s": startup,
        "peak_rss_mib": _mib(peak),
        "tool_rss_mib": _mib(peak - baseline),
    }


def run_probe(tool: str, shared: Path) -> dict[str, float]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--probe",
        tool,
        "--shared",
        str(shared),
    ]
    env = {**os.environ, **dict.fromkeys(THREAD_VARIABLES, "1")}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench: the {tool} start-up probe failed:\n{done.stderr[-4000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# ------------------------------------------------------------------ the main measurement
def scan_dev(
    detectors: dict[str, Detect], dev: list[DevItem]
) -> tuple[dict[str, list[Detection]], dict[str, list[float]]]:
    for detect in detectors.values():
        for item in dev[:WARMUP_POSTS]:
            detect(item.text, item.kind, item.in_reply_to)
    detections: dict[str, list[Detection]] = {t: [] for t in detectors}
    latencies: dict[str, list[float]] = {t: [] for t in detectors}
    order = list(detectors)
    for index, item in enumerate(dev):
        # Alternate which tool goes first, so neither always inherits the other's warm caches.
        for tool in order if index % 2 == 0 else order[::-1]:
            started = time.perf_counter()
            detection = detectors[tool](item.text, item.kind, item.in_reply_to)
            latencies[tool].append(time.perf_counter() - started)
            detections[tool].append(detection)
    return detections, latencies


def scan_external(detect: Detect, dataset: ExternalSet) -> list[Detection]:
    # The external corpora are not social-media posts of ours; scanning them as posts is the closest.
    return [detect(record.text, "post", None) for record in dataset.records]


def targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    tools = figures["config"]["tools"]
    verdict = figures["dev"]["tools"]["phigate"]["verdict"]
    recall, alarms = verdict["recall"]["value"], verdict["false alarms"]["value"]
    speed = figures["speed"]
    found = [
        {
            "target": f"violation recall >= {TARGET_RECALL} with false alarms <= "
            f"{TARGET_FALSE_ALARMS:.0%}",
            "measured": f"recall {recall:.3f}, false alarms {alarms:.3f}",
            "pass": recall >= TARGET_RECALL and alarms <= TARGET_FALSE_ALARMS,
        }
    ]
    if "presidio" in tools:
        speedup = speed["phigate"]["posts_per_s"] / speed["presidio"]["posts_per_s"]
        found.append(
            {
                "target": f"throughput >= {TARGET_SPEEDUP:.0f}x Presidio's, same run",
                "measured": f"{speedup:.1f}x",
                "pass": speedup >= TARGET_SPEEDUP,
            }
        )
    else:
        found.append(
            {
                "target": f"throughput >= {TARGET_SPEEDUP:.0f}x Presidio's, same run",
                "measured": "not measured (--phigate-only)",
                "pass": None,
            }
        )
    p50 = speed["phigate"]["p50_280_ms"]
    found.append(
        {
            "target": f"p50 <= {TARGET_P50_MS:.0f} ms for a 280-character post (250-310 chars), "
            "after warm-up",
            "measured": DASH if p50 is None else f"{p50:.2f} ms",
            "pass": None if p50 is None else p50 <= TARGET_P50_MS,
        }
    )
    startup = speed["phigate"]["startup_s"]
    found.append(
        {
            "target": f"start-up <= {TARGET_STARTUP_S:.0f} s (import + first scan)",
            "measured": f"{startup:.2f} s",
            "pass": startup <= TARGET_STARTUP_S,
        }
    )
    return found


def measure(
    args: argparse.Namespace, shared: Path, console: Console
) -> tuple[dict[str, Any], list[DevItem], dict[str, list[Detection]]]:
    tools = ["phigate"] if args.phigate_only else list(TOOLS)
    dev = load_dev(shared)
    external, missing = load_external(shared, args.limit)
    speed: dict[str, dict[str, Any]] = {}
    with console.status("start-up probes") as status:
        for tool in tools:
            status.update(f"start-up and memory probe: {LABELS[tool]} (fresh process)")
            speed[tool] = run_probe(tool, shared)
        limit_threads()
        cpu = pin_to_one_cpu()
        status.update("building the tools in this process")
        detectors = {tool: build(tool) for tool in tools}
        status.update(f"dev_posts: {len(dev)} items, tools interleaved")
        detections, latencies = scan_dev(detectors, dev)
        # External sets measure detection: phigate's every identifier, not only patient-linked ones.
        detectors = {tool: build_detection(tool) for tool in tools}
        external_figures: dict[str, Any] = {}
        for dataset in external:
            external_figures[dataset.name] = {
                "records": len(dataset.records),
                "total_records": dataset.total_records,
                "precision_scored": dataset.precision_scored,
                "excluded": dict(dataset.excluded),
                "tools": {},
            }
            for tool in tools:
                status.update(f"{dataset.name}: {LABELS[tool]}")
                found = scan_external(detectors[tool], dataset)
                external_figures[dataset.name]["tools"][tool] = {
                    kind: score.as_json() for kind, score in external_spans(dataset, found).items()
                }
    dev_figures: dict[str, Any] = {"items": len(dev), "tools": {}}
    for tool in tools:
        found = detections[tool]
        per_tool: dict[str, Any] = {
            "verdict": _json(verdict_rates(dev, found, lambda d: d.flagged)),
            "spans": {k: s.as_json() for k, s in dev_spans(dev, found).items()},
        }
        if tool == "phigate":
            per_tool["block_only"] = _json(verdict_rates(dev, found, lambda d: d.blocked))
        else:
            per_tool["reference_threshold"] = _json(
                verdict_rates(
                    dev,
                    found,
                    lambda d: any(s.score >= PRESIDIO_REFERENCE_THRESHOLD for s in d.spans),
                )
            )
        dev_figures["tools"][tool] = per_tool
        timing = Timing.of(dev, latencies[tool])
        speed[tool].update(
            posts_per_s=timing.posts_per_s,
            p50_ms=timing.p50_ms,
            p99_ms=timing.p99_ms,
            p50_280_ms=timing.p50_280_ms,
            n_280=timing.n_280,
        )
    figures: dict[str, Any] = {
        "config": {
            "tools": tools,
            "shared": str(shared.resolve()),
            "limit_per_external_set": args.limit,
            "cpu": cpu,
            "warmup": WARMUP_POSTS,
            "versions": versions(),
            "flag_rules": {"phigate": PHIGATE_FLAG_RULE, "presidio": PRESIDIO_FLAG_RULE},
            "presidio_reference_threshold": PRESIDIO_REFERENCE_THRESHOLD,
            "presidio_to_corpus": PRESIDIO_TO_CORPUS,
        },
        "dev": dev_figures,
        "speed": speed,
        "external": external_figures,
        "missing_external": missing,
        "unmapped_presidio_types": sorted(UNMAPPED_PRESIDIO_TYPES),
    }
    figures["targets"] = targets(figures)
    return figures, dev, detections


def _json(rates: dict[str, Any]) -> dict[str, Any]:
    return {k: r.as_json() for k, r in rates.items()}


def print_errors(console: Console, dev: list[DevItem], found: list[Detection], n: int) -> None:
    """phigate's misses and false alarms on dev_posts, text included: the set is invented, and this
    is opt-in so that a routine run never prints post text."""
    for title, wanted in (("missed violations", True), ("false alarms", False)):
        shown = [
            (item, detection)
            for item, detection in zip(dev, found, strict=True)
            if item.violation == wanted and detection.flagged != wanted
        ]
        console.rule(f"phigate {title}: {min(n, len(shown))} of {len(shown)}")
        for item, detection in shown[:n]:
            expected = ", ".join(s.type for s in item.spans) or DASH
            got = ", ".join(f"{f.type}@{f.start}" for f in detection.spans) or DASH
            console.print(f"[bold]{item.id}[/] ({item.kind}) expected: {expected}; found: {got}")
            console.print(item.text, markup=False, highlight=False)
            if item.in_reply_to:
                console.print(f"  in reply to: {item.in_reply_to}", markup=False, highlight=False)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared",
        type=Path,
        help="the shared folder holding corpora/ (default: $PHIGATE_SHARED, else ../shared)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help=f"records per external set, a seeded sample; 0 = all (default {DEFAULT_LIMIT})",
    )
    parser.add_argument("--phigate-only", action="store_true", help="skip Presidio")
    parser.add_argument(
        "--errors",
        type=int,
        default=0,
        metavar="N",
        help="print up to N phigate misses and N false alarms on dev_posts, with their text",
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="write every figure to OUT")
    parser.add_argument("--probe", choices=TOOLS, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    shared = find_shared(args.shared)
    if args.probe:
        print(json.dumps(probe(args.probe, shared)))
        return
    console = Console()
    figures, dev, detections = measure(args, shared, console)
    print_all(console, figures)
    if args.errors:
        print_errors(console, dev, detections["phigate"], args.errors)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        console.print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
