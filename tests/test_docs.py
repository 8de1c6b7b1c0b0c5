"""The docs by audience: each command is documented for the people who can use it, links
between pages resolve, and settings tables live in one place."""

from __future__ import annotations

import re
from pathlib import Path

from bot.app.features import build_registry

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _slug(heading: str) -> str:
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {_slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


def test_every_command_is_documented_for_who_can_use_it() -> None:
    members = (ROOT / "docs" / "members.md").read_text(encoding="utf-8")
    organisers = (ROOT / "docs" / "organisers.md").read_text(encoding="utf-8")
    missing = [command.name for command in build_registry() if not command.hidden
               and f"`{command.name}" not in (organisers if command.organiser_only
                                               else members)]
    assert missing == []


def test_links_between_pages_resolve() -> None:
    broken = []
    for page in PAGES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists() or (anchor and linked.suffix == ".md"
                                       and anchor not in _anchors(linked)):
                broken.append(f"{page.name}: {target}")
    assert broken == []


def test_settings_tables_live_only_in_the_settings_page() -> None:
    tables = [page.name for page in PAGES
              if re.search(r"^\| `COPBOT_\w+`", page.read_text(encoding="utf-8"), re.M)]
    assert tables == ["settings.md"]
