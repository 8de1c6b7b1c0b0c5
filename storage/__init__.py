"""Storage: SQLAlchemy 2.0 async models, repositories and Alembic migrations."""

from storage.db import UNAVAILABLE_ERRORS, Database, is_unavailable

__all__ = ["UNAVAILABLE_ERRORS", "Database", "is_unavailable"]
