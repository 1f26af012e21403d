"""Publishing against a real local Bluesky PDS (tests/pds, npm @atproto/dev-env): throughput and
latency of one post at a time, then 1,000 posts falling due at once on one worker.

    .venv/bin/python bench/publishing.py [--posts 200] [--due 1000] [--json FILE]

"One worker" is one process publishing serially, as a Celery worker with the solo pool does; the
figure excludes the scheduler's tick (up to 60 s with beat's one-minute schedule).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from phigate.compliance.people import Role
from phigate.compliance.training import TrainingCompletion
from phigate.publishing.publisher import Publisher
from phigate.service import ComplianceService
from phigate.storage.crypto import Vault, new_key
from phigate.storage.database import make_engine, migrate, session_factory
from phigate.storage.models import PostRow, PublicationRow

PDS_DIR = Path(__file__).resolve().parents[1] / "tests" / "pds"


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_pds(state: Path) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    if not (PDS_DIR / "node_modules" / "@atproto" / "dev-env").exists():
        env = {**os.environ, "npm_config_nodedir": "/usr"}
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PDS_DIR, env=env, check=True)
    env = {**os.environ, "PDS_PORT": str(_port()), "PLC_PORT": str(_port()), "PDS_STATE_DIR": str(state),
           "PDS_HANDLE": "bench.test", "PDS_PASSWORD": "bench-app-password"}  # fmt: skip
    process = subprocess.Popen(["node", "start-local-pds.js"], cwd=PDS_DIR, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("PDS_READY"):
            return process, json.loads(line.split(" ", 1)[1])
    raise SystemExit("the local PDS did not start")


def organization(url: str, pds: dict[str, Any]) -> tuple[Publisher, ComplianceService, Any]:
    engine = make_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    vault = Vault([new_key()])
    service = ComplianceService(sessions(), vault)
    officer = service.add_person("Pat Officer", "po@example.org", {Role.PRIVACY_OFFICER})
    author = service.add_person("Avery Author", "avery@example.org", {Role.AUTHOR})
    service.add_person("Riley Reviewer", "riley@example.org", {Role.REVIEWER})
    service.record_training(
        TrainingCompletion(author.id, "social-media-privacy", date.today() - timedelta(days=30), 95, "1")
    )  # fmt: skip
    account = service.request_account("bluesky", pds["handle"], author.id, author.id)
    service.decide_account(account.id, True, officer.id)
    service.grant_posting_rights(author.id, account.id, officer.id)
    service.session.commit()
    publisher = Publisher(sessions, vault)
    credentials = {"service_url": pds["pdsUrl"], "handle": pds["handle"], "app_password": pds["password"]}  # fmt: skip
    publisher.store_credentials(account.id, credentials, officer.id)
    return (
        publisher,
        service,
        (author.id, service.person_by_email("riley@example.org").id, account.id),
    )


def scheduled_posts(service: ComplianceService, ids: Any, count: int, label: str) -> list[str]:
    author, reviewer, account = ids
    made = []
    for n in range(count):
        # Invented announcements, no patient content; numbered so every text differs.
        post = service.create_post(author, f"{label} {n}: the lobby café opens at 6am.", [account])
        service.submit_post(post.id, author)
        service.review_post(post.id, reviewer, "approve")
        service.schedule_post(post.id, datetime.now(UTC) + timedelta(days=1), author)
        made.append(post.id)
    service.session.commit()
    return made


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def falls_due(publisher: Publisher, post_ids: list[str], at: datetime) -> None:
    with publisher.sessions() as session:
        session.execute(update(PostRow).where(PostRow.id.in_(post_ids)).values(scheduled_for=at))
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        process, pds = start_pds(Path(work) / "pds")
        try:
            publisher, service, ids = organization(f"sqlite:///{work}/phigate.db", pds)
            results: dict[str, Any] = {}

            # 1. One post at a time: the gate again, the idempotency record, createRecord, the result.
            posts = scheduled_posts(service, ids, args.posts, "Serial")
            falls_due(publisher, posts, datetime.now(UTC))
            publisher.publish(posts[0])  # warm-up: sign-in and first connection, not timed
            latencies = []
            started = time.perf_counter()
            for post_id in posts[1:]:
                t0 = time.perf_counter()
                outcome = publisher.publish(post_id)
                latencies.append((time.perf_counter() - t0) * 1000)
                assert outcome.published, outcome
            elapsed = time.perf_counter() - started
            results["serial"] = {
                "posts": len(latencies), "posts_per_s": round(len(latencies) / elapsed, 1),
                "p50_ms": round(statistics.median(latencies), 1),
                "p99_ms": round(percentile(latencies, 0.99), 1), "max_ms": round(max(latencies), 1),
            }  # fmt: skip

            # 2. Many posts fall due at the same moment; one worker drains them, oldest first.
            due = scheduled_posts(service, ids, args.due, "Due")
            moment = datetime.now(UTC)
            falls_due(publisher, due, moment)
            started = time.perf_counter()
            queued = publisher.due_posts()  # what publish_due_posts hands the worker
            assert set(due) <= set(queued), "every post is due"
            for post_id in queued:
                assert publisher.publish(post_id).published
            drain = time.perf_counter() - started
            with publisher.sessions() as session:
                done = [
                    r.published_at for r in session.query(PublicationRow)
                    .filter(PublicationRow.post_id.in_(due))
                ]  # fmt: skip
            delays = [
                ((d if d.tzinfo else d.replace(tzinfo=UTC)) - moment).total_seconds() for d in done if d
            ]  # fmt: skip
            assert len(delays) == len(due)
            results["due_at_once"] = {
                "posts": len(due), "drain_s": round(drain, 1),
                "posts_per_s": round(len(due) / drain, 1),
                "delay_p50_s": round(statistics.median(delays), 2),
                "delay_p99_s": round(percentile(delays, 0.99), 2),
                "delay_max_s": round(max(delays), 2),
            }  # fmt: skip
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    serial, burst = results["serial"], results["due_at_once"]
    print(f"serial: {serial['posts']} posts, {serial['posts_per_s']} posts/s, "
          f"p50 {serial['p50_ms']} ms, p99 {serial['p99_ms']} ms, max {serial['max_ms']} ms")  # fmt: skip
    print(f"{burst['posts']} due at once, one worker: drained in {burst['drain_s']} s "
          f"({burst['posts_per_s']} posts/s); scheduled time to publication p50 "
          f"{burst['delay_p50_s']} s, p99 {burst['delay_p99_s']} s, max {burst['delay_max_s']} s")  # fmt: skip
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
