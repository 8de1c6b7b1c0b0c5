"""What members know: the expertise they declare, so questions can find the right people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class Expertise(Base):
    __tablename__ = "expertise"
    __table_args__ = (
        UniqueConstraint("person_id", "key"),
        Index("ix_expertise_key", "key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(200))  # as the member wrote it
    key: Mapped[str] = mapped_column(String(200))  # normalised for matching
    added_at: Mapped[datetime]
