"""The result file of a bulk scan (JSONL, one line per item, appended as chunks finish) and its
small progress manifest beside it (written atomically, so `phigate bulk status` never reads half a
file). The result file is the truth: a resumed run skips every item it already holds.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass(slots=True)
class Summary:
    done: int = 0
    failed: int = 0
    by_verdict: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)  # items in which the type was found

    def add(self, result: dict[str, Any]) -> None:
        self.done += 1
        if "error" in result:
            self.failed += 1
            return
        self.by_verdict[result["verdict"]] += 1
        self.by_type.update(result.get("types", []))

    @classmethod
    def of(cls, results: Iterable[dict[str, Any]]) -> Summary:
        summary = cls()
        for result in results:
            summary.add(result)
        return summary

    def to_dict(self) -> dict[str, Any]:
        return {
            "done": self.done,
            "failed": self.failed,
            "by_verdict": dict(sorted(self.by_verdict.items())),
            "by_type": dict(self.by_type.most_common()),
        }


class ResultFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.manifest_path = path.with_name(path.name + ".progress.json")

    def read(self) -> Iterator[dict[str, Any]]:
        """Every complete result line; a line torn by a crash mid-write is not a result."""
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.endswith("\n"):
                    return
                try:
                    result = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(result, dict) and "item" in result:
                    yield result

    def repair(self) -> None:
        """Cut a torn last line, so that the next append starts on a line of its own."""
        if not self.path.exists():
            return
        with self.path.open("rb+") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size == 0:
                return
            handle.seek(size - 1)
            if handle.read(1) == b"\n":
                return
            # Walk back to the last newline; the file is large, so read it in blocks from the end.
            position = size
            while position > 0:
                start = max(0, position - 65536)
                handle.seek(start)
                block = handle.read(position - start)
                newline = block.rfind(b"\n")
                if newline >= 0:
                    handle.truncate(start + newline + 1)
                    return
                position = start
            handle.truncate(0)

    def append(self, results: list[dict[str, Any]]) -> None:
        """Write a chunk's results and push them to disk before the chunk counts as done."""
        if not results:
            return
        lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in results)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(lines)
            handle.flush()
            os.fsync(handle.fileno())

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        manifest = manifest | {"updated_at": datetime.now(UTC).isoformat(timespec="seconds")}
        temporary = self.manifest_path.with_name(self.manifest_path.name + ".tmp")
        temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", "utf-8")
        os.replace(temporary, self.manifest_path)

    def read_manifest(self) -> dict[str, Any] | None:
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
        return manifest if isinstance(manifest, dict) else None
