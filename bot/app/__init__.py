"""The composition root: the one place that knows every part and puts them together.

- :mod:`bot.app.features` — the handlers, in ``help`` order, and the question chain;
- :mod:`bot.app.platforms` — the adapters: what ``serve`` mounts and what ``check`` asks;
- :mod:`bot.app.runtime` — settings, database, router, transports and the notice sender,
  with an explicit lifecycle;
- :mod:`bot.app.server` — the aiohttp app of ``copbot serve`` and its routes
  (:mod:`bot.app.web`);
- :mod:`bot.app.demo` — the demo data of ``copbot chat --demo``.

Everything here is an imported callable in a tuple, so "go to definition" works and a typo
fails at import.  The core (``bot.types``, ``bot.commands``, ``bot.router`` …) never imports
from here, from ``handlers`` or from ``adapters``.
"""
