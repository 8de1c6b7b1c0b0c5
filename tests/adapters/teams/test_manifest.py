"""``copbot teams-manifest``: a package Teams admin accepts — manifest and two icons."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

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
