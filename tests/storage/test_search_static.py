"""The default engine's static word vectors: the tokenizer, the table, and what they add to
ranking (a different wording found, an unrelated question still not answered)."""

from __future__ import annotations

import numpy as np
import pytest

from bot.settings import Settings
from storage.search import embedding
from storage.search.answering import decide
from storage.search.engine import FaqSearch, FaqText
from storage.search.static import (
    PhrasingSimilarity,
    StaticVectors,
    WordPiece,
    basic_words,
    static_vectors,
)
from storage.search.synonyms import load_synonyms
from storage.search.text import Analyzer

PRECISION = Settings.model_fields["answer_precision"].default

LIBRARY = [
    FaqText(1, "Which GP practices prescribe the most antibiotics?",
            "Use the monthly prescribing data from the NHSBSA.", tags=("prescribing",)),
    FaqText(2, "How do I forecast winter bed demand?",
            "Start from last year's occupancy and add growth.", tags=("forecasting",)),
    FaqText(3, "Where can I find staff sickness absence rates?",
            "NHS England publishes them monthly by organisation.", tags=("workforce",)),
    FaqText(4, "How do we measure patient satisfaction?",
            "The Friends and Family Test and the national surveys.", tags=("experience",)),
    FaqText(5, "Can I share patient-level data with a university?",
            "Only with a data sharing agreement and a DPIA.", tags=("ig",)),
    FaqText(6, "What is a statistical process control chart?",
            "A chart of a measure over time with control limits.", tags=("spc",)),
]


@pytest.fixture(scope="module")
def search() -> FaqSearch:
    return FaqSearch(Analyzer(load_synonyms()), LIBRARY)


# ---------------------------------------------------------------------------- tokenizer
def test_basic_words_lower_case_strip_accents_and_split_punctuation() -> None:
    assert basic_words("Café naïve RÉSUMÉ") == ["cafe", "naive", "resume"]
    assert basic_words("A&E (ED) waits: 4-hour?") == [
        "a", "&", "e", "(", "ed", ")", "waits", ":", "4", "-", "hour", "?"]
    assert basic_words("  tabs\tand\nnewlines\u00a0too ") == ["tabs", "and", "newlines", "too"]
    assert basic_words("東京 rocks") == ["東", "京", "rocks"]
    assert basic_words("") == []


def test_wordpiece_continues_with_hashes_and_drops_what_it_cannot_spell() -> None:
    pieces = WordPiece(["[UNK]", "waste", "##water", "water", "un", "##know", "##n", "a", "##a"])
    assert pieces.tokens("Wastewater") == ["waste", "##water"]
    assert pieces.tokens("water unknown") == ["water", "un", "##know", "##n"]
    # A word that cannot be spelled from the vocabulary is unknown as a whole.
    assert pieces.tokens("watery water") == ["water"]
    assert pieces.tokens("a" * 100) == ["a"] + ["##a"] * 99
    assert pieces.tokens("a" * 101) == []  # too long to be a word, as in BERT


def test_the_shipped_vocabulary_splits_words_as_the_model_does() -> None:
    tokenizer = static_vectors().tokenizer
    assert tokenizer.tokens("Hyperparameterisation, café-style!") == [
        "hyper", "##para", "##meter", "##isation", ",", "cafe", "-", "style", "!"]
    assert tokenizer.tokens("東京") == []  # not in the table (ASCII tokens only)
    assert "[UNK]" not in tokenizer.vocabulary and "[CLS]" not in tokenizer.vocabulary


@pytest.mark.semantic
def test_the_tokenizer_agrees_with_the_models_own() -> None:
    from tokenizers import Tokenizer

    path = embedding.model_dir()
    assert path is not None
    reference = Tokenizer.from_file(str(path / "tokenizer.json"))
    reference.no_padding()
    reference.no_truncation()
    ours = static_vectors().tokenizer
    for text in ["How do I get access to HES data?", "Is SARS-CoV-2 in wastewater?",
                 "Naïve Bayes for A&E re-attendances (2019/20), 3.5m", "e-mail: x@y.org!!",
                 "Hyperparameterisation of prophylaxis"]:
        assert ours.tokens(text) == reference.encode(text, add_special_tokens=False).tokens


# ---------------------------------------------------------------------------- table
def test_texts_become_unit_vectors_and_unknown_text_zeros() -> None:
    table = static_vectors()
    vectors = table.encode(["length of stay", "東京", ""])
    assert vectors.shape == (3, table.dimensions) and vectors.dtype == np.float32
    assert float(np.linalg.norm(vectors[0])) == pytest.approx(1.0, abs=1e-5)
    assert not vectors[1].any() and not vectors[2].any()


def test_similar_words_point_the_same_way() -> None:
    a, b, c = static_vectors().encode(["physician", "doctor", "invoice"])
    assert float(a @ b) > float(a @ c)


def test_a_table_needs_a_vector_and_a_scale_per_token() -> None:
    with pytest.raises(ValueError):
        StaticVectors(["a", "b"], np.zeros((1, 4), dtype=np.int8),
                      np.ones(2, dtype=np.float32))


def test_similarity_is_measured_from_what_the_librarys_phrasings_share() -> None:
    table = static_vectors()
    single = PhrasingSimilarity(table, [["How do I forecast winter bed demand?"]])
    assert single.baseline is None
    with pytest.raises(ValueError):
        single.similarity("bed demand")
    twins = PhrasingSimilarity(table, [["Same question"], ["Same question"]])
    assert twins.baseline is None
    pair = PhrasingSimilarity(table, [["How do I forecast winter bed demand?"],
                                      ["What is a funnel plot?", "Funnel charts?"]])
    assert pair.baseline is not None and 0 < pair.baseline < 1
    scores = pair.similarity("predicting demand for beds in winter")
    assert scores.shape == (2,) and scores[0] > scores[1] and all(0 <= s <= 1 for s in scores)


# ---------------------------------------------------------------------------- ranking
@pytest.mark.parametrize(("question", "key"), [
    ("how happy are people with their care", 4),
    ("employee illness figures", 3),
    ("physicians issuing antimicrobial medicines", 1),
])
def test_a_question_worded_differently_is_found(search: FaqSearch, question: str,
                                                key: int) -> None:
    assert search.lexical.search(question) == []  # not one word in common
    decision = decide(search, question, PRECISION, limit=3)
    assert decision.hits[0].key == key
    assert not decision.answered  # offered as "did you mean", not as the answer


def test_the_same_question_is_still_answered(search: FaqSearch) -> None:
    for question, key in [("which GP practices prescribe most antibiotics", 1),
                          ("what is an SPC chart?", 6),
                          ("staff sickness absence rates", 3)]:
        decision = decide(search, question, PRECISION)
        assert decision.hits[0].key == key and decision.answered


@pytest.mark.parametrize("question", [
    "When is the office Christmas party?", "How do I reset my password?",
    "Who won the football last night?", "Where can I park my bike?", "what time is lunch?"])
def test_unrelated_questions_stay_below_the_threshold(search: FaqSearch, question: str) -> None:
    assert not decide(search, question, PRECISION).answered


def test_nothing_to_ask_finds_nothing(search: FaqSearch) -> None:
    assert search.rank("the and of") == []
    assert search.rank("xylophone") == []
    assert FaqSearch(Analyzer(), []).rank("anything") == []


def test_a_library_of_one_entry_ranks_by_words_alone() -> None:
    entry = LIBRARY[1]
    alone = FaqSearch(Analyzer(), [entry])
    assert alone.rank("forecast winter bed demand") == alone.lexical.search(
        "forecast winter bed demand", limit=5)
