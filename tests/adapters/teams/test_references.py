"""The stored conversation references (platform-neutral repository), on both databases."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from storage.db import Database
from storage.repositories.conversations import ConversationRecord, ConversationRepository

TEAM = "19:team@thread.tacv2"


def record(conversation_id: str, **fields: str) -> ConversationRecord:
    values = {"kind": "channel", "reference": f'{{"id": "{conversation_id}"}}', **fields}
    return ConversationRecord(platform="teams", workspace="T1",
                              conversation_id=conversation_id, **values)


async def test_saving_again_refreshes_without_forgetting_names(database: Database,
                                                                clock: FixedClock) -> None:
    async with database.session() as session:
        repo = ConversationRepository(session)
        await repo.save(record(TEAM, channel_name="General", team_id=TEAM, team_name="DSN"),
                        clock.now())
        await repo.deactivate("teams", "T1", TEAM, clock.now())
    later = clock.now() + timedelta(hours=1)
    async with database.session() as session:
        await ConversationRepository(session).save(
            record(TEAM, reference='{"id": "new"}'), later)
    async with database.session() as session:
        stored = await ConversationRepository(session).find("teams", "T1", TEAM)
    assert stored is not None
    assert (stored.channel_name, stored.team_name, stored.reference) == (
        "General", "DSN", '{"id": "new"}')
    assert stored.active is True and stored.updated_at == later
    assert stored.created_at == clock.now()


async def test_people_team_renames_and_removal(database: Database, clock: FixedClock) -> None:
    now = clock.now()
    async with database.session() as session:
        repo = ConversationRepository(session)
        await repo.save(record("a:old", kind="personal", user_id="aad-1"), now)
        await repo.save(record("a:new", kind="personal", user_id="aad-1", member_id="29:x"),
                        now + timedelta(minutes=1))
        await repo.save(record(TEAM, team_id=TEAM, channel_name="General"), now)
        await repo.save(record("19:b@thread.tacv2", team_id=TEAM, channel_name="Seminars"), now)
        await repo.deactivate("teams", "T1", "a:new", now)
        assert await repo.rename_team("teams", "T1", TEAM, "Midlands DSN", now) == 2
        assert await repo.rename_channel("teams", "T1", "19:b@thread.tacv2", "Talks", now)
        assert not await repo.rename_channel("teams", "T1", "19:none", "x", now)
    async with database.session() as session:
        repo = ConversationRepository(session)
        personal = await repo.personal("teams", "T1", "aad-1")
        assert personal is not None and personal.conversation_id == "a:old"  # active first
        assert await repo.personal("teams", "T2", "aad-1") is None
        assert [(c.channel_name, c.team_name) for c in await repo.channels("teams", "T1")] == [
            ("General", "Midlands DSN"), ("Talks", "Midlands DSN")]
        latest = await repo.latest_in("teams", "T1")
        assert latest is not None and latest.conversation_id != "a:new"
        assert await repo.deactivate_team("teams", "T1", TEAM, now) == 2
        assert await repo.channels("teams", "T1") == []
