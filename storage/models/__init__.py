"""All models, imported here so that ``Base.metadata`` knows every table.

Each feature keeps its models in its own module (and its own Alembic migration, branching
from ``0001_core``; ``copbot db upgrade`` applies every head).
"""

from storage.models import conversations, deliveries, events, jobs, knowledge, network, seminars
from storage.models.base import Base, UTCDateTime
from storage.models.core import Community, Organiser, Person, ProcessedEvent

__all__ = [
    "Base",
    "Community",
    "Organiser",
    "Person",
    "ProcessedEvent",
    "UTCDateTime",
    "conversations",
    "deliveries",
    "events",
    "jobs",
    "knowledge",
    "network",
    "seminars",
]
