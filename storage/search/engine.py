"""Ranking FAQ entries and library resources: lexical alone, or fused with sentence embeddings.

Everything here is pure: it is given the texts (and, for the semantic engine, their vectors)
and answers queries from memory, so the results do not depend on the database in use.

The semantic score of an entry is the best cosine similarity between the question asked and
the entry's question or one of its alternates; the fused score is
``SEMANTIC_WEIGHT * cosine + (1 - SEMANTIC_WEIGHT) * lexical``, both parts in 0..1.  Without
the extra, the default engine fuses the lexical score the same way with the similarity of
static word vectors distilled from the same model (:mod:`storage.search.static`), weighted
``STATIC_WEIGHT``.  :meth:`FaqSearch.rank_with_evidence` also reports what the two parts say
about the best entry, from which :mod:`storage.search.answering` decides whether to answer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.progress import Track, quietly
from storage.search.confidence import Evidence
from storage.search.lexical import Document, FieldSpec, Hit, LexicalIndex
from storage.search.static import PhrasingSimilarity, static_vectors
from storage.search.text import Analyzer

FAQ_FIELDS = (
    FieldSpec("question", weight=3.0, b=0.3),  # the question and its alternates
    FieldSpec("answer", weight=1.0, b=0.5),
    FieldSpec("tags", weight=1.0, b=0.3),
)
RESOURCE_FIELDS = (
    FieldSpec("title", weight=3.0, b=0.3),
    FieldSpec("summary", weight=1.0, b=0.75),
    FieldSpec("tags", weight=2.0, b=0.3),
)
SEMANTIC_WEIGHT = 0.75
# The default engine's bridge between wordings (see storage.search.static): its share of the
# fused score, chosen on one half of the covid-qa questions (recall@1 0.66 on that half) and
# checked on the other (0.61); 0.63 on all 122.
STATIC_WEIGHT = 0.8
# Lexical candidates considered for fusion; entries outside them count as lexical 0.
LEXICAL_DEPTH = 100
_WORDS = re.compile(r"\w+")

FloatArray = npt.NDArray[np.float64]
Embed = Callable[[list[str]], Any]  # texts -> (n, d) float32 array of unit vectors


@dataclass(frozen=True, slots=True)
class FaqText:
    key: int
    question: str
    answer: str
    alternates: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def phrasings(self) -> list[str]:
        return [self.question, *self.alternates]


def embedded_texts(analyzer: Analyzer, entry: FaqText) -> list[str]:
    """What is embedded for an entry: its phrasings, abbreviations spelled out."""
    return [analyzer.expand(text) for text in entry.phrasings]


def texts_hash(model: str, texts: Sequence[str]) -> str:
    """Identifies the texts an entry's vectors were computed from (to spot stale ones)."""
    return hashlib.sha256("\n".join([model, *texts]).encode("utf-8")).hexdigest()


class FaqSearch:
    """Ranks FAQ entries for a question.  Give ``vectors`` (the embeddings of each entry's
    :func:`embedded_texts`, entries in the order given) and ``embed`` to fuse semantic
    similarity with the lexical score."""

    def __init__(self, analyzer: Analyzer, entries: Sequence[FaqText], *,
                 vectors: Sequence[Any] | None = None, embed: Embed | None = None,
                 track: Track = quietly) -> None:
        self.lexical = LexicalIndex.build(analyzer, FAQ_FIELDS, (
            Document(e.key, {"question": e.phrasings, "answer": [e.answer], "tags": e.tags})
            for e in entries), track=track, what="Indexing FAQ entries")
        self.keys = [e.key for e in entries]
        self._positions = {key: i for i, key in enumerate(self.keys)}
        self._phrasings = [len(e.phrasings) for e in entries]
        # Which entry each phrasing's words belong to (the first entry, for a phrasing two
        # share), by a 64-bit digest of the words rather than the words themselves: a sorted
        # array of 8-byte digests instead of a dict of ten thousand strings.
        first: dict[int, int] = {}
        for i, e in enumerate(entries):
            for text in e.phrasings:
                first.setdefault(_digest(text), i)
        self._verbatim_digests = np.fromiter(first, dtype=np.uint64, count=len(first))
        order = np.argsort(self._verbatim_digests)
        self._verbatim_digests = self._verbatim_digests[order]
        self._verbatim_entries = np.fromiter(first.values(), dtype=np.int32,
                                             count=len(first))[order]
        del first
        self._embed = embed
        self._matrix: Any = None
        if vectors is not None and embed is not None and entries:
            self._matrix = np.vstack(vectors).astype(np.float32)
            sizes = [len(block) for block in vectors]
            self._starts = np.cumsum([0, *sizes[:-1]])
        else:
            self._static = PhrasingSimilarity(static_vectors(), [
                embedded_texts(analyzer, e) for e in entries])

    @property
    def semantic(self) -> bool:
        return self._matrix is not None

    def __len__(self) -> int:
        return len(self.keys)

    def rank(self, question: str, limit: int = 5) -> list[Hit]:
        """The best ``limit`` entries, best first, with scores in 0..1."""
        return self.rank_with_evidence(question, limit)[0]

    def rank_with_evidence(self, question: str, limit: int = 5,
                           ) -> tuple[list[Hit], Evidence | None]:
        """:meth:`rank`, and what speaks for and against the best entry being the answer
        (None when nothing matched): see :mod:`storage.search.confidence`."""
        if not self.semantic and self._static.baseline is None:
            hits = self.lexical.search(question, limit=limit)
            return hits, self._evidence(question, hits, None, None)
        if not self.lexical.query_terms(question) and not self.semantic:
            return [], None  # a question of stop words alone asks nothing
        similarity, lexical = self._components(question)
        weight = SEMANTIC_WEIGHT if self.semantic else STATIC_WEIGHT
        fused = weight * similarity + (1 - weight) * lexical
        found = fused.nonzero()[0]
        if len(found) > limit:  # the best, and every entry tied with the last of them
            kth = np.partition(fused[found], len(found) - limit)[len(found) - limit]
            found = found[fused[found] >= kth]
        best = sorted(found.tolist(), key=lambda i: (-fused[i], self.keys[i]))[:limit]
        hits = [Hit(self.keys[i], min(1.0, float(fused[i]))) for i in best]
        return hits, self._evidence(question, hits, similarity, lexical)

    def _components(self, question: str) -> tuple[FloatArray, FloatArray]:
        """Each entry's similarity (semantic or static, 0..1) and lexical score (0..1; 0
        outside the ``LEXICAL_DEPTH`` best)."""
        if self.semantic:
            query = self._embed([self.lexical.analyzer.expand(question)])[0]  # type: ignore[misc]
            cosine = np.maximum.reduceat(self._matrix @ query, self._starts)
            similarity: FloatArray = np.clip(cosine, 0.0, 1.0).astype(np.float64)
        else:
            similarity = self._static.similarity(self.lexical.analyzer.expand(question))
        lexical = np.zeros(len(self.keys))
        candidates, scores = self._lexical_candidates(question, LEXICAL_DEPTH)
        lexical[candidates] = scores
        return similarity, lexical

    def _evidence(self, question: str, hits: Sequence[Hit], similarity: FloatArray | None,
                  lexical: FloatArray | None) -> Evidence | None:
        if not hits:
            return None
        best = self._positions[hits[0].key]
        margin = hits[0].score - (hits[1].score if len(hits) > 1 else 0.0)
        if similarity is None or lexical is None:
            similarity_agrees = lexical_agrees = True
            similarity_margin = margin
        else:
            # Agreement: no other entry beats the best on either part of the score alone.
            others = np.delete(similarity, best)
            similarity_margin = float(similarity[best] - (others.max() if len(others) else 0.0))
            similarity_agrees = similarity_margin >= 0
            lexical_agrees = bool(lexical[best] >= lexical.max())
        return Evidence(
            score=hits[0].score,
            margin=margin,
            similarity_margin=similarity_margin,
            similarity_agrees=similarity_agrees,
            lexical_agrees=lexical_agrees,
            coverage=self.lexical.coverage(question, best),
            phrasings=self._phrasings[best],
            exact=self._verbatim_entry(question) == best,
        )

    def _verbatim_entry(self, question: str) -> int | None:
        """The position of the entry with a phrasing worded exactly as ``question``."""
        digest = np.uint64(_digest(question))
        at = int(np.searchsorted(self._verbatim_digests, digest))
        if at < len(self._verbatim_digests) and self._verbatim_digests[at] == digest:
            return int(self._verbatim_entries[at])
        return None

    def _lexical_candidates(self, question: str, depth: int) -> tuple[Any, Any]:
        """The positions of the ``depth`` best entries for ``question`` by the lexical score
        and their scores: the same entries and scores as ``self.lexical.search``, summed with
        numpy (a common word's postings hold most of the entries: summing them in Python took
        up to 10 ms with 10,000 entries)."""
        postings, norm = self.lexical.postings(question)
        sums = np.zeros(len(self.keys))  # float64, summed term by term as search() does
        for positions, weights in postings:
            sums[np.frombuffer(positions, dtype=np.intc)] += np.frombuffer(weights,
                                                                          dtype=np.float32)
        candidates = np.flatnonzero(sums)  # every weight is positive
        if len(candidates) > depth:  # keep the best, ties by key
            scores = sums[candidates]
            threshold = np.partition(scores, len(scores) - depth)[len(scores) - depth]
            above = candidates[scores > threshold]
            tied = candidates[scores == threshold].tolist()
            tied.sort(key=self.keys.__getitem__)
            candidates = np.concatenate([above, tied[:depth - len(above)]]).astype(np.intp)
        if not len(candidates):
            return candidates, sums[:0]
        return candidates, np.minimum(1.0, sums[candidates] / norm)


def _verbatim(text: str) -> str:
    """A phrasing's words, to spot a question asked exactly as stored (case and punctuation
    aside)."""
    return " ".join(_WORDS.findall(text.lower()))


def _digest(text: str) -> int:
    """A 64-bit digest of :func:`_verbatim` ``text``."""
    return int.from_bytes(hashlib.blake2b(_verbatim(text).encode("utf-8"), digest_size=8)
                          .digest(), "little")


@dataclass(frozen=True, slots=True)
class ResourceText:
    key: int
    title: str
    summary: str = ""
    tags: tuple[str, ...] = ()


class ResourceSearch:
    """Ranks library resources for a query (lexical)."""

    def __init__(self, analyzer: Analyzer, resources: Iterable[ResourceText]) -> None:
        self.lexical = LexicalIndex.build(analyzer, RESOURCE_FIELDS, (
            Document(r.key, {"title": [r.title], "summary": [r.summary], "tags": r.tags})
            for r in resources))

    def rank(self, query: str, limit: int = 10,
             accept: Callable[[int], bool] | None = None) -> list[Hit]:
        return self.lexical.search(query, limit=limit, accept=accept)
