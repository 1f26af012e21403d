"""Load benchmark for the web application, with wrk (Debian's HTTP load generator) on loopback.

Starts `phigate serve` as its own process on a fresh embedded database, seeds 50 authors with
sessions and an API token, then runs two scenarios with 50 concurrent connections each:
  scan     POST /api/v1/scan with a 280-character post (Bearer token)
  compose  GET /compose and POST /compose/scan, rotating through 50 signed-in authors
and prints requests/s, latency percentiles and errors beside issue 4's target
(p99 <= 150 ms for scanning a 280-character post with 50 concurrent users, no errors).

    make bench-web            # or: .venv/bin/python bench/web_load.py --duration 20
Needs wrk: apt-get install wrk.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

POST_280 = (
    "Join us Saturday for our free community health fair at the Eastside Clinic! Blood pressure "
    "checks, flu shots and healthy cooking demos from 9am to 1pm. Questions? Call 555-0100. Our "
    "nurse Maria and Dr. Patel will answer questions about diabetes care. Bring the whole family!"
)[:280]
USERS = 50
PASSWORD = "load-test-password-1"

SCAN_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
wrk.body = %(body)s
"""
COMPOSE_LUA = """
local sessions = { %(sessions)s }
local csrfs = { %(csrfs)s }
local counter = 0
request = function()
  counter = counter + 1
  local i = (counter %% #sessions) + 1
  local headers = { ["Cookie"] = "phigate_session=" .. sessions[i] }
  if counter %% 2 == 0 then
    return wrk.format("GET", "/compose", headers)
  end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["X-CSRF-Token"] = csrfs[i]
  return wrk.format("POST", "/compose/scan", headers, "text=" .. %(body)s)
end
"""


def seed(data_dir: Path) -> str:
    """Authors with passwords and one API token, in the embedded database the server will open."""
    os.environ["PHIGATE_DATA_DIR"] = str(data_dir)
    from datetime import date

    from phigate.compliance.people import Role
    from phigate.compliance.training import TrainingCompletion
    from phigate.service import ComplianceService
    from phigate.signin import create_token, set_password
    from phigate.storage.crypto import Vault
    from phigate.storage.database import make_engine, migrate, session_factory

    vault = Vault.from_environment(data_dir / "encryption.key")
    (data_dir / "session.key").write_text("bench-session-key-" + "x" * 40)
    engine = make_engine()
    migrate(engine)
    with session_factory(engine)() as session:
        service = ComplianceService(session, vault)
        token = ""
        for n in range(USERS):
            person = service.add_person(f"Author {n}", f"author{n}@bench.example", {Role.AUTHOR})
            set_password(service, person.id, PASSWORD)
            service.record_training(
                TrainingCompletion(person.id, "social-media-privacy", date.today(), 95, "1")
            )
            if n == 0:
                token = create_token(service, person.id, "bench", {"scan"})
        session.commit()
    engine.dispose()
    return token


def start_server(data_dir: Path, port: int, workers: int) -> tuple[subprocess.Popen[bytes], float]:
    env = {**os.environ, "PHIGATE_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "phigate.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process, time.perf_counter() - started
        except httpx.HTTPError:
            time.sleep(0.05)
    stop(process)
    raise SystemExit("the server did not answer /health within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def sessions(port: int) -> tuple[list[str], list[str]]:
    cookies, csrfs = [], []
    for n in range(USERS):
        # Sign-in is throttled per address (20 a minute); each simulated user signs in from its own
        # loopback address, as 50 people on 50 machines would.
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{n + 2}")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", transport=transport) as client:
            page = client.get("/login").text
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
            client.post(
                "/login",
                data={"email": f"author{n}@bench.example", "password": PASSWORD, "csrf": csrf},
            )
            compose = client.get("/compose").text
            csrfs.append(re.search(r'name="csrf" value="([^"]+)"', compose).group(1))  # type: ignore[union-attr]
            cookies.append(client.cookies["phigate_session"])
    return cookies, csrfs


def run_wrk(url: str, script: str, duration: int, folder: Path) -> dict[str, float]:
    path = folder / "script.lua"
    path.write_text(script + REPORT_LUA)
    done = subprocess.run(
        ["wrk", "-t2", "-c", str(USERS), "-d", f"{duration}s", "--timeout", "10s", "--latency", "-s", str(path), url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(line for line in done.stdout.splitlines() if line.startswith("JSON "))
    return dict(json.loads(line[5:]))


REPORT_LUA = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format('JSON {"requests": %d, "seconds": %.3f, "p50": %.2f, "p90": %.2f, "p99": %.2f, "max": %.2f, "errors": %d, "non2xx": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, summary.errors.status))
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=20, help="seconds per scenario")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--port", type=int, default=18765)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"phigate web load, wrk, {USERS} connections, {args.duration} s per scenario, loopback"
    )
    for column in (
        "workers",
        "scenario",
        "req/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "errors",
        "target",
    ):
        table.add_column(
            column, justify="right" if column not in ("scenario", "target") else "left"
        )
    startups = []
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as folder:
            data = Path(folder)
            token = seed(data)
            process, startup = start_server(data, args.port, workers)
            startups.append((workers, startup))
            if workers > 1:
                time.sleep(8)  # /health answers once the first worker is up; let the others start
            try:
                base = f"http://127.0.0.1:{args.port}"
                body = json.dumps(json.dumps({"text": POST_280}))
                warm = SCAN_LUA % {"token": token, "body": body}
                run_wrk(f"{base}/api/v1/scan", warm, 5, data)
                scan = run_wrk(f"{base}/api/v1/scan", warm, args.duration, data)
                cookies, csrfs = sessions(args.port)
                from urllib.parse import quote

                compose_script = COMPOSE_LUA % {
                    "sessions": ", ".join(f'"{c}"' for c in cookies),
                    "csrfs": ", ".join(f'"{c}"' for c in csrfs),
                    "body": json.dumps(quote(POST_280)),
                }
                compose = run_wrk(f"{base}/compose", compose_script, args.duration, data)
            finally:
                stop(process)
        for name, figures in (
            ("scan API (280 chars)", scan),
            ("compose page + live scan", compose),
        ):
            ok = figures["p99"] <= 150 and figures["errors"] == 0
            target = (
                ("PASS" if ok else "FAIL") + " p99<=150ms, 0 errors"
                if name.startswith("scan")
                else "-"
            )
            table.add_row(str(workers), name, f"{figures['requests'] / figures['seconds']:.0f}", f"{figures['p50']:.1f}",
                          f"{figures['p90']:.1f}", f"{figures['p99']:.1f}", str(int(figures["errors"])), target)  # fmt: skip
    console = Console()
    console.print(table)
    for workers, startup in startups:
        console.print(
            f"start-up with {workers} worker(s): {startup:.2f} s to the first 200 from /health (target <= 5 s)"
        )


if __name__ == "__main__":
    main()
