"""Letters of gratitude (алғыс хат) of the volunteer movement, awarded at a season's end:
republican by the administrators, regional by a region's coordinators (issue 10)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, utcnow


class Award(Base):
    """One letter: once per volunteer, level and season (the unique constraint settles a race).

    level: republican (region_id empty) | regional. `code` is what /verify checks and the
    letter's QR code opens, like a certificate's; `locale` is the awardee's at the award.
    """

    __tablename__ = "award"
    __table_args__ = (
        UniqueConstraint("season", "level", "volunteer_id"),
        Index("ix_award_volunteer_id", "volunteer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    season: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id", ondelete="CASCADE"))
    reason: Mapped[str | None] = mapped_column(String(500))
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
