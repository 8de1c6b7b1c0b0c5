"""The decision to answer: the ranking, the probability that its best entry is right, and
whether that probability reaches the level that gives the target precision."""

from __future__ import annotations

from dataclasses import dataclass

from storage.search.confidence import AnswerModel, answer_models
from storage.search.engine import FaqSearch
from storage.search.lexical import Hit

DEFAULT = "default"
SEMANTIC = "semantic"
# Below this many entries the next entry is rarely a near miss, so a margin means less than
# in a large library: a model fitted on the same questions asked of small libraries drawn
# from the FAQ decides there.
SMALL_LIBRARY = 20


@dataclass(frozen=True, slots=True)
class Decision:
    hits: list[Hit]  # best first, every score above 0
    probability: float  # that the first is the answer (0.0 when nothing matched)
    answered: bool  # whether to give the first as the answer


def few_entries(engine: str) -> str:
    """The name of ``engine``'s model for small libraries."""
    return f"{engine}/few"


def model_for(search: FaqSearch) -> AnswerModel:
    """The shipped model fitted for ``search``'s engine and the size of its library."""
    engine = SEMANTIC if search.semantic else DEFAULT
    return answer_models()[few_entries(engine) if len(search) < SMALL_LIBRARY else engine]


def decide(search: FaqSearch, question: str, precision: float, *, limit: int = 5,
           ) -> Decision:
    """Rank ``question`` and answer with the best entry only if, at the probability the
    model gives it, answers were right at least ``precision`` of the time on held-out
    questions, or if ``question`` is one of the entry's phrasings word for word."""
    hits, evidence = search.rank_with_evidence(question, limit=limit)
    hits = [h for h in hits if h.score > 0]
    if not hits or evidence is None:
        return Decision(hits, 0.0, False)
    model = model_for(search)
    probability = model.probability(evidence)
    # Asked exactly as an entry's question or alternate is asked: that entry is what was
    # meant, however close its neighbours (the public questions, all paraphrases, cannot
    # teach the model this).
    answered = evidence.exact or probability >= model.threshold(precision)
    return Decision(hits, probability, answered)
