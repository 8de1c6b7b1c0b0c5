"""``GET /metrics``: Prometheus text format, mounted only when ``COPBOT_METRICS=on``
(otherwise the path answers 404 like any unknown one)."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.app.runtime import Runtime


def add_routes(app: web.Application, runtime: Runtime) -> None:
    metrics = runtime.metrics
    if metrics is None:
        return

    async def scrape(_request: web.Request) -> web.Response:
        await metrics.refresh(runtime.database, runtime.clock.now())
        return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/metrics", scrape)
