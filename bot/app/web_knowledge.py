"""``copbot serve`` builds the library's search index on start, so the first question is
answered as fast as every other (chat platforms give a bot about three seconds)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.app.runtime import Runtime
from bot.services.knowledge_index import SearchUnavailable, warm

log = logging.getLogger(__name__)


def add_routes(app: web.Application, runtime: Runtime) -> None:
    """No routes: a start-up step (``ROUTES`` in :mod:`bot.app.server` lists it)."""

    async def build_index(app: web.Application) -> None:
        try:
            index = await warm(runtime.database, runtime.settings)
        except SearchUnavailable as exc:
            log.error("%s", exc)  # questions will be refused with this message too
            return
        except Exception as exc:  # the database may be down: answer later instead
            log.warning("could not build the search index on start: %s", exc)
            return
        log.info("search index ready: %s engine, %d FAQ entries", index.engine, len(index.faq))

    app.on_startup.append(build_index)
