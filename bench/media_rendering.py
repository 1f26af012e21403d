"""Rich tables over the media figures dictionary (the one `--json` writes), so the two agree."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

Figures = dict[str, Any]
DASH = "—"


def _rate(cell: dict[str, Any] | None) -> str:
    if not cell or cell.get("value") is None:
        return DASH
    return f"{cell['value']:.3f} ({cell['hits']}/{cell['total']})"


def _mark(ok: bool | None) -> str:
    if ok is None:
        return DASH
    return "[green]met[/green]" if ok else "[red]NOT met[/red]"


def targets_table(figures: Figures) -> Table:
    table = Table(title="Issue 5 targets (media benchmark)", title_justify="left")
    for column in ("target", "measured", "goal", ""):
        table.add_column(column, justify="right" if column in ("measured", "goal") else "left")
    faces = figures["faces"]["recall"]
    tokens = figures["tokens"]["typed"]
    timing = figures["timing"].get("1080p")
    redaction = figures.get("redaction", {}).get("verified")

    def at_least(cell: dict[str, Any] | None, goal: float) -> bool | None:
        return None if not cell or cell.get("value") is None else cell["value"] >= goal

    table.add_row(
        "face recall on the face set", _rate(faces), ">= 0.95", _mark(at_least(faces, 0.95))
    )
    table.add_row(
        "identifier tokens in rendered text found (type matched)",
        _rate(tokens),
        ">= 0.95",
        _mark(at_least(tokens, 0.95)),
    )
    if timing:
        table.add_row(
            "seconds per 1080p image, one core (p50 / mean)",
            f"{timing['p50']:.2f} / {timing['mean']:.2f}",
            "<= 1.5",
            _mark(timing["mean"] <= 1.5 and timing["p50"] <= 1.5),
        )
    table.add_row(
        "redaction leaves nothing findable (Redaction.verified)",
        _rate(redaction),
        "1.000",
        _mark(None if not redaction or redaction["value"] is None else redaction["value"] == 1.0),
    )
    return table


def recall_table(figures: Figures) -> Table:
    table = Table(title="Recall per finding kind", title_justify="left")
    table.add_column("kind")
    table.add_column("found / planted", justify="right")
    table.add_row("faces (IoU >= 0.3)", _rate(figures["faces"]["recall"]))
    for source, cell in figures["faces"]["by_source"].items():
        table.add_row(f"  {source}", _rate(cell))
    table.add_row("identifier tokens, type matched", _rate(figures["tokens"]["typed"]))
    for kind, cell in figures["tokens"]["by_kind"].items():
        table.add_row(f"  {kind}", _rate(cell))
    table.add_row(
        "  without staff name badges (patient scenes only)",
        _rate(figures["tokens"]["typed_patient_scenes"]),
    )
    table.add_row(
        "identifier tokens, any finding covers them", _rate(figures["tokens"]["any_type"])
    )
    table.add_row("barcodes decoded (exact payload)", _rate(figures["codes"]["decoded"]))
    table.add_row(
        "  of them typed as an identifier, not OTHER_ID",
        _rate(figures["codes"]["flagged_as_identifier"]),
    )
    table.add_row("metadata fields reported", _rate(figures["metadata"]["reported"]))
    for key, cell in figures["metadata"]["by_field"].items():
        table.add_row(f"  {key}", _rate(cell))
    return table


def condition_table(title: str, by_condition: dict[str, dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("condition")
    table.add_column("value")
    table.add_column("recall", justify="right")
    for condition, levels in by_condition.items():
        for index, (level, cell) in enumerate(levels.items()):
            table.add_row(condition if index == 0 else "", level, _rate(cell))
    return table


def false_table(figures: Figures) -> Table:
    false = figures["false"]
    table = Table(
        title="False findings (findings that match nothing planted)",
        title_justify="left",
        caption=f"clean images (nothing planted in the pixels) with any finding: "
        f"{_rate(false['clean_images_flagged'])}",
        caption_justify="left",
    )
    for column in ("image group", "images", "false findings", "images with one", "by source:type"):
        table.add_column(
            column, justify="left" if column in ("image group", "by source:type") else "right"
        )
    for group, row in false["by_group"].items():
        table.add_row(
            group,
            str(row["images"]),
            str(row["false_findings"]),
            str(row["images_with_false"]),
            ", ".join(f"{k} {v}" for k, v in row["by_source_type"].items()) or DASH,
        )
    return table


def timing_table(figures: Figures) -> Table:
    timing = figures["timing"]
    memory = figures["memory"]
    table = Table(
        title="Seconds per image on one core (MediaScanner.scan, file to report)",
        title_justify="left",
        caption=f"peak memory (ru_maxrss): {memory['peak_mib']:.0f} MiB for the whole run; "
        f"{memory['before_scanner_mib']:.0f} MiB before phigate.media was imported (image set built). "
        f"Scanner start-up (import, models, first scan): {figures['startup_seconds']:.1f} s.",
        caption_justify="left",
    )
    for column in ("images", "n", "p50", "mean", "p95", "max"):
        table.add_column(column, justify="left" if column == "images" else "right")
    for size in ("1080p", "720p", "540p"):
        row = timing.get(size)
        if row:
            table.add_row(
                size, str(row["images"]), *(f"{row[k]:.2f}" for k in ("p50", "mean", "p95", "max"))
            )
    for group, row in timing["1080p_by_group"].items():
        table.add_row(
            f"  1080p {group}",
            str(row["images"]),
            f"{row['p50']:.2f}",
            f"{row['mean']:.2f}",
            DASH,
            DASH,
        )
    return table


def redaction_table(figures: Figures) -> Table | None:
    redaction = figures.get("redaction")
    if not redaction or not redaction["failures"]:
        return None
    table = Table(
        title="Redaction failures (residual findings in the redacted copy)", title_justify="left"
    )
    for column in ("image", "residual finding", "where", "on a masked box?"):
        table.add_column(column)
    for failure in redaction["failures"]:
        for index, residual in enumerate(failure["residual"]):
            table.add_row(
                failure["image"] if index == 0 else "",
                f"{residual['source']}:{residual['type']}",
                str(residual["box"] or residual["field"]),
                "yes" if residual["on_masked_box"] else "no (not redacted the first time)",
            )
    return table


def print_all(figures: Figures, console: Console | None = None) -> None:
    console = console or Console()
    console.print(targets_table(figures))
    console.print(recall_table(figures))
    console.print(
        condition_table(
            "Identifier tokens found (type matched), by condition",
            figures["tokens"]["by_condition"],
        )
    )
    console.print(
        condition_table(
            "Faces found, by face width in pixels and by condition",
            {
                "source, width": figures["faces"]["by_source_width"],
                **figures["faces"]["by_condition"],
            },
        )
    )
    console.print(
        condition_table("Barcodes decoded, by condition", figures["codes"]["by_condition"])
    )
    console.print(false_table(figures))
    console.print(timing_table(figures))
    failures = redaction_table(figures)
    if failures is not None:
        console.print(failures)
