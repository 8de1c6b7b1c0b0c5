"""The import graph runs one way.

The core (types, commands, router, context, errors, clock, delivery and adapter ports, time
formatting) imports nothing from ``adapters``, ``handlers`` or the composition root
``bot.app``, not even lazily; only entry points import the composition root; no module
imports the module that imports it; nothing is imported by a name built at run time.
Imports are read with :mod:`ast`, so function-level and ``TYPE_CHECKING`` imports count too.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "adapters", "storage")
CORE = ("bot.types", "bot.commands", "bot.router", "bot.context", "bot.errors", "bot.clock",
        "bot.delivery", "bot.host", "bot.timefmt")
OUTER = ("adapters", "handlers", "bot.app")
ENTRY_POINTS = ("bot.app", "bot.cli", "bot.__main__")
SDKS = ("slack_sdk", "slack_bolt", "microsoft_agents", "botbuilder")


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding="utf-8"))


def imported_names(name: str) -> set[str]:
    """Every module name ``name`` imports, our own or not, at any level of the file."""
    names: set[str] = set()
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{name}: relative import"
            submodules = [f"{node.module}.{a.name}" for a in node.names
                          if f"{node.module}.{a.name}" in modules()]
            # ``from bot.scheduler import digest`` imports the module bot.scheduler.digest.
            names.update(submodules or [node.module])
    return names


@cache
def graph() -> dict[str, frozenset[str]]:
    """Our modules and the modules of ours each imports."""
    edges = {}
    for name in modules():
        ours = set()
        for target in imported_names(name):
            while target and target not in modules():
                target = target.rpartition(".")[0]
            if target and target != name:
                ours.add(target)
        edges[name] = frozenset(ours)
    return edges


def reachable(start: tuple[str, ...]) -> dict[str, str]:
    """Every module reachable from ``start``, each with the module that first imports it."""
    via: dict[str, str] = {name: name for name in start}
    stack = list(start)
    while stack:
        name = stack.pop()
        for target in graph()[name]:
            if target not in via:
                via[target] = name
                stack.append(target)
    return via


def test_the_graph_sees_imports_at_every_level() -> None:
    assert {"bot.commands", "bot.context"} <= graph()["bot.router"]
    assert "bot.services.communities" in graph()["bot.cli.imports"]  # inside a function
    assert "bot.scheduler.digest" in graph()["bot.scheduler.kinds"]  # from package import


def test_the_core_reaches_no_adapter_handler_or_composition_root() -> None:
    for name in CORE:
        assert name in modules(), name
    via = reachable(CORE)
    outer = {name: via[name] for name in via if _within(name, OUTER)}
    assert outer == {}, f"imported by the core (module: its importer): {outer}"


def test_only_entry_points_import_the_composition_root() -> None:
    importers = {name for name, targets in graph().items()
                 if not _within(name, ENTRY_POINTS)
                 and any(_within(t, ("bot.app",)) for t in targets)}
    assert importers == set()


def test_no_module_imports_its_own_importer() -> None:
    pairs = {tuple(sorted((a, b))) for a, targets in graph().items() for b in targets
             if a in graph()[b]}
    assert pairs == set()


def test_core_packages_import_no_platform_sdk() -> None:
    for name in modules():
        if _within(name, ("bot", "handlers", "storage")):
            sdks = {n for n in imported_names(name) if _within(n, SDKS)}
            assert sdks == set(), name


def test_nothing_is_imported_by_a_name_built_at_run_time() -> None:
    for name in modules():
        for node in ast.walk(tree(name)):
            if isinstance(node, ast.Call):
                func = node.func
                called = (func.attr if isinstance(func, ast.Attribute)
                          else func.id if isinstance(func, ast.Name) else "")
                assert called not in ("import_module", "__import__"), name


# Outside storage/ nothing builds a SQL statement or runs one: queries live in
# storage/repositories, and services, handlers and the scheduler call them.
STATEMENT_BUILDERS = frozenset({"select", "insert", "update", "delete", "text", "func",
                                "union", "union_all", "exists", "values"})
RUNNERS = frozenset({"execute", "scalar", "scalars", "stream", "stream_scalars"})


def raw_queries(module: ast.Module) -> list[str]:
    """What in ``module`` builds or runs SQL: statement builders imported from sqlalchemy
    (or sqlalchemy imported whole), and ``.execute(...)``-style calls."""
    found = []
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and node.module and _within(node.module,
                                                                         ("sqlalchemy",)):
            found += [f"from {node.module} import {alias.name}" for alias in node.names
                      if alias.name in STATEMENT_BUILDERS or alias.name == "*"]
        elif isinstance(node, ast.Import):
            found += [f"import {alias.name}" for alias in node.names
                      if alias.name in ("sqlalchemy", "sqlalchemy.sql")]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in RUNNERS):
            found.append(f"line {node.lineno}: .{node.func.attr}(...)")
    return found


def test_the_query_detector_sees_a_raw_query() -> None:
    source = ("from sqlalchemy import func, select\n"
              "import sqlalchemy\n"
              "async def f(session):\n"
              "    return await session.execute(select(func.count()))\n"
              "async def g(session):\n"
              "    return await session.scalar(sqlalchemy.text('SELECT 1'))\n")
    assert raw_queries(ast.parse(source)) == [
        "from sqlalchemy import func", "from sqlalchemy import select", "import sqlalchemy",
        "line 4: .execute(...)", "line 6: .scalar(...)"]
    harmless = ("from sqlalchemy.exc import SQLAlchemyError\n"
                "from sqlalchemy.ext.asyncio import AsyncSession\n"
                "from storage.repositories.events import EventRepository\n")
    assert raw_queries(ast.parse(harmless)) == []


def test_queries_live_in_storage() -> None:
    raw = {name: found for name in modules() if not _within(name, ("storage",))
           if (found := raw_queries(tree(name)))}
    assert raw == {}, f"SQL outside storage/ (move it into storage/repositories): {raw}"


SESSION_WRITES = frozenset({"add", "add_all", "delete", "flush", "merge", "commit"})


def session_writes(module: ast.Module) -> list[str]:
    """Calls like ``ctx.session.add(row)`` or ``session.flush()``."""
    found = []
    for node in ast.walk(module):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in SESSION_WRITES):
            owner = node.func.value
            named = (owner.attr if isinstance(owner, ast.Attribute)
                     else owner.id if isinstance(owner, ast.Name) else "")
            if named == "session":
                found.append(f"line {node.lineno}: session.{node.func.attr}(...)")
    return found


def test_the_write_detector_sees_a_session_write() -> None:
    source = "async def f(ctx, row):\n    ctx.session.add(row)\n    await ctx.session.flush()\n"
    assert sorted(session_writes(ast.parse(source))) == [
        "line 2: session.add(...)", "line 3: session.flush(...)"]
    assert session_writes(ast.parse("seen.add(1)\nitems.delete(2)\n")) == []


def test_handlers_write_through_services() -> None:
    writes = {name: found for name in modules() if _within(name, ("handlers",))
              if (found := session_writes(tree(name)))}
    assert writes == {}, f"handlers writing to the session directly: {writes}"
