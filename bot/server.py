"""The aiohttp app behind ``copbot serve``: health, and whatever the adapters mount.

Adapters are found by module name (:mod:`bot.plugins`) and asked to mount themselves; each
returns without mounting anything when its settings are absent, so the core never imports a
platform SDK.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Protocol

from aiohttp import web

from bot.plugins import adapter_modules
from bot.runtime import AdapterHost, Runtime
from bot.scheduler.wakeup import start_scheduler

log = logging.getLogger(__name__)

# Core routes added by features (e.g. calendar feeds): ``def add_routes(app, runtime)``.
ROUTE_MODULES: tuple[str, ...] = ("bot.web_calendar", "bot.web_knowledge", "bot.web_metrics")

RUNTIME_KEY = web.AppKey("runtime", Runtime)


class _Mount(Protocol):
    def __call__(self, app: web.Application, host: AdapterHost) -> Awaitable[bool]: ...


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
    for name in ROUTE_MODULES:
        module = importlib.import_module(name)
        add_routes: Callable[[web.Application, Runtime], None] = module.add_routes
        add_routes(app, runtime)
    host = runtime.adapter_host()
    for module in adapter_modules():
        mount: _Mount | None = getattr(module, "mount", None)
        if mount is not None and await mount(app, host):
            log.info("mounted adapter %s", module.__name__)
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
