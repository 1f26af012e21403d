"""`phigate serve`: the web application, on the embedded database unless configured otherwise."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer
from rich.console import Console

console = Console()


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    demo: Annotated[
        bool, typer.Option(help="Seed the demo organization into an empty database.")
    ] = False,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL deployments).")] = 1,
) -> None:
    """Start the web application."""
    import uvicorn

    from phigate.service import ComplianceService
    from phigate.storage.crypto import Vault
    from phigate.storage.database import data_dir, make_engine, migrate, session_factory
    from phigate.web.demo import DEMO_PASSWORD, DEMO_PEOPLE, is_seeded, seed, totp_secrets

    directory = data_dir()
    vault = Vault.from_environment(directory / "encryption.key")
    key_file = directory / "session.key"
    if not os.environ.get("PHIGATE_SECRET_KEY") and not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    engine = make_engine()
    migrate(engine)
    if demo:
        with session_factory(engine)() as session:
            service = ComplianceService(session, vault)
            if not is_seeded(service) and not service.people():
                seed(service)
                session.commit()
            codes = totp_secrets(service) if is_seeded(service) else {}
        console.print(
            f"[bold]phigate demo[/] at http://{host}:{port}  (password for everyone: {DEMO_PASSWORD})"
        )
        for _name, email, roles, trained in DEMO_PEOPLE:
            extra = f"  two-factor secret {codes[email]}" if email in codes else ""
            console.print(
                f"  {email:<24} {', '.join(sorted(roles)):<28} {'trained' if trained else 'NOT trained'}{extra}"
            )
        console.print("  Current two-factor code: .venv/bin/phigate totp-code EMAIL")
    engine.dispose()
    os.environ.setdefault("PHIGATE_DATA_DIR", str(directory))
    # Measured with bench/web_load.py (50 users, 2 cores): with several workers uvloop serves
    # about 1.7x the requests of asyncio within the same p99; a single uvloop worker at full load
    # left a few requests waiting over 2 s, where asyncio stayed under 125 ms.
    uvicorn.run(
        "phigate.web.main:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=True,
        loop=os.environ.get("PHIGATE_EVENT_LOOP") or ("uvloop" if workers > 1 else "asyncio"),
    )


def totp_code(email: str) -> None:
    """Print the current two-factor code of a demo account (demo databases only)."""
    import pyotp

    from phigate.cli_admin import open_service
    from phigate.web.demo import is_seeded, totp_secrets

    with open_service() as service:
        if not is_seeded(service):
            console.print("[red]refused:[/] codes are shown only for the demo organization")
            raise typer.Exit(3)
        secret = totp_secrets(service).get(email.lower())
    if secret is None:
        console.print(f"[red]{email} has no two-factor enrollment[/]")
        raise typer.Exit(3)
    console.print(pyotp.TOTP(secret).now())


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command("totp-code")(totp_code)
