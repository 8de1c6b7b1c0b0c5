"""Whether to answer with the best entry: a calibrated probability that it is right.

The score of the best entry alone says little about whether it is the answer: a question
can score well against two entries at once, or match an entry on its common words while
the word that matters is nowhere in it.  :class:`Evidence` gathers what else the ranking
knows about its best entry, and :class:`AnswerModel` (a logistic regression over it) turns
that into the probability that the entry answers the question.

The models, one per engine, are data (``data/answer_model.json``), fitted offline on the
public covid-qa questions with five-fold cross-validation by ``bench/answer_model.py``,
which documents how to refit them.  The file also holds each model's cross-validated
precision/coverage curve: the share of answers that were right when answering every question
whose held-out probability reached a level.  :meth:`AnswerModel.threshold` reads a target
precision (``COPBOT_ANSWER_PRECISION``) off that curve.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).with_name("data") / "answer_model.json"
# Above every probability: a target precision no cross-validated level reached answers nothing.
NEVER = 1.01
# Whatever the target, nothing is answered below this probability (the curve is measured on
# questions the library can answer; a low target would otherwise answer questions about
# something else entirely).  Not 0.5: half the questions the models are fitted on are asked
# of a FAQ without their answer, so the probability understates the odds for a question the
# library can answer, and at 0.5 this floor, not the target, set the operating point for any
# target up to 0.87 (0.85 answered 43% of the public questions instead of 53%).  The
# off-topic questions are still declined (0.96 and 0.97 on held-out folds at 0.85).
MIN_PROBABILITY = 0.3


@dataclass(frozen=True, slots=True)
class Evidence:
    """What speaks for the best entry of a ranking being the answer."""

    score: float  # its fused score, 0..1
    margin: float  # its score minus the next entry's (its score if there is no other)
    similarity_margin: float  # its similarity in meaning minus the best other entry's
    similarity_agrees: bool  # no entry is more similar in meaning alone
    lexical_agrees: bool  # no entry scores higher on words alone
    coverage: float  # the share of the question's vocabulary, weighted by rarity, it holds
    phrasings: int  # its question and alternates
    exact: bool = False  # the question is one of its phrasings, word for word


    def feature(self, name: str) -> float:
        """The value of the feature ``name`` (a field; booleans count 0 or 1)."""
        value = getattr(self, name)
        return float(value)


@dataclass(frozen=True, slots=True)
class CurvePoint:
    probability: float  # answer every question whose probability is at least this
    precision: float  # share of those answers that were right (held-out folds)
    coverage: float  # share of the questions answered


@dataclass(frozen=True)
class AnswerModel:
    """A logistic regression over standardised :class:`Evidence` features."""

    engine: str
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    curve: tuple[CurvePoint, ...]  # by probability, ascending

    def probability(self, evidence: Evidence) -> float:
        """The probability that the entry the evidence is about answers the question."""
        z = self.intercept + sum(
            w * (evidence.feature(name) - m) / s
            for name, m, s, w in zip(self.features, self.mean, self.scale, self.weights,
                                     strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0

    def threshold(self, precision: float) -> float:
        """The lowest probability at which, on the held-out folds, answers were right at
        least ``precision`` of the time (so the most questions answered at that precision),
        and never below :data:`MIN_PROBABILITY`; :data:`NEVER` if no level reached it."""
        return threshold_on(self.curve, precision)

    def operating_point(self, precision: float) -> CurvePoint | None:
        """The cross-validated point :meth:`threshold` picks for ``precision`` (None when
        nothing is answered)."""
        chosen = self.threshold(precision)
        return next((p for p in self.curve if p.probability >= chosen), None)

    @classmethod
    def from_json(cls, engine: str, data: Mapping[str, Any]) -> AnswerModel:
        return cls(
            engine=engine, features=tuple(data["features"]), mean=tuple(data["mean"]),
            scale=tuple(data["scale"]), weights=tuple(data["weights"]),
            intercept=float(data["intercept"]),
            curve=tuple(sorted((CurvePoint(*point) for point in data["curve"]),
                               key=lambda p: p.probability)))


def threshold_on(curve: Sequence[CurvePoint], precision: float) -> float:
    """:meth:`AnswerModel.threshold` on ``curve`` (by probability, ascending)."""
    for point in curve:
        if point.precision >= precision:
            return max(point.probability, MIN_PROBABILITY)
    return NEVER


def curve_from(probabilities: Sequence[float], right: Sequence[bool]) -> list[CurvePoint]:
    """The precision/coverage curve of held-out ``probabilities`` whose best entry was
    ``right``: one point per distinct probability, ascending."""
    pairs = sorted(zip(probabilities, right, strict=True), key=lambda pair: -pair[0])
    points: list[CurvePoint] = []
    answered = correct = 0
    for position, (probability, ok) in enumerate(pairs):
        answered += 1
        correct += ok
        if position + 1 < len(pairs) and pairs[position + 1][0] == probability:
            continue  # a level answers every question tied at it
        points.append(CurvePoint(probability, correct / answered, answered / len(pairs)))
    return points[::-1]


@cache
def answer_models(path: Path = MODEL_FILE) -> dict[str, AnswerModel]:
    """The shipped models by engine name, read once per process."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {engine: AnswerModel.from_json(engine, model)
            for engine, model in data["models"].items()}
