"""Migrations build the schema from nothing, and bring a database at the previous revision up."""

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from phigate.storage.database import alembic_config, migrate
from phigate.storage.models import Base


def test_upgrade_an_empty_database_to_the_models(engine: Engine) -> None:
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_upgrade_from_every_previous_revision(engine: Engine) -> None:
    config = alembic_config(engine)
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    for revision in revisions:
        command.upgrade(config, revision.revision)
    migrate(engine)  # from the previous revision (or base, while there is one) to head
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    command.downgrade(config, "base")
    assert set(Base.metadata.tables).isdisjoint(inspect(engine).get_table_names())


def test_data_survives_the_upgrade_from_the_previous_revision(engine: Engine) -> None:
    from sqlalchemy import text

    config = alembic_config(engine)
    command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO people (id, name, email, roles, active) VALUES ('p-1', 'Pat', 'pat@example.org', 'author', true)"
            )
        )
    migrate(engine)
    with engine.begin() as connection:
        row = connection.execute(
            text("SELECT email, failed_logins, password_hash FROM people")
        ).one()
    assert tuple(row) == ("pat@example.org", 0, None)
