"""Static word vectors distilled from all-MiniLM-L6-v2: some of the model's sense of meaning,
without the model.

``data/static_vectors.npz`` holds one vector per WordPiece token of the model's vocabulary
(whole words and ``##`` continuations), made by ``scripts/distil_static_vectors.py`` from the
model's own output for each token alone.  A text's vector is the mean of its tokens' vectors,
made unit length, so texts that say much the same in different words ("how happy are people
with their care", "how do we measure patient satisfaction?") point roughly the same way.
It is far cruder than the model (no word order, no context) but needs only numpy and a
look-up per word, so the default engine can use it on every install.

The tokenizer is BERT's, re-implemented here so that ``tokenizers`` is not needed:
lower-case, accents stripped, split on whitespace and punctuation, then greedy
longest-match-first WordPiece; a word that cannot be spelled from the vocabulary counts as
unknown and is left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

TABLE = Path(__file__).with_name("data") / "static_vectors.npz"
MAX_WORD_CHARS = 100  # longer words are unknown, as in BERT
ENCODE_BATCH = 512  # texts turned into vectors at once (bounds the temporary token rows)
MAX_BASELINE = 0.99  # phrasings more alike than this on average leave nothing to measure

FloatArray = npt.NDArray[np.float32]

# In ASCII, BERT's words are runs of letters and digits; every other visible character is
# punctuation, a word of its own; control characters (other than tab and newlines) vanish.
_ASCII_WORD = re.compile(r"[a-z0-9]+|[^a-z0-9\s]")
_ASCII_CONTROL = dict.fromkeys([*(c for c in range(32) if chr(c) not in "\t\n\r"), 127])


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    # BERT counts every non-alphanumeric ASCII character as punctuation ("$", "^", "`").
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B73F or 0x2B740 <= code <= 0x2B81F
            or 0x2B820 <= code <= 0x2CEAF or 0xF900 <= code <= 0xFAFF
            or 0x2F800 <= code <= 0x2FA1F)


def basic_words(text: str) -> list[str]:
    """BERT's basic tokenisation (uncased): lower-case, accents stripped, split on whitespace
    and punctuation; each punctuation mark and each CJK character is a word of its own."""
    if text.isascii():  # most text: a regular expression is much faster than the loop
        return _ASCII_WORD.findall(text.lower().translate(_ASCII_CONTROL))
    words: list[str] = []
    current: list[str] = []
    for char in unicodedata.normalize("NFD", text.lower()):
        code = ord(char)
        category = unicodedata.category(char)
        if char in " \t\n\r" or category == "Zs":
            separate: str | None = ""
        elif category == "Mn" or code == 0 or code == 0xFFFD or category.startswith("C"):
            continue  # accents and control characters vanish
        elif _is_punctuation(char) or _is_cjk(code):
            separate = char
        else:
            current.append(char)
            continue
        if current:
            words.append("".join(current))
            current = []
        if separate:
            words.append(separate)
    if current:
        words.append("".join(current))
    return words


class WordPiece:
    """Words → token ids with a WordPiece vocabulary (``##`` marks a continuation)."""

    def __init__(self, vocabulary: Sequence[str]) -> None:
        self.vocabulary = tuple(vocabulary)
        self._ids = {token: i for i, token in enumerate(self.vocabulary)}
        self._longest = max((len(t.removeprefix("##")) for t in self.vocabulary), default=0)
        self.word_ids = lru_cache(maxsize=100_000)(self._word_ids)

    def _word_ids(self, word: str) -> tuple[int, ...]:
        """The word's pieces, longest first from the left; ``()`` if it cannot be spelled."""
        if len(word) > MAX_WORD_CHARS:
            return ()
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = min(len(word), start + self._longest)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self._ids.get(piece)
                if found is not None:
                    ids.append(found)
                    break
                end -= 1
            else:
                return ()
            start = end
        return tuple(ids)

    def tokens(self, text: str) -> list[str]:
        """The WordPiece tokens of ``text`` (unknown words left out), for reading."""
        return [self.vocabulary[i] for i in self.ids(text)]

    def ids(self, text: str) -> list[int]:
        return [i for word in basic_words(text) for i in self.word_ids(word)]


class StaticVectors:
    """Texts → unit vectors from a table of token vectors.  Load the shipped one with
    :func:`static_vectors`."""

    def __init__(self, vocabulary: Sequence[str], vectors: npt.NDArray[np.int8],
                 scales: FloatArray) -> None:
        if len(vocabulary) != len(vectors) or len(vectors) != len(scales):
            raise ValueError("a static vector table needs one vector and scale per token")
        self.tokenizer = WordPiece(vocabulary)
        self._vectors = vectors
        self._scales = scales

    @classmethod
    def load(cls, path: Path = TABLE) -> StaticVectors:
        with np.load(path, allow_pickle=False) as data:
            vocabulary = bytes(data["vocabulary"]).decode("utf-8").split("\n")
            return cls(vocabulary, data["vectors"], data["scales"])

    @property
    def dimensions(self) -> int:
        return int(self._vectors.shape[1])

    def encode(self, texts: Sequence[str]) -> FloatArray:
        """An (n, dimensions) float32 array, one unit vector per text (zeros for a text with
        no known word)."""
        result = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for start in range(0, len(texts), ENCODE_BATCH):
            chunk = [self.tokenizer.ids(text) for text in texts[start:start + ENCODE_BATCH]]
            rows = [row for row, ids in enumerate(chunk) if ids]
            if not rows:
                continue
            flat = np.fromiter((i for ids in chunk for i in ids), dtype=np.intp)
            # Stored as int8 with a scale per token (which also carries the token's weight):
            # only the rows these texts use are turned back into floats.
            tokens = self._vectors[flat].astype(np.float32)
            tokens *= self._scales[flat][:, None]
            starts = np.cumsum([0, *(len(chunk[row]) for row in rows[:-1])])
            summed = np.add.reduceat(tokens, starts, axis=0)
            norms = np.linalg.norm(summed, axis=1, keepdims=True)
            result[start + np.array(rows)] = summed / np.maximum(norms, 1e-12)
        return result


@cache
def static_vectors() -> StaticVectors:
    """The shipped table (a few MB), loaded once per process on first use."""
    return StaticVectors.load()


class PhrasingSimilarity:
    """How close a question is to each entry: the best cosine between the question's static
    vector and those of the entry's phrasings, on a 0..1 scale whose 0 is the cosine two of
    the library's phrasings have on average (``baseline``).

    Static vectors of any two questions point roughly the same way ("how", "what", "I"), so
    a raw cosine of 0.6 says little; measured from what the library's own phrasings share, a
    question about something else scores about 0, however it is worded.  With fewer than two
    different phrasings there is nothing to measure from: ``baseline`` is None and
    :meth:`similarity` is not to be used."""

    def __init__(self, table: StaticVectors, phrasings: Sequence[Sequence[str]]) -> None:
        self.table = table
        sizes = [len(block) for block in phrasings]
        if 0 in sizes:
            raise ValueError("every entry needs a phrasing")
        matrix = table.encode([text for block in phrasings for text in block])
        # Entries' best phrasing: only needed when some entry has more than one.
        self._starts = np.cumsum([0, *sizes[:-1]]) if len(sizes) < len(matrix) else None
        # The mean cosine over all pairs of phrasings, from their sum: |Σv|² = n + Σ_{i≠j} vᵢ·vⱼ.
        counted = int(np.count_nonzero(matrix.any(axis=1)))
        total = matrix.sum(axis=0, dtype=np.float64)
        mean = float(total @ total - counted) / (counted * (counted - 1)) if counted > 1 else 1.0
        self.baseline = mean if mean < MAX_BASELINE else None
        # Kept as int8 with a scale per phrasing, a quarter of the float32 matrix (7.7 MB for
        # 10,000 phrasings): cosines move by at most about 0.002, and numpy's loop takes int8
        # as fast as float32.
        self._scales = np.abs(matrix).max(axis=1) / 127.0
        self._matrix = np.rint(matrix / np.where(self._scales > 0, self._scales, 1.0)[:, None]
                               ).astype(np.int8)
        del matrix

    def similarity(self, text: str) -> npt.NDArray[np.float64]:
        """One value in 0..1 per entry, in the order the entries were given."""
        if self.baseline is None:
            raise ValueError("no baseline to measure similarity from")
        # numpy's own loop rather than BLAS: a matrix-vector product this size (2 million
        # multiplications for 10,000 entries) is where OpenBLAS starts threads, and threads
        # that wait for a busy core took ten times longer on a shared machine.
        cosine: npt.NDArray[np.float64] = (np.einsum(
            "ij,j->i", self._matrix, self.table.encode([text])[0]) * self._scales
        ).astype(np.float64)
        if self._starts is not None:
            cosine = np.maximum.reduceat(cosine, self._starts)
        scaled: npt.NDArray[np.float64] = np.clip(
            (cosine - self.baseline) / (1.0 - self.baseline), 0.0, 1.0)
        return scaled
