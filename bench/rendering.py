"""Rich tables over the figures dictionary, the same dictionary that `--json` writes.

Printing reads only that dictionary, so the console and the JSON file cannot disagree.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from detectors import LABELS

Figures = dict[str, Any]
DASH = "—"


def _rate(cell: dict[str, Any] | None, counts: bool = True) -> str:
    if not cell or cell.get("value") is None:
        return DASH
    text = f"{cell['value']:.3f}"
    return f"{text} ({cell['hits']}/{cell['total']})" if counts else text


def _number(value: float | None, digits: int) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def _ratio(mine: float | None, theirs: float | None) -> str:
    if mine is None or theirs is None or theirs == 0:
        return DASH
    return f"{mine / theirs:.2f}"


def _value(cell: dict[str, Any] | None) -> float | None:
    return None if not cell else cell.get("value")


def _table(title: str, tools: list[str], caption: str | None = None) -> Table:
    table = Table(title=title, caption=caption, title_justify="left", caption_justify="left")
    table.add_column("figure")
    for tool in tools:
        table.add_column(LABELS[tool], justify="right")
    if len(tools) == 2:
        table.add_column("phigate/Presidio", justify="right")
    return table


def verdict_table(figures: Figures) -> Table:
    tools: list[str] = figures["config"]["tools"]
    dev = figures["dev"]
    rules = figures["config"]["flag_rules"]
    table = _table(
        f"dev_posts.jsonl — post-level verdicts ({dev['items']} items)",
        tools,
        caption="\n".join(rules[t] for t in tools),
    )
    rows = [
        ("violation recall", "verdict", "recall"),
        ("false-alarm rate on compliant", "verdict", "false alarms"),
        ("  posts: violation recall", "verdict", "post recall"),
        ("  posts: false-alarm rate", "verdict", "post false alarms"),
        ("  replies: violation recall", "verdict", "reply recall"),
        ("  replies: false-alarm rate", "verdict", "reply false alarms"),
        ("block only: violation recall", "block_only", "recall"),
        ("block only: false-alarm rate", "block_only", "false alarms"),
    ]
    for label, group, key in rows:
        cells = [dev["tools"][t][group][key] if group in dev["tools"][t] else None for t in tools]
        row = [label, *(_rate(c) for c in cells)]
        if len(tools) == 2:
            row.append(_ratio(_value(cells[0]), _value(cells[1])))
        table.add_row(*row)
    reference = dev["tools"].get("presidio", {}).get("reference_threshold")
    if reference:
        threshold = figures["config"]["presidio_reference_threshold"]
        for label, key in (("recall", "recall"), ("false-alarm rate", "false alarms")):
            row = [f"Presidio score >= {threshold} (not its default): {label}"]
            row += [DASH if t == "phigate" else _rate(reference[key]) for t in tools]
            table.add_row(*row, DASH)
    return table


def speed_table(figures: Figures) -> Table:
    tools: list[str] = figures["config"]["tools"]
    speed = figures["speed"]
    n_280 = speed[tools[0]]["n_280"]
    table = _table(
        "Speed and footprint — one CPU, one post at a time, 1 math-library thread",
        tools,
        caption=(
            "Throughput and latency: every dev post once after "
            f"{figures['config']['warmup']} warm-up posts, tools interleaved in one process. "
            "Start-up and memory: a fresh subprocess per tool. Peak memory is ru_maxrss (peak "
            "resident set) of that subprocess after import, first scan and a pass over dev_posts; "
            "'over baseline' subtracts its ru_maxrss before the tool was imported."
        ),
    )
    rows: list[tuple[str, str, int]] = [
        ("posts/s", "posts_per_s", 1),
        ("p50 latency, ms", "p50_ms", 2),
        ("p99 latency, ms", "p99_ms", 2),
        (f"p50 latency, 250-310-char posts (n={n_280}), ms", "p50_280_ms", 2),
        ("start-up (import + build + first scan), s", "startup_s", 2),
        ("peak memory (ru_maxrss), MiB", "peak_rss_mib", 0),
        ("  over baseline interpreter, MiB", "tool_rss_mib", 0),
    ]
    for label, key, digits in rows:
        values = [speed[t].get(key) for t in tools]
        row = [label, *(_number(v, digits) for v in values)]
        if len(tools) == 2:
            row.append(_ratio(values[0], values[1]))
        table.add_row(*row)
    return table


def targets_table(figures: Figures) -> Table:
    table = Table(title="Targets from the issue (phigate)", title_justify="left")
    table.add_column("target")
    table.add_column("measured", justify="right")
    table.add_column("result")
    for target in figures["targets"]:
        verdict = {True: "[green]PASS[/]", False: "[red]FAIL[/]", None: "n/a"}[target["pass"]]
        table.add_row(target["target"], target["measured"], verdict)
    return table


def _span_rows(
    table: Table, tools: list[str], per_tool: dict[str, dict[str, Any]], precision: bool
) -> None:
    kinds = sorted({k for t in tools for k in per_tool[t]} - {"all types", "any type, overlap"})
    for kind in [*kinds, "all types", "any type, overlap"]:
        cells = [per_tool[t].get(kind) for t in tools]
        recalls = [c["recall"] if c else None for c in cells]
        total = next((r["total"] for r in recalls if r), 0)
        row = [kind, str(total) if total else DASH]
        row += [_rate(r) for r in recalls]
        if len(tools) == 2:
            row.append(_ratio(_value(recalls[0]), _value(recalls[1])))
        if precision:
            row += [_rate(c["precision"] if c else None) for c in cells]
        table.add_row(*row)


def _span_table(title: str, tools: list[str], precision: bool, caption: str) -> Table:
    table = Table(title=title, caption=caption, title_justify="left", caption_justify="left")
    table.add_column("type")
    table.add_column("gold", justify="right")
    for tool in tools:
        table.add_column(f"{LABELS[tool]} recall", justify="right")
    if len(tools) == 2:
        table.add_column("recall ratio", justify="right")
    if precision:
        for tool in tools:
            table.add_column(f"{LABELS[tool]} precision", justify="right")
    return table


def dev_span_table(figures: Figures) -> Table:
    tools: list[str] = figures["config"]["tools"]
    table = _span_table(
        "dev_posts.jsonl — span recall and precision per type",
        tools,
        precision=True,
        caption=(
            "Exact start/end and type, except OTHER_ID and CONFIRMS_PATIENT: same type and any "
            "overlap (their boundaries are judgement calls). Precision counts every span a tool "
            "reports, compliant posts included. 'any type, overlap': a gold span overlapped by any "
            "finding of any type (recall only)."
        ),
    )
    _span_rows(table, tools, {t: figures["dev"]["tools"][t]["spans"] for t in tools}, True)
    return table


def external_tables(figures: Figures) -> list[Table]:
    tools: list[str] = figures["config"]["tools"]
    tables = []
    for name, dataset in figures["external"].items():
        excluded = ", ".join(f"{why}: {n}" for why, n in sorted(dataset["excluded"].items()))
        how = (
            "each record scored only on its meta.annotated_types; precision too"
            if dataset["precision_scored"]
            else "recall only (annotation is not complete for precision)"
        )
        table = _span_table(
            f"{name} — {dataset['records']} of {dataset['total_records']} records "
            "(seeded sample), type-aware overlap",
            tools,
            precision=dataset["precision_scored"],
            caption=f"{how}. Set aside: {excluded or 'none'}.",
        )
        _span_rows(table, tools, dataset["tools"], dataset["precision_scored"])
        tables.append(table)
    return tables


def print_all(console: Console, figures: Figures) -> None:
    config = figures["config"]
    console.print(
        f"[bold]phigate text benchmark[/] — corpora: {config['shared']}; "
        + ", ".join(f"{k} {v}" for k, v in config["versions"].items())
    )
    console.print(verdict_table(figures))
    console.print(speed_table(figures))
    console.print(targets_table(figures))
    console.print(dev_span_table(figures))
    if figures["external"]:
        console.print(
            "External sets measure detection: phigate's figures count every identifier its "
            "recognizers find (Scanner.detect), before the patient-link filter that decides what "
            "a post's scan reports; these texts carry no care context. Presidio reports every "
            "entity it finds. presidio_analyzer_tests encodes Presidio's own expected outputs, "
            "so it favours Presidio by construction."
        )
    for table in external_tables(figures):
        console.print(table)
    if figures["missing_external"]:
        console.print(
            f"[yellow]external sets not found:[/] {', '.join(figures['missing_external'])}"
        )
    if figures["unmapped_presidio_types"]:
        console.print(
            "[yellow]Presidio entity types not in the map (dropped):[/] "
            + ", ".join(figures["unmapped_presidio_types"])
        )
