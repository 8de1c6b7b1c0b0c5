"""Ranking FAQ entries and resources: the lexical engine, and fusion with embeddings."""

from __future__ import annotations

from typing import Any

import pytest

from storage.search import embedding
from storage.search.engine import (
    LEXICAL_DEPTH,
    SEMANTIC_WEIGHT,
    FaqSearch,
    FaqText,
    ResourceSearch,
    ResourceText,
    embedded_texts,
)
from storage.search.synonyms import load_synonyms
from storage.search.text import Analyzer

ENTRIES = [
    FaqText(1, "How do I get access to HES data?",
            "Apply to the DARS service through your organisation's IG lead.",
            alternates=("Who approves Hospital Episode Statistics extracts?",), tags=("hes",)),
    FaqText(2, "What is a statistical process control chart?",
            "An SPC chart plots a measure over time with control limits.", tags=("spc",)),
    FaqText(3, "How should I calculate length of stay?",
            "Subtract the admission date from the discharge date; report the median.",
            tags=("los",)),
    FaqText(4, "Where are the A&E waiting time figures published?",
            "NHS England publishes monthly accident and emergency statistics.",
            tags=("a&e", "uec")),
    FaqText(5, "Can I share patient-level data with a university?",
            "Only with a data sharing agreement and a DPIA; HES data has extra rules.",
            tags=("ig",)),
]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_synonyms())


@pytest.fixture(scope="module")
def lexical(analyzer: Analyzer) -> FaqSearch:
    return FaqSearch(analyzer, ENTRIES)


def test_the_entry_whose_question_matches_comes_first(lexical: FaqSearch) -> None:
    hits = lexical.rank("how can I get HES data", limit=5)
    assert hits[0].key == 1
    assert hits[0].score > hits[1].score  # entry 5 only mentions HES in its answer


def test_abbreviations_find_their_expansions(lexical: FaqSearch) -> None:
    assert lexical.rank("accident and emergency waits", limit=1)[0].key == 4
    assert lexical.rank("LOS", limit=1)[0].key == 3
    assert lexical.rank("hospital episode statistics access", limit=1)[0].key == 1


def test_alternate_phrasings_are_searched(lexical: FaqSearch) -> None:
    assert lexical.rank("who approves extracts", limit=1)[0].key == 1


def test_scores_are_between_zero_and_one_and_best_first(lexical: FaqSearch) -> None:
    hits = lexical.rank("statistical process control chart", limit=5)
    assert hits[0].key == 2
    assert all(0 < h.score <= 1 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_unknown_words_lower_the_score(lexical: FaqSearch) -> None:
    plain = lexical.rank("length of stay", limit=1)[0]
    diluted = lexical.rank("length of stay for zebrafish aquariums", limit=1)[0]
    assert plain.key == diluted.key == 3
    assert diluted.score < plain.score / 2


def test_nothing_matches_nothing(lexical: FaqSearch) -> None:
    assert lexical.rank("xylophone", limit=5) == []
    assert lexical.rank("the and of", limit=5) == []
    assert FaqSearch(Analyzer(), []).rank("anything") == []


def test_equal_scores_are_ordered_by_key(analyzer: Analyzer) -> None:
    twins = FaqSearch(analyzer, [FaqText(9, "Same question", "a"),
                                 FaqText(4, "Same question", "a")])
    assert [h.key for h in twins.rank("same question")] == [4, 9]


def test_resources_filter_by_key(analyzer: Analyzer) -> None:
    library = ResourceSearch(analyzer, [
        ResourceText(1, "SPC in R", "Control charts with ggplot", ("spc", "r")),
        ResourceText(2, "Making charts for the board", "Statistical process control", ("spc",)),
        ResourceText(3, "Forecasting A&E", "Prophet models", ("forecasting",)),
    ])
    assert {h.key for h in library.rank("SPC charts")} == {1, 2}
    assert [h.key for h in library.rank("SPC charts", accept=lambda key: key != 1)] == [2]


# The first values of the vector that sentence-transformers 6.2 computes for
# "How do I get access to HES data?" with the same weights (normalised).
REFERENCE = [0.0161, 0.0582, -0.1045, -0.0562]

semantic_only = pytest.mark.semantic


@semantic_only
def test_embeddings_match_sentence_transformers() -> None:
    vector = embedding.encoder().encode(["How do I get access to HES data?"])[0]
    assert vector.shape == (384,)
    assert abs(float((vector ** 2).sum()) - 1.0) < 1e-5
    assert [round(float(v), 4) for v in vector[:4]] == REFERENCE


@semantic_only
def test_semantic_engine_finds_paraphrases_with_no_shared_words(analyzer: Analyzer) -> None:
    semantic = FaqSearch(analyzer, ENTRIES,
                         vectors=[embedding.encoder().encode(embedded_texts(analyzer, e))
                                  for e in ENTRIES],
                         embed=embedding.encoder().encode)
    assert semantic.semantic
    hits = semantic.rank("median duration of hospital admissions", limit=5)
    assert hits[0].key == 3
    assert all(0 <= h.score <= 1 for h in hits)
    unrelated = semantic.rank("what is the office christmas party dress code", limit=1)[0]
    assert unrelated.score < 0.5


@semantic_only
def test_a_question_alone_and_in_a_batch_get_the_same_vector() -> None:
    # Alone, a short question goes through the weights in blocks; in a padded batch of more
    # tokens, through the whole matrices: both must give the same vectors.
    texts = ["How do I get access to HES data?",
             "Which ICB publishes the monthly A&E attendances, emergency admissions and "
             "delayed discharges for each trust in the region, and where?",
             "SPC"]
    batch = embedding.encoder().encode(texts)
    for i, text in enumerate(texts):
        alone = embedding.encoder().encode([text])[0]
        assert float(abs(alone - batch[i]).max()) < 1e-6


def test_fusion_adds_the_lexical_scores_of_the_best_entries_ties_by_key(
        analyzer: Analyzer) -> None:
    """The lexical part of the fused score is the lexical engine's, for its LEXICAL_DEPTH best
    entries only (equal scores: the lower key first), whichever order entries come in."""
    np = pytest.importorskip("numpy")
    keys = list(range(1, LEXICAL_DEPTH + 51))
    entries = [FaqText(key, "How do I plot waiting times?", "With a run chart.")
               for key in reversed(keys)]  # every entry scores the same lexically

    def unit(cosine: float) -> Any:
        return np.array([[cosine, (1 - cosine ** 2) ** 0.5]], dtype=np.float32)

    # The cosine grows with the key, by far less than the lexical part's weight.
    vectors = [unit(0.5 + e.key / 10_000) for e in entries]
    search = FaqSearch(analyzer, entries, vectors=vectors, embed=lambda texts: unit(1.0))
    lexical = search.lexical.search("plot waiting times", limit=1)[0].score
    hits = search.rank("plot waiting times", limit=3)
    assert [h.key for h in hits] == [LEXICAL_DEPTH, LEXICAL_DEPTH - 1, LEXICAL_DEPTH - 2]
    expected = SEMANTIC_WEIGHT * (0.5 + LEXICAL_DEPTH / 10_000) + (1 - SEMANTIC_WEIGHT) * lexical
    assert hits[0].score == pytest.approx(expected, abs=1e-6)
    assert search.rank("median length of stay", limit=1)[0].key == keys[-1]  # no shared word
