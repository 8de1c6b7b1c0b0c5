"""Stored conversation references: where the bot may post later without being spoken to.

Platform-neutral: the platform's own reference is kept as JSON text (``reference``) that only
its adapter reads; the columns beside it are the keys the core and the adapter look things up
by.  A row stays after the bot is removed (``active`` false) so a later post fails as
"permanent" instead of being retried.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

PERSONAL = "personal"
CHANNEL = "channel"
GROUP_CHAT = "groupChat"


class StoredConversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("platform", "workspace", "conversation_id"),
        Index("ix_conversations_user", "platform", "workspace", "user_id"),
        Index("ix_conversations_team", "platform", "workspace", "team_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(128))  # Teams: the tenant id
    conversation_id: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(16))  # personal | channel | groupChat
    channel_name: Mapped[str] = mapped_column(String(300), default="")
    team_id: Mapped[str] = mapped_column(String(400), default="")
    team_name: Mapped[str] = mapped_column(String(300), default="")
    # For personal chats: the person (Teams: AAD object id) and their platform member id.
    user_id: Mapped[str] = mapped_column(String(128), default="")
    member_id: Mapped[str] = mapped_column(String(400), default="")
    reference: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


__all__ = ["CHANNEL", "GROUP_CHAT", "PERSONAL", "StoredConversation"]
