"""The media half of the `phigate` command, imported only when a file is scanned (the face and
OCR models take a second or two to load)."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from phigate.media import MediaError, MediaReport, MediaScanner, redact_media, write_preview
from phigate.scanning import Scanner, Verdict

EXIT_FOR_VERDICT = {Verdict.ALLOW: 0, Verdict.REVIEW: 1, Verdict.BLOCK: 2}
EXIT_BAD_INPUT = 3
STYLE = {Verdict.BLOCK: "bold red", Verdict.REVIEW: "bold yellow", Verdict.ALLOW: "bold green"}


def scan_files(scanner: Scanner, paths: list[Path], as_json: bool, preview: Path | None) -> int:
    """Scan each file; a file that cannot be read is reported and the others go on."""
    console, errors = Console(), Console(stderr=True)
    media = MediaScanner(scanner)
    worst = 0
    for path in paths:
        try:
            report = media.scan(path)
        except MediaError as error:
            errors.print(f"[red]error:[/] {error}")
            worst = max(worst, EXIT_BAD_INPUT)
            continue
        worst = max(worst, EXIT_FOR_VERDICT[report.verdict])
        if as_json:
            console.print_json(json.dumps({"file": path.name, **report.to_dict()}))
        else:
            print_media_report(console, report)
        if preview is not None and report.media == "image":
            target = (
                preview if len(paths) == 1 else preview.with_name(f"{preview.stem}-{path.stem}")
            )
            written = write_preview(path, report, target, media.options.limits)
            console.print(f"Preview written to {written}")
    return worst


def print_media_report(console: Console, report: MediaReport) -> None:
    console.print(
        Text(f"{report.name}: {report.verdict.value.upper()}", style=STYLE[report.verdict]),
        f"({report.media}, {report.format}, {report.width}x{report.height}, "
        f"{report.frames_scanned} frame(s) scanned)",
    )
    for reason in report.reasons:
        console.print(f"  • {reason}")
    if report.findings:
        table = Table("type", "from", "where", "text", "score", "reason")
        for finding in report.findings:
            where = []
            if finding.box:
                b = finding.box
                where.append(f"box {b.left},{b.top} {b.width}x{b.height}")
            if finding.seconds is not None:
                where.append(f"at {finding.seconds:.1f}s")
            if finding.field:
                where.append(finding.field)
            table.add_row(
                finding.type.value, finding.source.value, "; ".join(where),
                finding.text or "", f"{finding.score:.2f}", finding.reason,
            )  # fmt: skip
        console.print(table)
    console.print()


def redact_file(scanner: Scanner, source: Path, output: Path) -> int:
    console = Console()
    try:
        result = redact_media(source, output, MediaScanner(scanner))
    except MediaError as error:
        Console(stderr=True).print(f"[red]error:[/] {error}")
        return EXIT_BAD_INPUT
    console.print(
        f"Wrote {result.output}: {result.masked} region(s) blurred or masked, "
        f"{result.metadata_removed} metadata finding(s) removed with all metadata."
    )
    for finding in result.new_findings:
        console.print(
            f"[yellow]Found only in the copy:[/] {finding.type.value} ({finding.source.value}) {finding.box or ''}"
        )
    if result.verified:
        console.print("[green]Verified:[/] scanning the copy finds none of what was redacted.")
        return 0
    console.print("[red]Not verified:[/] scanning the copy still finds, where it was redacted:")
    for finding in result.still_found:
        console.print(
            f"  • {finding.type.value} ({finding.source.value}) {finding.box or finding.field or ''}"
        )
    return 1
