"""``copbot teams-manifest``: a package Teams admin accepts — manifest and two icons."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.app.features import build_registry
from bot.cli import main

APP_ID = "00000000-0000-4000-8000-00000000b07a"


def read_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, RGBA rows) of an RGBA PNG."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        assert (image.format, image.mode) == ("PNG", "RGBA")
        width, height = image.size
        raw = image.tobytes()
    return width, height, [raw[y * 4 * width:(y + 1) * 4 * width] for y in range(height)]


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COPBOT_TEAMS_APP_ID", APP_ID)
    monkeypatch.setenv("COPBOT_PUBLIC_URL", "https://copbot.example.nhs.uk")
    out = tmp_path / "copbot-teams.zip"
    assert main(["teams-manifest", "--out", str(out)]) == 0
    return out


def test_the_package_holds_a_manifest_and_two_icons(package: Path) -> None:
    with zipfile.ZipFile(package) as zipped:
        assert sorted(zipped.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(zipped.read("manifest.json"))
        color = read_png(zipped.read("color.png"))
        outline = read_png(zipped.read("outline.png"))
    assert manifest["manifestVersion"] == "1.22"
    assert manifest["$schema"].endswith("/v1.22/MicrosoftTeams.schema.json")
    assert manifest["id"] == APP_ID
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert manifest["developer"]["websiteUrl"] == "https://copbot.example.nhs.uk"
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    (commands,) = bot["commandLists"]
    titles = [c["title"] for c in commands["commands"]]
    assert titles[0] == "help" and "signup" in titles and len(titles) <= 10
    organiser_only = {c.name for c in build_registry() if c.organiser_only}
    assert not organiser_only & set(titles)
    assert all(len(c["title"]) <= 32 and len(c["description"]) <= 128
               for c in commands["commands"])

    assert color[:2] == (192, 192)
    assert all(row[x * 4 + 3] == 255 for row in color[2] for x in range(192))  # opaque
    assert outline[:2] == (32, 32)
    pixels = [row[x * 4:x * 4 + 4] for row in outline[2] for x in range(32)]
    assert all(p[:3] == b"\xff\xff\xff" for p in pixels if p[3])  # white on transparent
    assert any(p[3] == 0 for p in pixels) and any(p[3] == 255 for p in pixels)


def test_without_an_app_id_it_says_what_to_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COPBOT_TEAMS_APP_ID", raising=False)
    assert main(["teams-manifest", "--out", str(tmp_path / "x.zip")]) == 2
    assert "COPBOT_TEAMS_APP_ID" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


# ---------------------------------------------------------------- the rules Teams documents
# Encoded from the manifest reference for schema 1.22 (learn.microsoft.com, "App manifest
# schema") and the app-package rules of Teams admin's upload check; no schema file is kept.
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
HTTPS = re.compile(r"^https://\S+$")
DOMAIN = re.compile(r"^(\*\.)?[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+(:\d+)?$")
SCOPES = {"personal", "team", "groupChat", "copilot"}


def manifest_problems(manifest: dict[str, Any], files: dict[str, bytes]) -> list[str]:
    """Every way ``manifest`` (with the package's ``files``) breaks Teams' documented rules."""
    problems: list[str] = []

    def need(ok: bool, problem: str) -> None:
        if not ok:
            problems.append(problem)

    for key in ("$schema", "manifestVersion", "version", "id", "developer", "name",
                "description", "icons", "accentColor"):
        need(key in manifest, f"{key} is required")
    if problems:
        return problems
    version = manifest["manifestVersion"]
    need(manifest["$schema"] == "https://developer.microsoft.com/json-schemas/teams/"
         f"v{version}/MicrosoftTeams.schema.json", "$schema is not the one for manifestVersion")
    need(bool(SEMVER.match(manifest["version"])) and len(manifest["version"]) <= 256,
         "version is not x.y.z")
    need(bool(GUID.match(manifest["id"])), "id is not a GUID")
    developer = manifest["developer"]
    need(0 < len(developer.get("name", "")) <= 32, "developer.name must be 1-32 characters")
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        url = developer.get(key, "")
        need(bool(HTTPS.match(url)) and len(url) <= 2048, f"developer.{key} must be https")
    name, description = manifest["name"], manifest["description"]
    need(0 < len(name.get("short", "")) <= 30, "name.short must be 1-30 characters")
    need(0 < len(name.get("full", "")) <= 100, "name.full must be 1-100 characters")
    need(0 < len(description.get("short", "")) <= 80, "description.short must be 1-80 characters")
    need(0 < len(description.get("full", "")) <= 4000,
         "description.full must be 1-4000 characters")
    need(bool(HEX_COLOUR.match(manifest["accentColor"])), "accentColor is not #RRGGBB")
    icons = manifest["icons"]
    for key in ("color", "outline"):
        need(icons.get(key) in files, f"icons.{key} is not in the package")
    for bot in manifest.get("bots", []):
        need(bool(GUID.match(bot.get("botId", ""))), "bots[].botId is not a GUID")
        need(bool(bot.get("scopes")) and set(bot["scopes"]) <= SCOPES, "bots[].scopes invalid")
        lists = bot.get("commandLists", [])
        need(len(lists) <= 3, "at most 3 command lists")
        for command_list in lists:
            need(set(command_list["scopes"]) <= set(bot["scopes"]),
                 "a command list's scopes are not the bot's")
            commands = command_list["commands"]
            need(0 < len(commands) <= 10, "a command list holds 1-10 commands")
            titles = [c["title"] for c in commands]
            need(len(set(titles)) == len(titles), "command titles repeat")
            for command in commands:
                need(0 < len(command["title"]) <= 32, f"command title {command['title']!r}")
                need(0 < len(command["description"]) <= 128,
                     f"command description of {command['title']!r}")
    domains = manifest.get("validDomains", [])
    need(len(domains) <= 16, "at most 16 valid domains")
    need(all(DOMAIN.match(d) and len(d) <= 2048 for d in domains),
         "validDomains are host names without a scheme or path")
    return problems


def icon_problems(files: dict[str, bytes], manifest: dict[str, Any]) -> list[str]:
    """The icons' rules: colour 192×192 PNG, outline 32×32 PNG white on transparent."""
    problems = []
    color = read_png(files[manifest["icons"]["color"]])
    outline = read_png(files[manifest["icons"]["outline"]])
    if color[:2] != (192, 192):
        problems.append("the colour icon is not 192x192")
    if outline[:2] != (32, 32):
        problems.append("the outline icon is not 32x32")
    pixels = [row[x * 4:x * 4 + 4] for row in outline[2] for x in range(outline[0])]
    if not all(p[:3] == b"\xff\xff\xff" for p in pixels if p[3]):
        problems.append("the outline icon has colours other than white")
    if not (pixels[0][3] == pixels[-1][3] == 0 and any(p[3] == 0 for p in pixels)):
        problems.append("the outline icon's background is not transparent")
    return problems


def unpack(package: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    with zipfile.ZipFile(package) as zipped:
        files = {name: zipped.read(name) for name in zipped.namelist()}
    return json.loads(files["manifest.json"]), files


def test_the_package_keeps_every_documented_manifest_rule(package: Path) -> None:
    manifest, files = unpack(package)
    assert all("/" not in name for name in files)  # files at the zip's root, no folders
    assert manifest_problems(manifest, files) == []
    assert icon_problems(files, manifest) == []


def test_the_rules_catch_what_teams_refuses(package: Path) -> None:
    """The checks above can fail: each broken copy is refused for the reason Teams gives."""
    manifest, files = unpack(package)
    broken = {
        "version is not x.y.z": {"version": "1.0"},
        "id is not a GUID": {"id": "copbot"},
        "accentColor is not #RRGGBB": {"accentColor": "blue"},
        "name.short must be 1-30 characters": {"name": {"short": "x" * 31, "full": "x"}},
        "description.short must be 1-80 characters": {
            "description": {"short": "x" * 81, "full": "x"}},
        "validDomains are host names without a scheme or path": {
            "validDomains": ["https://copbot.example.nhs.uk/"]},
    }
    for problem, change in broken.items():
        assert problem in manifest_problems({**manifest, **change}, files)
    too_many = [{"title": f"c{i}", "description": "d"} for i in range(11)]
    bots = [{**manifest["bots"][0], "commandLists": [{"scopes": ["personal"],
                                                      "commands": too_many}]}]
    assert "a command list holds 1-10 commands" in manifest_problems(
        {**manifest, "bots": bots}, files)
    assert "icons.color is not in the package" in manifest_problems(
        manifest, {k: v for k, v in files.items() if k != "color.png"})


def test_long_names_are_cut_to_the_manifest_limits(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COPBOT_TEAMS_APP_ID", APP_ID)
    monkeypatch.setenv("COPBOT_PUBLIC_URL", "https://copbot.example.nhs.uk")
    monkeypatch.setenv("COPBOT_BOT_NAME", "Community of practice assistant for decision support")
    monkeypatch.setenv("COPBOT_NETWORK_NAME", "Midlands and East of England Decision Support "
                       "and Population Health Analytics Network " * 3)
    out = tmp_path / "copbot-teams.zip"
    assert main(["teams-manifest", "--out", str(out), "--version", "2.10.3"]) == 0
    manifest, files = unpack(out)
    assert manifest_problems(manifest, files) == []
    assert manifest["version"] == "2.10.3"
    assert manifest["name"]["short"] == "Community of practice"


@pytest.mark.parametrize(("args", "env", "says"), [
    (["--version", "1.0"], {}, "x.y.z"),
    (["--website-url", "http://copbot.example.nhs.uk"], {}, "https"),
    (["--privacy-url", "ftp://copbot.example.nhs.uk/privacy"], {}, "https"),
    ([], {"COPBOT_TEAMS_APP_ID": "copbot-bot"}, "COPBOT_TEAMS_APP_ID"),
])
def test_settings_teams_would_refuse_get_a_clear_message_and_no_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        args: list[str], env: dict[str, str], says: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COPBOT_TEAMS_APP_ID", APP_ID)
    monkeypatch.setenv("COPBOT_PUBLIC_URL", "https://copbot.example.nhs.uk")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "x.zip"
    assert main(["teams-manifest", "--out", str(out), *args]) == 2
    assert says in capsys.readouterr().err
    assert not out.exists()
