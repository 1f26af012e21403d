"""Persistence: SQLAlchemy 2 models, Alembic migrations, and encryption of patient data at rest."""
