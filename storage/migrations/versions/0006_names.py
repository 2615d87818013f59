"""names: clubs and sites named in kk, ru and en; Russian region names in their official forms

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# `name` stays the name as given (shown where a language has none); these may stay empty.
TABLES = ("club", "site")
COLUMNS = ("name_kk", "name_ru", "name_en")

# (code, the official Russian name, the name 0002 seeded): the regions formed in 2022 are named
# in Russian as in the decree that formed them, with their Kazakh names.
REGIONS_RU = (
    ("abai", "область Абай", "Абайская область"),
    ("jetisu", "область Жетісу", "Область Жетысу"),
    ("ulytau", "область Ұлытау", "Область Улытау"),
)

region = sa.table("region", sa.column("code", sa.String), sa.column("name_ru", sa.String))


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in COLUMNS:
                batch_op.add_column(sa.Column(column, sa.String(length=200), nullable=True))
    for code, official, seeded in REGIONS_RU:
        op.execute(
            region.update()
            .where(region.c.code == code, region.c.name_ru == seeded)
            .values(name_ru=official)
        )


def downgrade() -> None:
    for code, official, seeded in REGIONS_RU:
        op.execute(
            region.update()
            .where(region.c.code == code, region.c.name_ru == official)
            .values(name_ru=seeded)
        )
    # Never recreate these tables on SQLite: dropping the old copy of a table would run the
    # ON DELETE actions of the rows referring to it (grants and invites of a club deleted, clubs'
    # sites emptied). SQLite has had ALTER TABLE ... DROP COLUMN since 3.35.
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            for column in reversed(COLUMNS):
                batch_op.drop_column(column)
