"""media attachments, fetch cursors, inbound account

Revision ID: 0007_media
Revises: 0006_claims
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_media"
down_revision = "0006_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("name_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("report_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("verdict", sa.String(length=10), nullable=True),
        sa.Column("finding_types", sa.JSON(), nullable=False),
        sa.Column("scan_error", sa.Text(), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "fetch_cursors",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("fetched_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("polled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["social_accounts.id"]),
        sa.PrimaryKeyConstraint("account_id"),
    )
    with op.batch_alter_table("inbound_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_id", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_inbound_items_account_id", ["account_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_inbound_items_account_id", "social_accounts", ["account_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("inbound_items", schema=None) as batch_op:
        batch_op.drop_constraint("fk_inbound_items_account_id", type_="foreignkey")
        batch_op.drop_index("ix_inbound_items_account_id")
        batch_op.drop_column("account_id")
    op.drop_table("fetch_cursors")
    op.drop_table("media")
