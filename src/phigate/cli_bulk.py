"""`phigate bulk`: scan an organization's whole history from an export, in-process or across
Celery workers, into a result file that a rerun resumes.

Exit codes of `phigate bulk scan`: 0 when every item was scanned, 3 when any file, line or chunk
could not be (the result file says which), 130 when interrupted (run the same command again).
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from phigate.bulk.archive import ArchiveError
from phigate.bulk.plan import MEDIA_PER_CHUNK, TEXTS_PER_CHUNK, ChunkSizes
from phigate.bulk.results import ResultFile, Summary
from phigate.bulk.run import BulkError, BulkOptions, BulkState, run_bulk
from phigate.bulk.work import MediaTransfer

EXIT_PROBLEMS = 3
EXIT_INTERRUPTED = 130
bulk_app = typer.Typer(
    help="Scan a whole export (posts, comments, images, videos), resumably, across workers.",
    no_args_is_help=True,
)


@bulk_app.command("scan")
def bulk_scan(
    archive: Annotated[Path, typer.Argument(help="A folder or .zip of JSONL/CSV and media files.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The result file (JSONL); a rerun resumes it.")
    ],
    profile: Annotated[
        Path | None, typer.Option("--profile", help="Organization profile (TOML).")
    ] = None,
    texts_per_chunk: Annotated[
        int, typer.Option(min=1, help="Posts and comments per task.")
    ] = TEXTS_PER_CHUNK,
    media_per_chunk: Annotated[
        int, typer.Option(min=1, help="Images and videos per task.")
    ] = MEDIA_PER_CHUNK,
    media_transfer: Annotated[
        str,
        typer.Option(
            help="'bytes': media travel in the task message (large files by path); "
            "'path': workers read the archive from shared storage."
        ),
    ] = "bytes",
    queue: Annotated[
        str | None, typer.Option(help="The Celery queue the workers listen on.")
    ] = None,
    in_flight: Annotated[int, typer.Option(min=1, help="Chunks queued at once.")] = 32,
) -> None:
    """Scan every item the result file does not hold yet; Ctrl-C and rerun to continue."""
    errors = Console(stderr=True)
    if media_transfer not in ("bytes", "path"):
        typer.secho("error: --media-transfer is 'bytes' or 'path'", err=True, fg="red")
        raise typer.Exit(EXIT_PROBLEMS)
    transfer: MediaTransfer = "bytes" if media_transfer == "bytes" else "path"
    options = BulkOptions(
        sizes=ChunkSizes(texts_per_chunk, media_per_chunk), transfer=transfer,
        profile=_profile(profile), queue=queue, in_flight=in_flight,
    )  # fmt: skip
    columns = (TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=errors, disable=not sys.stderr.isatty()) as progress:
        bar = progress.add_task("scanning", total=None)

        def show(state: BulkState) -> None:
            progress.update(bar, total=state.total, completed=state.done)

        try:
            state = run_bulk(archive, output, options, show)
        except (ArchiveError, BulkError) as error:
            typer.secho(f"error: {error}", err=True, fg="red")
            raise typer.Exit(EXIT_PROBLEMS) from None
        except KeyboardInterrupt:
            manifest = ResultFile(output).read_manifest() or {}
            errors.print(
                f"Interrupted: {manifest.get('done', 0)} of {manifest.get('total', '?')} done. "
                "Run the same command again to continue."
            )
            raise typer.Exit(EXIT_INTERRUPTED) from None
    print_summary(Console(), state.summary)
    if state.already_done:
        Console().print(f"{state.already_done} item(s) were already in {output.name}.")
    if state.chunks_failed:
        errors.print(
            f"[red]{state.chunks_failed} chunk(s) failed[/]; run the same command again to retry."
        )
    raise typer.Exit(EXIT_PROBLEMS if state.summary.failed or state.chunks_failed else 0)


@bulk_app.command("status")
def bulk_status(
    output: Annotated[Path, typer.Argument(help="The result file of a bulk scan.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the progress as JSON.")] = False,
) -> None:
    """How far a bulk scan has come, and what it found so far."""
    results = ResultFile(output)
    manifest = results.read_manifest()
    if manifest is None and not output.exists():
        typer.secho(f"error: no bulk scan results at {output}", err=True, fg="red")
        raise typer.Exit(EXIT_PROBLEMS)
    # The result file is the truth; the manifest adds the total and the chunk counts.
    summary = Summary.of(results.read())
    manifest = manifest or {}
    if as_json:
        counts = {"done": summary.done, "failed": summary.failed, "summary": summary.to_dict()}
        typer.echo(json.dumps(manifest | counts))
        return
    console = Console()
    total = manifest.get("total")
    console.print(
        f"{manifest.get('archive', output.name)}: {manifest.get('state', 'unknown')}, "
        f"{summary.done} of {total if total is not None else '?'} item(s) done, "
        f"{summary.failed} could not be scanned; "
        f"chunks {manifest.get('chunks_done', '?')} of {manifest.get('chunks_total', '?')}"
    )
    print_summary(console, summary)


def print_summary(console: Console, summary: Summary) -> None:
    verdicts = Table("verdict", "items", title="By verdict")
    for verdict in ("block", "review", "allow"):
        verdicts.add_row(verdict, str(summary.by_verdict.get(verdict, 0)))
    verdicts.add_row("could not be scanned", str(summary.failed))
    console.print(verdicts)
    if summary.by_type:
        types = Table("identifier type", "items", title="By identifier type")
        for kind, count in summary.by_type.most_common():
            types.add_row(kind, str(count))
        console.print(types)


def _profile(path: Path | None) -> dict[str, Any] | None:
    """The profile travels to the workers as data, so they need no copy of the file."""
    if path is None:
        return None
    from phigate.scanning import OrganizationProfile, ProfileError

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        OrganizationProfile.from_mapping(data, source=str(path))
    except (OSError, tomllib.TOMLDecodeError, ProfileError) as error:
        typer.secho(f"error: organization profile {path}: {error}", err=True, fg="red")
        raise typer.Exit(EXIT_PROBLEMS) from None
    return data


def register(app: typer.Typer) -> None:
    app.add_typer(bulk_app, name="bulk")
