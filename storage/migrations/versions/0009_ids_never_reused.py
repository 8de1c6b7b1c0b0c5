"""ids shown to people are never reused on SQLite (AUTOINCREMENT)

Without ``AUTOINCREMENT`` SQLite hands out the largest id + 1, so deleting the newest
question (``forget me``) gives its id, and the platform threads linked to it, to the next
asker.  Each table whose ids people see or press buttons with is recreated with
``AUTOINCREMENT``.  PostgreSQL sequences never go back, so nothing changes there.

The tables are recreated with foreign keys switched off (``Database.upgrade`` does that on
SQLite): dropping the old table with them on would cascade into every referencing row.

Revision ID: 0009_ids_never_reused
Revises: 0008_outbox_notices
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_ids_never_reused"
down_revision: str | Sequence[str] | None = "0008_outbox_notices"
branch_labels: str | Sequence[str] | None = None
# The tables it rebuilds (events from 0002, the knowledge tables from 0003) are already
# below it: 0008 depends on 0005, which depends on 0002, and 0007 depends on 0003.
depends_on: str | Sequence[str] | None = None

# Questions (Q12, linked from posted cards' threads), events (#12), FAQ entries (F12),
# library resources (R12) and network answers (in "accept Q12 34" buttons).
TABLES = ("question_log", "events", "faq_entries", "resources", "network_answers")


def _recreate(autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("recreating tables on SQLite needs foreign keys off (they would "
                           "cascade): run this migration with copbot db upgrade")
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass
    problems = bind.execute(sa.text("PRAGMA foreign_key_check")).all()
    if problems:
        raise RuntimeError(f"foreign keys broken by the table copy: {problems[:5]}")


def upgrade() -> None:
    _recreate(True)


def downgrade() -> None:
    _recreate(False)
