import json
from pathlib import Path

from typer.testing import CliRunner

from phigate.cli import app

runner = CliRunner()


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_batch_scans_every_good_line_and_reports_bad_ones(tmp_path: Path) -> None:
    export = tmp_path / "posts.jsonl"
    export.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "Our patient MRN 5571026 went home"}),
                "{not json",
                json.dumps({"id": "c"}),
                json.dumps({"id": "d", "text": "Hi", "kind": "story"}),
                "",
                json.dumps({"id": "e", "text": "See you at your next cleaning!", "kind": "reply"}),
                json.dumps({"id": "f", "text": "Flu shots are free Saturday."}),
            ]
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["scan", "--jsonl", str(export)])
    assert result.exit_code == 3
    out = _lines(result.stdout)
    assert [o.get("id") for o in out] == ["a", None, "c", "d", "e", "f"]
    assert out[0]["verdict"] == "block"
    assert out[0]["findings"] == [{"start": 16, "end": 23, "type": "MRN", "score": 0.9}]
    assert out[0]["redacted"] == "Our patient MRN [MRN] went home"
    assert out[1] == {"line": 2, "error": out[1]["error"]}
    assert "not valid JSON" in str(out[1]["error"])
    assert out[2]["error"] == "line 3: field 'text' is missing"
    assert "'kind'" in str(out[3]["error"])
    assert out[4]["verdict"] == "block"
    assert out[5]["verdict"] == "allow"


def test_error_lines_never_repeat_post_text(tmp_path: Path) -> None:
    export = tmp_path / "posts.jsonl"
    export.write_text(json.dumps({"id": 1, "text": 42, "note": "Walter Kozlowski"}) + "\n")
    result = runner.invoke(app, ["scan", "--jsonl", str(export)])
    assert "Kozlowski" not in result.stdout
    assert "must be a string" in result.stdout


def test_batch_from_stdin_with_all_lines_good() -> None:
    stdin = json.dumps({"id": "x", "text": "Free flu shots Saturday!"}) + "\n"
    result = runner.invoke(app, ["scan", "--jsonl", "-"], input=stdin)
    assert result.exit_code == 0
    assert _lines(result.stdout)[0]["verdict"] == "allow"


def test_missing_file_is_a_clear_error() -> None:
    result = runner.invoke(app, ["scan", "--jsonl", "/nonexistent/posts.jsonl"])
    assert result.exit_code == 3
    assert "cannot read" in result.output
