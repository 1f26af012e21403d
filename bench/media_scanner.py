"""Media benchmark: phigate's MediaScanner on a labelled image set drawn from a seed (issue 5).

    .venv/bin/python bench/media_scanner.py            # about 210 images, a few minutes
    .venv/bin/python bench/media_scanner.py --quick    # about 60 images, a quick loop
    .venv/bin/python bench/media_scanner.py --count 400 --json bench/results/media.json

Builds the set under bench/results/media/ (git-ignored), then scans every image in this process
pinned to one CPU, scores the findings against what was planted, redacts a subset and re-scans it,
and prints the figures beside the issue's targets. A command, not a test.
"""

from __future__ import annotations

import os

# Thread pools size themselves when their libraries load, so the limits go in before any import.
for _name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "ORT_NUM_THREADS"):
    os.environ[_name] = "1"
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from rich.console import Console  # noqa: E402

from media_rendering import print_all  # noqa: E402
from media_scenes import Labels, build  # noqa: E402
from media_scoring import ImageScore, Seen, _intersection, score_image, summarize  # noqa: E402

HERE = Path(__file__).resolve().parent
# Shares of the set per group: text carries most tokens, so it gets the most images.
SHARES = {
    "text": 0.38,
    "benign_text": 0.07,
    "face": 0.24,
    "no_face": 0.09,
    "code": 0.13,
    "metadata": 0.09,
}


def counts_for(total: int) -> dict[str, int]:
    counts = {group: max(2, round(total * share)) for group, share in SHARES.items()}
    counts["no_face"] = max(counts["no_face"], 9)  # one per background at least
    return counts


def pin_to_one_cpu(cpu: int | None) -> int:
    allowed = sorted(os.sched_getaffinity(0))
    chosen = allowed[-1] if cpu is None else cpu
    os.sched_setaffinity(0, {chosen})
    return chosen


def threads_off_the_pin(cpu: int) -> int:
    """Threads of this process allowed on another CPU: ones a library re-pinned for itself."""
    escaped = 0
    for task in os.listdir("/proc/self/task"):
        try:
            status = Path(f"/proc/self/task/{task}/status").read_text()
        except OSError:
            continue
        allowed = status.split("Cpus_allowed_list:")[1].split()[0]
        escaped += allowed != str(cpu)
    return escaped


def make_scanner(as_shipped: bool) -> Any:
    from phigate.media import MediaScanner

    scanner = MediaScanner()
    if not as_shipped:
        # RapidOCR's default lets onnxruntime size its pool to the machine and pin those threads
        # to cores of its choosing, outside our affinity; one intra/inter-op thread keeps the OCR
        # on the one CPU measured. Same models, same settings otherwise.
        import logging

        from rapidocr import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        scanner._reader.__dict__["_engine"] = RapidOCR(
            params={
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return scanner


def to_seen(findings: Any) -> list[Seen]:
    return [
        Seen(
            f.type.value,
            f.source.value,
            (f.box.left, f.box.top, f.box.width, f.box.height) if f.box else None,
            f.text,
            f.field,
        )
        for f in findings
    ]


def redaction_check(scanner: Any, labels: list[Labels], folder: Path, limit: int) -> dict[str, Any]:
    """Redact an even spread of images with something planted, re-scan, and list what survives."""
    from phigate.media import redact_media

    planted = [lab for lab in labels if lab.tokens or lab.faces or lab.codes or lab.metadata]
    step = max(1, len(planted) // max(1, limit))
    chosen = planted[::step][:limit]
    out = folder / "redacted"
    out.mkdir(exist_ok=True)
    verified, failures = 0, []
    for lab in chosen:
        result = redact_media(folder / lab.name, out / lab.name, scanner)
        if result.verified:
            verified += 1
            continue
        original = to_seen(scanner.scan(folder / lab.name).findings)
        masked = [s.box for s in original if s.box]
        residual = []
        for s in to_seen(result.residual.findings):
            if s.box is None and s.source != "metadata":
                continue  # Redaction.verified ignores box-less findings too
            on_masked = s.box is not None and any(_intersection(s.box, m) > 0 for m in masked)
            residual.append(
                {
                    "source": s.source,
                    "type": s.type,
                    "box": s.box,
                    "field": s.field,
                    "on_masked_box": on_masked,
                }
            )
        failures.append({"image": lab.name, "residual": residual})
    return {
        "images": len(chosen),
        "verified": {
            "hits": verified,
            "total": len(chosen),
            "value": verified / len(chosen) if chosen else None,
        },
        "failures": failures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=210, help="images in the set (default 210)")
    parser.add_argument("--quick", action="store_true", help="60 images and 10 redactions")
    parser.add_argument("--seed", type=int, default=5, help="seed of the image set (default 5)")
    parser.add_argument(
        "--redact", type=int, default=30, help="images redacted and re-scanned (default 30)"
    )
    parser.add_argument(
        "--cpu", type=int, default=None, help="CPU to pin to (default: the last allowed)"
    )
    parser.add_argument(
        "--out", type=Path, default=HERE / "results" / "media", help="folder for the image set"
    )
    parser.add_argument("--json", type=Path, default=None, help="write every figure to this file")
    parser.add_argument(
        "--as-shipped",
        action="store_true",
        help="leave RapidOCR's onnxruntime threads at their default (they then run off the pinned CPU)",
    )
    args = parser.parse_args(argv)
    count, redact = (60, 10) if args.quick else (args.count, args.redact)
    console = Console()

    if args.out.exists():
        shutil.rmtree(args.out)
    started = time.perf_counter()
    labels = build(args.out, args.seed, counts_for(count))
    (args.out / "labels.json").write_text(json.dumps([lab.to_dict() for lab in labels], indent=1))
    console.print(
        f"built {len(labels)} images in {time.perf_counter() - started:.0f} s under {args.out}"
    )
    before_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    cpu = pin_to_one_cpu(args.cpu)
    started = time.perf_counter()
    scanner = make_scanner(args.as_shipped)
    scanner.scan(args.out / labels[0].name)  # loads both models; its time is start-up, not a scan
    startup = time.perf_counter() - started

    scores: list[ImageScore] = []
    with console.status("scanning") as status:
        for index, lab in enumerate(labels):
            status.update(f"scanning {index + 1}/{len(labels)} {lab.name}")
            began = time.perf_counter()
            report = scanner.scan(args.out / lab.name)
            seconds = time.perf_counter() - began
            scores.append(score_image(lab, to_seen(report.findings), seconds))
        status.update("redacting")
        redaction = redaction_check(scanner, labels, args.out, redact)

    figures = summarize(scores)
    figures["redaction"] = redaction
    figures["startup_seconds"] = startup
    figures["memory"] = {
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "before_scanner_mib": before_mib,
    }
    figures["config"] = {
        "seed": args.seed,
        "images": len(labels),
        "counts": counts_for(count),
        "cpu": cpu,
        "threads_off_the_pin": threads_off_the_pin(cpu),
        "ocr_threads": "onnxruntime default" if args.as_shipped else 1,
        "python": sys.version.split()[0],
    }
    print_all(figures, console)
    console.print(
        f"pinned to CPU {cpu}; threads allowed elsewhere at the end: {figures['config']['threads_off_the_pin']}"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1, default=str))
        console.print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
