"""All models, imported here so that ``Base.metadata`` knows every table.

Each feature keeps its models in its own module; add the import below when adding one.
"""

from storage.models.base import Base, UTCDateTime
from storage.models.core import Community, Organiser, Person, ProcessedEvent

__all__ = ["Base", "Community", "Organiser", "Person", "ProcessedEvent", "UTCDateTime"]
