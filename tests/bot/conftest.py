"""Fixtures for the CLI tests: a working directory whose ``.env`` names the test database."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def workdir(tmp_path: Path, database_url: str) -> Path:
    (tmp_path / ".env").write_text(f"COPBOT_DATABASE_URL={database_url}\n")
    return tmp_path
