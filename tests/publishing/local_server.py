"""A FastAPI app under uvicorn on 127.0.0.1 in a thread: the stand-in for a cloud platform in the
connectors' contract tests."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run `app` until the block ends; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(5)


def record_requests(app: FastAPI, log: list[Seen]) -> None:
    """Keep every request the connector made, so tests assert what was sent."""

    @app.middleware("http")
    async def remember(request: Request, call_next: Any) -> Any:
        body = await request.body()
        raw = request.scope.get("raw_path", b"").decode()
        if request.scope.get("query_string"):
            raw += "?" + request.scope["query_string"].decode()
        log.append(
            Seen(request.method, request.url.path, dict(request.query_params),
                 {k.lower(): v for k, v in request.headers.items()}, body, raw)
        )  # fmt: skip
        return await call_next(request)


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    raw_path: str = ""  # the path and query as sent, percent-encoding and all

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Recorder:
    """The requests one stand-in server received, with a filter by method and path."""

    requests: list[Seen] = field(default_factory=list)

    def install(self, app: FastAPI) -> None:
        record_requests(app, self.requests)

    def to(self, method: str, path: str) -> list[Seen]:
        return [r for r in self.requests if r.method == method and r.path == path]
