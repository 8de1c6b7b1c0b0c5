"""A BM25F inverted index held in memory: fast, dependency-free, the same on every database.

Each document has weighted fields (a FAQ entry's question counts more than its answer).  A
term's weight in a document is computed once, when the index is built; a query adds up the
weights of its terms, so answering costs one pass over each query term's postings.

Scores are normalised per query to 0..1: 1.0 means the document holds every term of the
query as strongly as a question field that says exactly those words.  Terms the index has
never seen count against the score at the highest weight, so a question about something the
index does not know scores low however well its common words match.
"""

from __future__ import annotations

import bisect
import heapq
import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.progress import Track, quietly
from storage.search.text import Analyzer


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field's weight (relative importance) and length normalisation ``b`` (0..1)."""

    name: str
    weight: float = 1.0
    b: float = 0.75


@dataclass(frozen=True, slots=True)
class Document:
    """What to index: the caller's key and each field's texts."""

    key: int
    fields: Mapping[str, Sequence[str]]


@dataclass(frozen=True, slots=True)
class Hit:
    key: int
    score: float  # 0..1, see the module docstring


K1 = 1.2


def _saturate(tf: float) -> float:
    return tf * (K1 + 1) / (tf + K1)


class LexicalIndex:
    """Build with :meth:`build`; search with :meth:`search`.  Immutable once built."""

    def __init__(self, analyzer: Analyzer, fields: Sequence[FieldSpec]) -> None:
        self.analyzer = analyzer
        self.fields = tuple(fields)
        self.keys: list[int] = []
        self._postings: dict[str, tuple[array[int], array[float]]] = {}
        self._idf: dict[str, float] = {}
        self._unseen_idf = 0.0

    @classmethod
    def build(cls, analyzer: Analyzer, fields: Sequence[FieldSpec],
              documents: Iterable[Document], *, track: Track = quietly,
              what: str = "Indexing") -> LexicalIndex:
        """``track`` reports progress through the documents (the long part of a build)."""
        index = cls(analyzer, fields)
        index._add_all(list(documents), track, what)
        return index

    def __len__(self) -> int:
        return len(self.keys)

    def _add_all(self, documents: list[Document], track: Track, what: str) -> None:
        # Two passes over compact temporaries (each document's term ids and counts in arrays,
        # not a dict per field and document), so that building for ten thousand entries
        # leaves little freed-but-held memory behind in a long-running process.
        ids: dict[str, int] = {}
        frequency = array("i")  # documents holding each term id
        per_doc: list[tuple[array[int], array[int], tuple[int, ...]]] = []
        totals = [0] * len(self.fields)
        for doc in track(documents, what, "entry"):
            terms, counts = array("i"), array("i")
            lengths: list[int] = []
            seen: set[int] = set()
            for i, spec in enumerate(self.fields):
                counter = Counter(self.analyzer.terms_of(doc.fields.get(spec.name, ())))
                length = sum(counter.values())
                totals[i] += length
                lengths.append(len(counter))
                for term, count in counter.items():
                    term_id = ids.setdefault(term, len(ids))
                    if term_id == len(frequency):
                        frequency.append(0)
                    if term_id not in seen:
                        seen.add(term_id)
                        frequency[term_id] += 1
                    terms.append(term_id)
                    counts.append(count)
            per_doc.append((terms, counts, tuple(lengths)))
            self.keys.append(doc.key)
        n = len(documents)
        average = [max(total / n, 1.0) if n else 1.0 for total in totals]
        idf = [_idf(n, df) for df in frequency]
        self._idf = {term: idf[term_id] for term, term_id in ids.items()}
        self._unseen_idf = _idf(n, 0)
        postings = [(array("i"), array("f")) for _ in ids]
        for doc_index, (terms, counts, sizes) in enumerate(per_doc):
            tf: dict[int, float] = {}
            start = 0
            for spec, size, avg in zip(self.fields, sizes, average, strict=True):
                end = start + size
                norm = spec.weight / (1 - spec.b + spec.b * sum(counts[start:end]) / avg)
                for term_id, count in zip(terms[start:end], counts[start:end], strict=True):
                    tf[term_id] = tf.get(term_id, 0.0) + count * norm
                start = end
            for term_id, value in tf.items():
                entry = postings[term_id]
                entry[0].append(doc_index)
                entry[1].append(idf[term_id] * _saturate(value))
        self._postings = dict(zip(ids, postings, strict=True))

    def query_terms(self, text: str) -> list[str]:
        return list(dict.fromkeys(self.analyzer.terms(text, query=True)))

    def search(self, text: str, *, limit: int = 10,
               accept: Callable[[int], bool] | None = None) -> list[Hit]:
        """The best ``limit`` documents for ``text``, best first (ties by key).  ``accept``
        filters by key."""
        terms = self.query_terms(text)
        if not terms or not self.keys:
            return []
        ideal = _saturate(self.fields[0].weight)
        norm = sum(self._idf.get(t, self._unseen_idf) for t in terms) * ideal
        scores: dict[int, float] = {}
        get = scores.get
        for term in terms:
            entry = self._postings.get(term)
            if entry is None:
                continue
            for doc_index, weight in zip(entry[0], entry[1], strict=True):
                scores[doc_index] = get(doc_index, 0.0) + weight
        keys = self.keys
        candidates: Iterable[tuple[int, float]] = scores.items()
        if accept is not None:
            candidates = [(d, s) for d, s in candidates if accept(keys[d])]
        best = heapq.nlargest(limit, candidates, key=lambda item: (item[1], -keys[item[0]]))
        return [Hit(keys[d], min(1.0, s / norm)) for d, s in best]

    def term_weights(self, text: str) -> Mapping[str, float]:
        """The idf of each query term (for explaining and testing scores)."""
        return {t: self._idf.get(t, self._unseen_idf) for t in self.query_terms(text)}

    def postings(self, text: str) -> tuple[list[tuple[array[int], array[float]]], float]:
        """What :meth:`search` adds up, for callers that add it up themselves (with numpy):
        each known query term's document positions (in the order documents were given) and
        weights, in query order, and the divisor that brings a sum into 0..1 (0.0 when
        ``text`` has no terms, or the index no documents)."""
        terms = self.query_terms(text)
        if not terms or not self.keys:
            return [], 0.0
        norm = (sum(self._idf.get(t, self._unseen_idf) for t in terms)
                * _saturate(self.fields[0].weight))
        return [self._postings[t] for t in terms if t in self._postings], norm


    def coverage(self, text: str, position: int) -> float:
        """How much of ``text``'s vocabulary the document at ``position`` (in the order
        documents were given) holds, each query term weighted by its idf, so that a rare word
        missing counts for more than a common one: 0..1, 0.0 when ``text`` has no terms."""
        terms = self.query_terms(text)
        total = found = 0.0
        for term in terms:
            weight = self._idf.get(term, self._unseen_idf)
            total += weight
            entry = self._postings.get(term)
            if entry is not None and _holds(entry[0], position):
                found += weight
        return found / total if total else 0.0


def _holds(positions: array[int], position: int) -> bool:
    """Whether sorted ``positions`` hold ``position``."""
    at = bisect.bisect_left(positions, position)
    return at < len(positions) and positions[at] == position


def _idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))
