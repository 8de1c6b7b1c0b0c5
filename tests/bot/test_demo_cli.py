"""``copbot chat --demo`` keeps its data out of the configured database."""

from __future__ import annotations

from pathlib import Path

from tests.bot.test_cli import replies, run


def test_demo_uses_its_own_database_and_says_so(workdir: Path) -> None:
    demo = run(["chat", "--demo", "--user", "ana"], workdir, "events\nsignup 1\n")
    assert demo.returncode == 0, demo.stderr
    demo_file = workdir / "copbot-demo.db"
    assert f"Demo database: {demo_file}" in demo.stderr
    listing, signed_up = replies(demo.stdout)
    assert "You have a place" in signed_up
    assert "Making SPC charts" in listing
    assert demo_file.exists()

    real = run(["chat", "--user", "ana"], workdir, "events\n")
    [listing] = replies(real.stdout)
    assert "Making SPC charts" not in listing


def test_demo_reset_starts_afresh(workdir: Path) -> None:
    run(["chat", "--demo", "--user", "ana"], workdir, "signup 1\n")
    kept = run(["chat", "--demo", "--user", "ana"], workdir, "my events\n")
    assert "Making SPC charts" in replies(kept.stdout)[0]
    fresh = run(["chat", "--demo", "--reset", "--user", "ana"], workdir, "my events\n")
    assert fresh.returncode == 0, fresh.stderr
    assert "Making SPC charts" not in replies(fresh.stdout)[0]
    assert "Demo data loaded" in fresh.stderr


def test_reset_without_demo_is_refused(workdir: Path) -> None:
    result = run(["chat", "--reset"], workdir, "help\n")
    assert result.returncode == 2 and "--demo" in result.stderr
