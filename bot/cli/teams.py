"""``copbot teams-manifest --out copbot-teams.zip``: the Teams app package to upload.

The package holds ``manifest.json`` (schema 1.22: the bot from ``COPBOT_TEAMS_APP_ID`` in the
personal, team and group-chat scopes, with the commands users can type as suggestions) and
the two icons Teams requires, drawn here: a 192×192 colour icon and a 32×32 white outline on
transparent.  No Teams SDK is needed (or imported) to build it.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable
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
ACCENT = (0, 94, 184)  # NHS blue
COLOR_SIZE, OUTLINE_SIZE = 192, 32


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
    from bot.app.features import build_registry

    if not settings.teams_app_id:
        print("Set COPBOT_TEAMS_APP_ID (the bot's Microsoft app id) first.", file=sys.stderr)
        return 2
    website = args.website_url or settings.public_url
    if not website.startswith("https://"):
        print("Give the bot's https home page with --website-url (or set COPBOT_PUBLIC_URL).",
              file=sys.stderr)
        return 2
    manifest = build_manifest(
        settings, list(build_registry()), version=args.app_version,
        developer=args.developer or settings.network_name, website=website,
        privacy=args.privacy_url or website, terms=args.terms_url or website)
    write_package(args.out, manifest)
    print(f"Wrote {args.out} for bot {settings.teams_app_id}.")
    return 0


def build_manifest(settings: Settings, commands: Iterable[Command], *, version: str,
                   developer: str, website: str, privacy: str, terms: str) -> dict[str, Any]:
    name = settings.bot_name
    full = f"{name} for the {settings.network_name}"
    suggestions = [{"title": c.name[:32], "description": c.summary[:128]}
                   for c in commands if not c.hidden and not c.organiser_only][:MAX_COMMANDS]
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": settings.teams_app_id,
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
            "botId": settings.teams_app_id,
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
        package.writestr("color.png", color_icon())
        package.writestr("outline.png", outline_icon())


# ---------------------------------------------------------------------------- icons
Shape = Callable[[float, float], bool]


def _bubble(cx: float, cy: float, rx: float, ry: float) -> Shape:
    """A speech bubble: an ellipse with a tail at its lower left."""
    def inside(x: float, y: float) -> bool:
        if ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1:
            return True
        # the tail: a triangle below the ellipse's lower-left quarter
        tx, ty = cx - rx * 0.45, cy + ry * 0.6
        return ty <= y <= ty + ry * 0.6 and tx - (y - ty) * 0.9 <= x <= tx + rx * 0.35 - (
            y - ty) * 1.3
    return inside


def _coverage(shape: Shape, x: int, y: int, samples: int = 4) -> float:
    """How much of pixel (x, y) the shape covers (supersampled, for smooth edges)."""
    step = 1 / samples
    hits = sum(shape(x + (i + 0.5) * step, y + (j + 0.5) * step)
               for i in range(samples) for j in range(samples))
    return hits / (samples * samples)


def color_icon() -> bytes:
    """192×192: a white speech bubble with three dots on NHS blue."""
    size = COLOR_SIZE
    bubble = _bubble(96, 86, 62, 48)
    dots = [(70 + 26 * i, 86) for i in range(3)]
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            white = _coverage(bubble, x, y)
            if white and 50 <= x <= 132 and 74 <= y <= 98:
                white *= 1 - _coverage(lambda px, py: any(
                    (px - dx) ** 2 + (py - dy) ** 2 <= 81 for dx, dy in dots), x, y)
            rgb = [round(a * (1 - white) + 255 * white) for a in ACCENT]
            row += bytes((*rgb, 255))
        rows.append(bytes(row))
    return png(size, size, rows)


def outline_icon() -> bytes:
    """32×32: the bubble's outline in white on transparent (all Teams allows)."""
    size = OUTLINE_SIZE
    outer = _bubble(16, 14.5, 13, 10)
    def inner(x: float, y: float) -> bool:
        return ((x - 16) / 10.5) ** 2 + ((y - 14.5) / 7.5) ** 2 <= 1

    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            alpha = _coverage(lambda px, py: outer(px, py) and not inner(px, py), x, y)
            row += bytes((255, 255, 255, round(255 * alpha)))
        rows.append(bytes(row))
    return png(size, size, rows)


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    """A minimal RGBA PNG (8 bits per channel, no filtering)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
