"""regions of Kazakhstan (17 oblasts and 3 cities of republican significance)

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REGIONS = [
    ("abai", "Абай облысы", "Абайская область", "Abai Region"),
    ("akmola", "Ақмола облысы", "Акмолинская область", "Akmola Region"),
    ("aktobe", "Ақтөбе облысы", "Актюбинская область", "Aktobe Region"),
    ("almaty_region", "Алматы облысы", "Алматинская область", "Almaty Region"),
    ("atyrau", "Атырау облысы", "Атырауская область", "Atyrau Region"),
    (
        "east_kazakhstan",
        "Шығыс Қазақстан облысы",
        "Восточно-Казахстанская область",
        "East Kazakhstan Region",
    ),
    ("jambyl", "Жамбыл облысы", "Жамбылская область", "Jambyl Region"),
    ("jetisu", "Жетісу облысы", "Область Жетысу", "Jetisu Region"),
    ("karaganda", "Қарағанды облысы", "Карагандинская область", "Karaganda Region"),
    ("kostanay", "Қостанай облысы", "Костанайская область", "Kostanay Region"),
    ("kyzylorda", "Қызылорда облысы", "Кызылординская область", "Kyzylorda Region"),
    ("mangystau", "Маңғыстау облысы", "Мангистауская область", "Mangystau Region"),
    (
        "north_kazakhstan",
        "Солтүстік Қазақстан облысы",
        "Северо-Казахстанская область",
        "North Kazakhstan Region",
    ),
    ("pavlodar", "Павлодар облысы", "Павлодарская область", "Pavlodar Region"),
    ("turkistan", "Түркістан облысы", "Туркестанская область", "Turkistan Region"),
    ("ulytau", "Ұлытау облысы", "Область Улытау", "Ulytau Region"),
    (
        "west_kazakhstan",
        "Батыс Қазақстан облысы",
        "Западно-Казахстанская область",
        "West Kazakhstan Region",
    ),
    ("astana", "Астана қаласы", "город Астана", "Astana city"),
    ("almaty_city", "Алматы қаласы", "город Алматы", "Almaty city"),
    ("shymkent", "Шымкент қаласы", "город Шымкент", "Shymkent city"),
]

region = sa.table(
    "region",
    sa.column("code", sa.String),
    sa.column("name_kk", sa.String),
    sa.column("name_ru", sa.String),
    sa.column("name_en", sa.String),
)


def upgrade() -> None:
    op.bulk_insert(
        region,
        [dict(zip(("code", "name_kk", "name_ru", "name_en"), row, strict=True)) for row in REGIONS],
    )


def downgrade() -> None:
    op.execute(region.delete().where(region.c.code.in_([row[0] for row in REGIONS])))
