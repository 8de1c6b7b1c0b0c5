"""``copbot teams-manifest --out copbot-teams.zip``: the Teams app package to upload.

The package holds ``manifest.json`` (schema 1.22: the bot from ``COPBOT_TEAMS_APP_ID`` in the
personal, team and group-chat scopes, with the commands users can type as suggestions) and
the two icons Teams requires, shipped as files in ``adapters/teams/icons``: a 192×192 colour
icon and a 32×32 white outline on transparent.  No Teams SDK is needed (or imported) to build
it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.commands import Command
    from bot.settings import Settings

MANIFEST_VERSION = "1.22"
SCHEMA = (f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/"
          "MicrosoftTeams.schema.json")
SCOPES = ["personal", "team", "groupChat"]
MAX_COMMANDS = 10  # per command list, a limit of the manifest schema
ACCENT = (0, 94, 184)  # NHS blue, the colour icon's background
ICONS = ("color.png", "outline.png")  # 192×192 colour, 32×32 white outline on transparent
GUID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "teams-manifest", help="write the Teams app package (manifest.json and icons)",
        description="Write a zip to upload in Teams admin (or Apps > Manage your apps > Upload "
        "an app): manifest.json for the bot COPBOT_TEAMS_APP_ID in personal, team and group "
        "chat scopes, with the commands as suggestions, and its two icons.")
    parser.add_argument("--out", type=Path, default=Path("copbot-teams.zip"),
                        help="the zip to write (default copbot-teams.zip)")
    parser.add_argument("--version", default="1.0.0", dest="app_version",
                        help="the app package version, x.y.z (raise it for every upload)")
    parser.add_argument("--developer", default=None,
                        help="publisher name shown in Teams (default: the network's name)")
    parser.add_argument("--website-url", default=None,
                        help="https address of the bot's home page (default COPBOT_PUBLIC_URL)")
    parser.add_argument("--privacy-url", default=None, help="default: the website address")
    parser.add_argument("--terms-url", default=None, help="default: the website address")
    parser.set_defaults(run=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.teams.settings import TeamsSettings
    from bot.app.features import build_registry
    from bot.settings import load

    app_id = load(TeamsSettings).app_id
    if not app_id:
        print("Set COPBOT_TEAMS_APP_ID (the bot's Microsoft app id) first.", file=sys.stderr)
        return 2
    if not GUID.match(app_id):
        print(f"COPBOT_TEAMS_APP_ID is {app_id!r}; Teams needs the app id as a "
              "GUID such as 00000000-0000-0000-0000-000000000000.", file=sys.stderr)
        return 2
    if not SEMVER.match(args.app_version):
        print(f"--version {args.app_version!r}: Teams needs three numbers, x.y.z (e.g. 1.0.0).",
              file=sys.stderr)
        return 2
    website = args.website_url or settings.public_url
    if not website.startswith("https://"):
        print("Give the bot's https home page with --website-url (or set COPBOT_PUBLIC_URL).",
              file=sys.stderr)
        return 2
    privacy, terms = args.privacy_url or website, args.terms_url or website
    for option, url in (("--privacy-url", privacy), ("--terms-url", terms)):
        if not url.startswith("https://") or any(c.isspace() for c in url):
            print(f"{option} must be an https address.", file=sys.stderr)
            return 2
    manifest = build_manifest(
        settings, list(build_registry()), app_id=app_id, version=args.app_version,
        developer=args.developer or settings.network_name, website=website,
        privacy=privacy, terms=terms)
    write_package(args.out, manifest)
    print(f"Wrote {args.out} for bot {app_id}.")
    return 0


def build_manifest(settings: Settings, commands: Iterable[Command], *, app_id: str,
                   version: str, developer: str, website: str, privacy: str,
                   terms: str) -> dict[str, Any]:
    name = settings.bot_name
    full = f"{name} for the {settings.network_name}"
    suggestions = [{"title": c.name[:32], "description": c.summary[:128]}
                   for c in commands if not c.hidden and not c.organiser_only][:MAX_COMMANDS]
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {"name": _clip(developer, 32), "websiteUrl": website, "privacyUrl": privacy,
                      "termsOfUseUrl": terms},
        "name": {"short": _clip(name, 30), "full": _clip(full, 100)},
        "description": {
            "short": _clip(f"Questions, seminars and resources for the {settings.network_name}",
                           80),
            "full": (f"{full}. Ask questions in plain words and get answers from the "
                     "network's FAQ and knowledge library, sign up for seminars, look up "
                     "resources, and get reminders and digests in your channels. Type help "
                     "to see everything it can do.")[:4000],
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [{
            "botId": app_id,
            "scopes": SCOPES,
            "isNotificationOnly": False,
            "supportsFiles": False,
            "commandLists": [{"scopes": SCOPES, "commands": suggestions}],
        }],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


def _clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary where there is one."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut if cut else text[:limit]


def write_package(path: Path, manifest: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
        for name in ICONS:
            package.writestr(name, icon(name))


def icon(name: str) -> bytes:
    return (files("adapters.teams") / "icons" / name).read_bytes()
