"""The feature's table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.base import NAMING, UTCDateTime, utcnow
from storage.models.people import Person


class NotesBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012 - as storage.base.Base


class Note(NotesBase):
    __tablename__ = "example_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(Person.id), index=True)
    text: Mapped[str] = mapped_column(String(200))
    remind_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
