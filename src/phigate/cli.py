"""The `phigate` command: scan text or a batch export, and run the demo.

Exit codes of `phigate scan`: 0 when the verdict is allow, 1 for review, 2 for block; in batch mode
0 when every line was scanned, 3 when any line could not be read (its error line says why).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from phigate import __version__
from phigate.scanning import (
    OrganizationProfile,
    ProfileError,
    ScanKind,
    Scanner,
    ScanReport,
    Verdict,
)

app = typer.Typer(
    help="phigate: keep patient information out of social media posts.",
    no_args_is_help=True,
    add_completion=False,
)
VERDICT_STYLE = {
    Verdict.BLOCK: "bold red",
    Verdict.REVIEW: "bold yellow",
    Verdict.ALLOW: "bold green",
}
EXIT_FOR_VERDICT = {Verdict.ALLOW: 0, Verdict.REVIEW: 1, Verdict.BLOCK: 2}
EXIT_BAD_LINES = 3


def _version(value: bool) -> None:
    if value:
        typer.echo(f"phigate {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """phigate: the gate every post goes through, so that PHI never leaves the building."""


def _scanner(profile: Path | None) -> Scanner:
    if profile is None:
        return Scanner()
    try:
        return Scanner(OrganizationProfile.from_toml(profile))
    except ProfileError as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise typer.Exit(EXIT_BAD_LINES) from None


@app.command()
def scan(
    text: Annotated[
        list[str] | None,
        typer.Argument(help="The post or reply to scan, or image and video files."),
    ] = None,
    reply: Annotated[bool, typer.Option("--reply", help="Scan as a reply to a comment.")] = False,
    in_reply_to: Annotated[
        str | None,
        typer.Option("--in-reply-to", help="The comment being answered (implies --reply)."),
    ] = None,
    jsonl: Annotated[
        str | None,
        typer.Option("--jsonl", help="Scan a JSONL export, one post per line ('-' for stdin)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write batch results here (default stdout)."),
    ] = None,
    profile: Annotated[
        Path | None, typer.Option("--profile", help="Organization profile (TOML).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    preview: Annotated[
        Path | None,
        typer.Option("--preview", help="Write an annotated PNG of a scanned image here."),
    ] = None,
) -> None:
    """Scan text, image or video files, or a batch with --jsonl.

    Exit 0 allow, 1 review, 2 block, 3 bad input (a file that cannot be read).
    """
    scanner = _scanner(profile)
    if jsonl is not None:
        raise typer.Exit(_scan_batch(scanner, jsonl, output))
    if not text:
        typer.secho("error: give the text to scan, files, or --jsonl FILE", err=True, fg="red")
        raise typer.Exit(EXIT_BAD_LINES)
    if _are_media_files(text):
        from phigate.cli_media import scan_files

        raise typer.Exit(scan_files(scanner, [Path(t) for t in text], as_json, preview))
    kind = ScanKind.REPLY if reply or in_reply_to else ScanKind.POST
    report = scanner.scan(" ".join(text), kind, in_reply_to)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_report(Console(), report)
    raise typer.Exit(EXIT_FOR_VERDICT[report.verdict])


def _are_media_files(arguments: list[str]) -> bool:
    from phigate.media import MEDIA_SUFFIXES

    return all(Path(a).suffix.lower() in MEDIA_SUFFIXES and len(a) < 4096 for a in arguments)


@app.command()
def redact(
    source: Annotated[Path, typer.Argument(help="Image or video to redact (left unchanged).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the redacted copy.")
    ],
    profile: Annotated[
        Path | None, typer.Option("--profile", help="Organization profile (TOML).")
    ] = None,
) -> None:
    """Blur faces, mask identifying text and codes, strip metadata; then verify the copy.

    Exit 0 when the copy scans clean, 1 when something is still found, 3 for bad input.
    """
    from phigate.cli_media import redact_file

    raise typer.Exit(redact_file(_scanner(profile), source, output))


def print_report(console: Console, report: ScanReport) -> None:
    """A coloured report for the author who typed the text on their own terminal."""
    style = VERDICT_STYLE[report.verdict]
    console.print(Text(f"Verdict: {report.verdict.value.upper()}", style=style))
    for reason in report.reasons:
        console.print(f"  • {reason}")
    if report.findings:
        highlighted = Text(report.text)
        for finding in report.findings:
            highlighted.stylize("reverse " + style.split()[-1], finding.start, finding.end)
        console.print("\nText:", highlighted)
        table = Table("type", "text", "Safe Harbor", "score", "reason", show_lines=False)
        for finding in report.findings:
            table.add_row(
                finding.type.value,
                report.text[finding.start : finding.end],
                finding.category.citation,
                f"{finding.score:.2f}",
                finding.reason,
            )
        console.print(table)
        console.print(Text("Suggested safe version: ", style="bold"), report.redacted)
    console.print()


def _scan_batch(scanner: Scanner, source: str, output: Path | None) -> int:
    try:
        stream: TextIO = sys.stdin if source == "-" else open(source, encoding="utf-8")  # noqa: SIM115
    except OSError as error:
        typer.secho(f"error: cannot read {source}: {error.strerror}", err=True, fg="red")
        return EXIT_BAD_LINES
    sink: TextIO = sys.stdout if output is None else output.open("w", encoding="utf-8")
    failed = 0
    try:
        lines: Iterable[str] = stream
        with Progress(console=Console(stderr=True), disable=not sys.stderr.isatty()) as progress:
            task = progress.add_task("scanning", total=None)
            for result in scan_lines(scanner, lines):
                failed += "error" in result
                sink.write(json.dumps(result, ensure_ascii=False) + "\n")
                progress.advance(task)
    finally:
        if stream is not sys.stdin:
            stream.close()
        if sink is not sys.stdout:
            sink.close()
    return EXIT_BAD_LINES if failed else 0


def scan_lines(scanner: Scanner, lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One result per non-blank line; a bad line yields an error naming the problem, never its text."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield {"line": number, "error": f"line {number} is not valid JSON ({error.msg})"}
            continue
        if not isinstance(record, dict):
            yield {"line": number, "error": f"line {number} must be a JSON object"}
            continue
        ident = record.get("id")
        problem = _record_problem(record)
        if problem:
            yield {"line": number, "id": ident, "error": f"line {number}: {problem}"}
            continue
        report = scanner.scan(
            record["text"], record.get("kind") or "post", record.get("in_reply_to")
        )
        yield {
            "id": ident,
            "verdict": report.verdict.value,
            "findings": [
                {"start": f.start, "end": f.end, "type": f.type.value, "score": round(f.score, 3)}
                for f in report.findings
            ],
            "redacted": report.redacted,
        }


def _record_problem(record: dict[str, Any]) -> str | None:
    if "text" not in record:
        return "field 'text' is missing"
    if not isinstance(record["text"], str):
        return "field 'text' must be a string"
    kind = record.get("kind") or "post"
    if kind not in {k.value for k in ScanKind}:
        return "field 'kind' must be 'post' or 'reply'"
    if record.get("in_reply_to") is not None and not isinstance(record["in_reply_to"], str):
        return "field 'in_reply_to' must be a string"
    return None


DEMO_POSTS: list[tuple[str, str, str | None]] = [
    ("post", "Welcome home, baby Iris! 💙 Born here on March 3 at 29 weeks, she went home "
     "yesterday after 62 days in our NICU. #TeamIris", None),
    ("post", "Flu shots are free for everyone 6 months and older this Saturday, 9am–1pm at the "
     "Eastside Clinic. Questions? Call us at 555-0100.", None),
    ("post", "Happy 100th birthday to Mr. Hollis on Quarry Road, our home health patient! 🎂", None),
    ("reply", "Thanks so much! We look forward to seeing you at your next cleaning in six months!",
     "Best dentist in town, my teeth have never looked better"),
    ("reply", "Thank you for the kind words! We'll pass them along to the team. 😊",
     "The nurses on 4 North were so kind"),
]  # fmt: skip


@app.command()
def demo() -> None:
    """Scan a few invented example posts and show what phigate reports."""
    console = Console()
    scanner = Scanner()
    console.print(
        "[bold]phigate demo[/]: invented example posts, scanned as an author would see them.\n"
    )
    for kind, text, comment in DEMO_POSTS:
        if comment:
            console.print(f"[dim]Reply to:[/] {comment}")
        print_report(console, scanner.scan(text, kind, comment))
    console.print('Scan your own text with: [bold].venv/bin/phigate scan "your post"[/]')


def main() -> None:
    app()


def _register_admin_commands() -> None:
    from phigate.cli_admin import register
    from phigate.cli_bulk import register as register_bulk
    from phigate.cli_incidents import register as register_incidents
    from phigate.cli_publishing import register as register_publishing
    from phigate.cli_reminders import register as register_reminders
    from phigate.cli_web import register as register_web

    register(app)
    register_web(app)
    register_incidents(app)
    register_publishing(app)
    register_reminders(app)
    register_bulk(app)


_register_admin_commands()
if __name__ == "__main__":
    main()
