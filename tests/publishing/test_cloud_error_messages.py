"""What staff read when X, LinkedIn or Pinterest refuses: plain words, the platform's own reason,
never the post's words, and an answer phigate does not recognize is retried rather than lost."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from phigate.publishing.connectors import ConnectorError, MediaItem
from phigate.publishing.pinterest import PinterestConnector
from phigate.publishing.platform_http import failure, redact
from tests.publishing.local_server import serve

POST = "Get well soon, Rosa Delgado! Everyone on the third floor misses you."


def test_an_echo_of_the_post_is_cut_even_when_partial_or_quoted() -> None:
    echoed = "Invalid value for text: 'Get well soon, Rosa Delgado! Everyone on the' (truncated)"
    said = redact(echoed, [POST])
    assert "Rosa" not in said and "Everyone" not in said
    assert said.startswith("Invalid value for text:") and said.endswith("(truncated)")
    assert redact("The text is too long", [POST]) == "The text is too long"  # ordinary words stay
    assert len(redact("x" * 1000, [POST])) <= 300


def test_each_status_reads_as_what_to_do() -> None:
    expired = failure("X", "publish the post", 401, "Unauthorized")
    assert not expired.retryable and "reconnect the X account" in str(expired)
    limited = failure("X", "publish the post", 429, "Too Many Requests", retry_after=42.0)
    assert limited.retryable and limited.retry_after == 42.0
    assert failure("X", "publish the post", 429, "").retry_after == 60.0  # no header: a minute
    down = failure("LinkedIn", "delete the post", 502, "Bad Gateway")
    assert down.retryable and "502" in str(down)
    invalid = failure("Pinterest", "publish the pin", 400, f"description '{POST}' too long", hidden=[POST])  # fmt: skip
    assert not invalid.retryable and "Delgado" not in str(invalid) and "too long" in str(invalid)


def test_an_answer_without_the_documented_id_is_retried() -> None:
    server = FastAPI()

    @server.post("/v5/pins")
    async def created_without_id() -> JSONResponse:
        return JSONResponse({"board_id": "1"}, status_code=201)

    with serve(server) as base, pytest.raises(ConnectorError) as unrecognized:
        PinterestConnector("t", "1", base_url=base).publish(
            POST, "key-1", [MediaItem(b"png", "image/png")]
        )
    assert unrecognized.value.retryable and "does not recognize" in str(unrecognized.value)
    assert "Rosa" not in str(unrecognized.value)
