"""The export connector writes approved posts as rows of a Hootsuite bulk-upload CSV (date and time
DD/MM/YYYY HH:MM, message, link; nothing else), one file per day, media beside it; the key lives in
a manifest Hootsuite never reads; deleting removes the row."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from phigate.publishing.connectors import ConnectorError, MediaItem
from phigate.publishing.export import ExportConnector
from phigate.publishing.registry import connect
from tests.compliance.factories import Clock
from tests.publishing.conftest import make_publisher

RELEASED = datetime(2026, 11, 23, 9, 2, 30, tzinfo=UTC)


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_rows_are_importable_slotted_and_written_once(tmp_path: Path) -> None:
    clock = Clock(RELEASED)
    export = ExportConnector(str(tmp_path), 60, clock)
    export.publish("Flu shots are free this Saturday.", "key-a")
    export.publish("Read about our new wing https://clinic.example/wing", "key-b")
    export.publish("Flu shots are free this Saturday.", "key-a")  # a retry after a crash
    [csv_file] = tmp_path.glob("*.csv")
    rows = _rows(csv_file)
    assert [len(r) for r in rows] == [3, 3]  # no header, no extra column
    times = [datetime.strptime(r[0], "%d/%m/%Y %H:%M").replace(tzinfo=UTC) for r in rows]
    for moment in times:
        assert moment.minute % 5 == 0 and moment - RELEASED >= timedelta(minutes=60)
    assert times[1] - times[0] == timedelta(minutes=5)  # one post per slot
    assert times[0] - RELEASED < timedelta(minutes=65)  # the first free slot, not later
    assert csv_file.name == f"hootsuite-{times[0]:%Y-%m-%d}.csv"
    assert [r[1:] for r in rows] == [
        ["Flu shots are free this Saturday.", ""],
        ["Read about our new wing", "https://clinic.example/wing"],
    ]
    assert "key-a" not in csv_file.read_text()
    found = export.find("key-b")
    assert found is not None and export.find("key-c") is None


def test_a_new_day_starts_a_new_file_and_media_are_written_beside(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 11, 23, 23, 30, tzinfo=UTC))
    export = ExportConnector(str(tmp_path), 60, clock)
    photo = b"\x89PNG invented"
    published = export.publish(
        "Our lobby at night.", "key-night", media=[MediaItem(photo, "image/png", "The lobby")]
    )
    assert [p.name for p in tmp_path.glob("*.csv")] == ["hootsuite-2026-11-24.csv"]
    [written] = (tmp_path / "media").iterdir()
    assert written.read_bytes() == photo and written.suffix == ".png"
    export.delete(published.platform_id)
    assert list(tmp_path.glob("*.csv")) == [] and list((tmp_path / "media").iterdir()) == []


def test_delete_removes_only_that_row_and_is_idempotent(tmp_path: Path) -> None:
    export = ExportConnector(str(tmp_path), 30, Clock(RELEASED))
    first = export.publish("Parking lot B is closed Monday.", "key-1")
    export.publish("Pharmacy hours are longer in December.", "key-2")
    export.delete(first.platform_id)
    export.delete(first.platform_id)  # already gone: fine
    [csv_file] = tmp_path.glob("*.csv")
    assert [r[1] for r in _rows(csv_file)] == ["Pharmacy hours are longer in December."]
    assert export.find("key-1") is None and export.find("key-2") is not None


def test_times_are_written_in_the_uploaders_time_zone(tmp_path: Path) -> None:
    export = ExportConnector(str(tmp_path), 60, Clock(RELEASED), timezone="America/Chicago")
    export.publish("Flu shots this Saturday.", "key-tz")
    [csv_file] = tmp_path.glob("*.csv")
    [row] = _rows(csv_file)
    local = datetime.strptime(row[0], "%d/%m/%Y %H:%M").replace(tzinfo=ZoneInfo("America/Chicago"))
    assert timedelta(minutes=60) <= local - RELEASED < timedelta(minutes=65)
    assert local.hour != (RELEASED + timedelta(minutes=60)).hour  # not UTC's wall clock
    with pytest.raises(ConnectorError) as unknown:
        ExportConnector(str(tmp_path), timezone="Mars/Olympus")
    assert not unknown.value.retryable and "time zone" in str(unknown.value)


def test_refusals_are_plain(tmp_path: Path) -> None:
    with pytest.raises(ConnectorError) as missing:
        ExportConnector(str(tmp_path / "nowhere"))
    assert not missing.value.retryable and "does not exist" in str(missing.value)
    export = ExportConnector(str(tmp_path), 60, Clock(RELEASED))
    with pytest.raises(ConnectorError) as wrong:
        export.publish("Our brochure", "key-pdf", media=[MediaItem(b"%PDF", "application/pdf")])
    assert not wrong.value.retryable and "application/pdf" in str(wrong.value)
    assert "brochure" not in str(wrong.value) and list(tmp_path.glob("*.csv")) == []
    with pytest.raises(ConnectorError) as no_directory:
        connect("export", {})
    assert "directory" in str(no_directory.value)


def test_publishing_and_taking_down_through_the_registry(
    tmp_path: Path, org: dict[str, Any]
) -> None:
    service, ids = org["service"], org["ids"]
    account = service.request_account(
        "export", "Hootsuite: Cedar Ridge", ids["author"], ids["author"]
    )
    service.decide_account(account.id, True, ids["officer"])
    service.grant_posting_rights(ids["author"], account.id, ids["officer"])
    post = service.create_post(ids["author"], "Visiting hours change on Monday.", [account.id])
    service.submit_post(post.id, ids["author"])
    service.review_post(post.id, ids["reviewer"], "approve")
    service.schedule_post(post.id, org["clock"].now - timedelta(minutes=1), ids["author"])
    service.session.commit()
    publisher = make_publisher(org)
    publisher.store_credentials(
        account.id, {"directory": str(tmp_path), "lead_minutes": "15"}, ids["officer"]
    )
    assert publisher.publish(post.id).published == (account.id,)
    [csv_file] = tmp_path.glob("*.csv")
    assert [r[1] for r in _rows(csv_file)] == ["Visiting hours change on Monday."]
    assert set(publisher.takedown(post.id, ids["officer"])) == {"export"}
    assert list(tmp_path.glob("*.csv")) == []
