"""The aiohttp app behind ``copbot serve``: health, the core's routes, and the adapters.

Adapters are listed in :mod:`bot.app.platforms` and asked to mount themselves; each returns
without mounting anything when its settings are absent, so no platform SDK is loaded unless
it is configured.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from aiohttp import web

from bot.app import web_calendar, web_knowledge, web_metrics
from bot.app.platforms import MOUNTS
from bot.app.runtime import Runtime
from bot.scheduler.wakeup import start_scheduler

log = logging.getLogger(__name__)

AddRoutes = Callable[[web.Application, Runtime], None]

# Core routes added by features (calendar feeds, metrics) and start-up steps (the index).
ROUTES: tuple[AddRoutes, ...] = (
    web_calendar.add_routes, web_knowledge.add_routes, web_metrics.add_routes,
)

RUNTIME_KEY = web.AppKey("runtime", Runtime)


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME_KEY]
    ok = await runtime.database.ping()
    body = {"status": "ok" if ok else "unavailable", "database": "ok" if ok else "unreachable"}
    return web.json_response(body, status=200 if ok else 503)


async def create_app(runtime: Runtime) -> web.Application:
    """Build the app; adapters mount their routes if configured.  No network I/O."""
    app = web.Application()
    app[RUNTIME_KEY] = runtime
    app.router.add_get("/healthz", healthz)
    for add_routes in ROUTES:
        add_routes(app, runtime)
    host = runtime.adapter_host()
    for name, mount in MOUNTS:
        if await mount(app, host, runtime.platforms):
            log.info("mounted adapter %s", name)
    return app


async def serve(runtime: Runtime, host: str, port: int,
                ready: Callable[[int], None] | None = None) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully."""
    await runtime.start()
    try:
        app = await create_app(runtime)
    except BaseException:
        await runtime.stop()  # an adapter refused its settings: close the database
        raise
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        await runtime.stop()
        raise
    scheduler = await start_scheduler(runtime.settings, runtime.database, runtime.transports,
                                      runtime.clock)  # None when COPBOT_SCHEDULER=off
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    actual_port = int(runner.addresses[0][1]) if runner.addresses else port
    log.info("copbot serving on http://%s:%s", host, actual_port)
    print(f"copbot serving on http://{host}:{actual_port}", flush=True)
    if ready is not None:
        ready(actual_port)
    try:
        await stop.wait()
    finally:
        log.info("shutting down")
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        if scheduler is not None:
            await scheduler.stop()
        await runner.cleanup()
        await runtime.stop()
