"""Fit the models that decide whether copbot answers, and measure them on held-out folds.

    python bench/answer_model.py [--data ../shared/data/covid-qa] [--write]

For each engine installed here (``default``, and ``semantic`` with the extra), every public
question (``questions.csv``, 122 paraphrases of entries of ``faq.csv``) is ranked by the real
search engine over the 213 entries, and the :class:`~storage.search.confidence.Evidence` about
its best entry recorded with whether that entry was right; and again with its answer taken
out of the FAQ (a question the library cannot answer, so its best entry is wrong).  A
logistic regression (Newton's method, a small L2 penalty, standardised features) is then
fitted with five-fold cross-validation: each question's probability comes from the model
fitted on the other four folds (both askings of a question in the same fold), and the
held-out probabilities of the questions asked of the whole FAQ give the precision/coverage
curve that maps ``COPBOT_ANSWER_PRECISION`` to a probability threshold.  The shipped
coefficients are the same regression fitted on all the questions.  Libraries of fewer than
``SMALL_LIBRARY`` entries get their own model, fitted the same way on each question asked of
two small libraries drawn from the FAQ (one holding its answer, one not).

The questions of ``bench/data/offtopic_questions.txt`` (unrelated to public health) are not
fitted on; the share of them declined at the chosen operating point is reported.

``--write`` stores the models in ``storage/search/data/answer_model.json`` (run it with the
``[semantic]`` extra installed, or the semantic model is left as it was).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.services.library import split_alternates, split_tags  # noqa: E402
from storage.search import embedding  # noqa: E402
from storage.search.answering import SMALL_LIBRARY, few_entries  # noqa: E402
from storage.search.confidence import (  # noqa: E402
    MODEL_FILE,
    AnswerModel,
    CurvePoint,
    Evidence,
    curve_from,
    threshold_on,
)
from storage.search.engine import FaqSearch, FaqText, embedded_texts  # noqa: E402
from storage.search.synonyms import load_synonyms  # noqa: E402
from storage.search.text import Analyzer  # noqa: E402

# ../shared/data/covid-qa beside the checkout (or beside the folder of worktrees)
DEFAULT_DATA = next((p for p in (ROOT.parent / "shared" / "data" / "covid-qa",
                                 ROOT.parents[1] / "shared" / "data" / "covid-qa")
                     if p.is_dir()), ROOT.parent / "shared" / "data" / "covid-qa")
OFF_TOPIC = ROOT / "bench" / "data" / "offtopic_questions.txt"
# A few general features rather than many: the models must carry over to other libraries.
# (The number of phrasings is part of the evidence but not of the models: no public entry
# has alternates, so there is nothing to fit its weight from.)
FEATURES = ("score", "margin", "similarity_margin", "similarity_agrees", "lexical_agrees",
            "coverage")
FOLDS = 5
SEED = 17
PENALTY = 1.0  # L2 on the standardised weights (not the intercept)
DEFAULT_PRECISION = 0.9
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Observed:
    """One question ranked: where the right entry came (None: not in the top 5), and the
    evidence about the best entry (None: nothing matched)."""

    rank: int | None
    evidence: Evidence | None

    @property
    def right(self) -> bool:
        return self.rank == 0


def load_faq(data: Path) -> list[dict[str, str]]:
    with (data / "faq.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_questions(data: Path) -> list[tuple[str, frozenset[str]]]:
    with (data / "questions.csv").open(encoding="utf-8") as f:
        return [(row["question"], frozenset(row["expected_external_ids"].split()))
                for row in csv.DictReader(f)]


def load_off_topic(path: Path = OFF_TOPIC) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


class Library:
    """The FAQ as copbot indexes it, and searches over all of it or a few of its entries."""

    def __init__(self, faq: Sequence[dict[str, str]], engine: str) -> None:
        self.analyzer = Analyzer(load_synonyms())
        # As ``copbot import faq`` stores them (tags lower-cased, split on commas).
        self.entries = [FaqText(i, row["question"], row["answer"],
                                split_alternates(row.get("alternates") or ""),
                                split_tags(row.get("tags") or ""))
                        for i, row in enumerate(faq)]
        self.ids = [row["external_id"] for row in faq]
        self.encode = embedding.encoder().encode if engine == "semantic" else None
        self.vectors = ([self.encode(embedded_texts(self.analyzer, e)) for e in self.entries]
                        if self.encode is not None else None)

    def search(self, positions: Sequence[int] | None = None) -> FaqSearch:
        chosen = list(range(len(self.entries))) if positions is None else list(positions)
        entries = [self.entries[i] for i in chosen]
        if self.vectors is None:
            return FaqSearch(self.analyzer, entries)
        return FaqSearch(self.analyzer, entries, vectors=[self.vectors[i] for i in chosen],
                         embed=self.encode)


def small_libraries(library: Library, questions: Sequence[tuple[str, frozenset[str]]],
                    off_topic: Sequence[str], seed: int = SEED,
                    ) -> tuple[list[Observed], list[int], list[Observed]]:
    """Each question asked of two small libraries drawn from the FAQ (1 to SMALL_LIBRARY - 1
    entries): one holding its answer, one not; and each off-topic question of one.  Returns
    the observations, the question each came from, and the off-topic observations."""
    rng = np.random.default_rng(seed)
    everything = np.arange(len(library.entries))
    observed: list[Observed] = []
    groups: list[int] = []
    for number, (question, expected) in enumerate(questions):
        right = [i for i in everything if library.ids[i] in expected]
        others = [i for i in everything if library.ids[i] not in expected]
        for holds_answer in (True, False):
            size = int(rng.integers(1, SMALL_LIBRARY))
            drawn = rng.choice(others, size=size - holds_answer, replace=False).tolist()
            chosen = sorted(drawn + ([int(rng.choice(right))] if holds_answer else []))
            observed.append(observe(library.search(chosen), library.ids, question, expected))
            groups.append(number)
    strangers = [observe(library.search(sorted(rng.choice(
        everything, size=int(rng.integers(1, SMALL_LIBRARY)), replace=False).tolist())),
        library.ids, question, frozenset()) for question in off_topic]
    return observed, groups, strangers


def observe(search: FaqSearch, ids: Sequence[str], question: str,
            expected: frozenset[str]) -> Observed:
    hits, evidence = search.rank_with_evidence(question, limit=5)
    hits = [h for h in hits if h.score > 0]
    rank = next((i for i, h in enumerate(hits) if ids[h.key] in expected), None)
    return Observed(rank, evidence if hits else None)


def matrix(observed: Sequence[Observed], features: Sequence[str]) -> FloatArray:
    return np.array([[o.evidence.feature(f) if o.evidence else 0.0 for f in features]
                     for o in observed], dtype=np.float64)


def fit_logistic(x: FloatArray, y: FloatArray, penalty: float = PENALTY,
                 ) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    """(mean, scale, weights, intercept) of an L2-penalised logistic regression of ``y`` on
    standardised ``x``, by Newton's method."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    beta = np.zeros(z.shape[1])
    ridge = np.full(z.shape[1], penalty)
    ridge[0] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(z @ beta)))
        gradient = z.T @ (y - p) - ridge * beta
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(ridge)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-10:
            break
    return mean, scale, beta[1:], float(beta[0])


def as_model(engine: str, features: Sequence[str], x: FloatArray, y: FloatArray,
             curve: Sequence[CurvePoint]) -> AnswerModel:
    mean, scale, weights, intercept = fit_logistic(x, y)
    return AnswerModel(engine, tuple(features), tuple(mean.tolist()), tuple(scale.tolist()),
                       tuple(weights.tolist()), intercept, tuple(curve))


def probabilities(model: AnswerModel, observed: Sequence[Observed]) -> list[float]:
    return [model.probability(o.evidence) if o.evidence else 0.0 for o in observed]


def folds(count: int, k: int = FOLDS, seed: int = SEED) -> list[npt.NDArray[np.intp]]:
    order = np.random.default_rng(seed).permutation(count)
    return [order[i::k] for i in range(k)]


@dataclass(frozen=True)
class CrossValidated:
    """Held-out figures of one engine."""

    engine: str
    observed: list[Observed]
    held_out: list[float]  # each question's probability from the model not fitted on it
    model: AnswerModel  # fitted on every question, with the held-out curve
    off_topic: list[float]  # probabilities of the off-topic questions (final model)
    fold_off_topic: list[list[float]]  # ... and by each fold's model
    # Each fold's questions (indices into ``observed``) and the curve of its own four
    # training folds, cross-validated within them: a threshold read off it was chosen
    # without the fold's questions.
    fold_questions: list[list[int]]
    fold_curves: list[list[CurvePoint]]

    def recall(self, k: int) -> float:
        return sum(1 for o in self.observed if o.rank is not None and o.rank < k) / len(
            self.observed)

    @property
    def mrr(self) -> float:
        return sum(1 / (o.rank + 1) for o in self.observed if o.rank is not None) / len(
            self.observed)

    def at(self, precision: float) -> tuple[float, float, float, float]:
        """(threshold, right when answering, share answered, off-topic declined) on the
        held-out folds at the operating point chosen for ``precision``."""
        threshold = self.model.threshold(precision)
        answered = [o.right for o, p in zip(self.observed, self.held_out, strict=True)
                    if p >= threshold]
        right = sum(answered) / len(answered) if answered else 1.0
        declined = [p < threshold for fold in self.fold_off_topic for p in fold]
        return (threshold, right, len(answered) / len(self.observed),
                sum(declined) / len(declined))

    def nested_at(self, precision: float) -> tuple[float, float, float]:
        """(right when answering, share answered, off-topic declined) when each fold's
        threshold is read off the curve of the other four folds alone (nested
        cross-validation): the operating point, too, is chosen without the questions it is
        measured on.  :meth:`at` reads one threshold off the curve of every fold."""
        answered: list[bool] = []
        declined: list[bool] = []
        for questions, curve, strangers in zip(self.fold_questions, self.fold_curves,
                                               self.fold_off_topic, strict=True):
            threshold = threshold_on(curve, precision)
            answered += [self.observed[i].right for i in questions
                         if self.held_out[i] >= threshold]
            declined += [p < threshold for p in strangers]
        right = sum(answered) / len(answered) if answered else 1.0
        return right, len(answered) / len(self.observed), sum(declined) / len(declined)


def fit_cross_validated(name: str, observed: Sequence[Observed], groups: Sequence[int],
                        strangers: Sequence[Observed],
                        missing: Sequence[Observed] = ()) -> CrossValidated:
    """Held-out probabilities by five-fold cross-validation over the questions (all the
    observations of a question in the same fold), and the model fitted on all of them.
    ``missing[i]``, question ``i`` asked of the FAQ without its answer, is fitted on as a
    wrong answer with the question's fold, but not part of the curve."""
    x = matrix(observed, FEATURES)
    y = np.array([o.right for o in observed], dtype=np.float64)
    group = np.array(groups)
    x_missing = matrix(missing, FEATURES).reshape(len(missing), len(FEATURES))
    everyone = np.arange(int(group.max()) + 1)

    def held_out_by(chosen: npt.NDArray[np.intp], k: int) -> tuple[FloatArray,
                                                                  list[list[float]]]:
        """Probabilities of the observations of the ``chosen`` questions, each from the
        model fitted on the other ``k - 1`` folds of them, and each fold model's
        probabilities of the off-topic questions."""
        result = np.full(len(observed), np.nan)
        strange = []
        for part in folds(len(chosen), k):
            questions = chosen[part]
            test = np.isin(group, questions)
            train = np.isin(group, chosen) & ~test
            extra = np.setdiff1d(chosen, questions)
            extra = extra[extra < len(missing)]
            model = as_model(name, FEATURES, np.vstack([x[train], x_missing[extra]]),
                             np.concatenate([y[train], np.zeros(len(extra))]), ())
            result[test] = probabilities(model, [o for o, t in zip(observed, test,
                                                                   strict=True) if t])
            strange.append(probabilities(model, strangers))
        return result, strange

    held_out, fold_off_topic = held_out_by(everyone, FOLDS)
    fold_questions, fold_curves = [], []
    for part in folds(len(everyone)):
        inside = np.flatnonzero(np.isin(group, part))
        fold_questions.append(inside.tolist())
        training = np.setdiff1d(everyone, part)
        inner, _ = held_out_by(training, FOLDS - 1)
        fitted = np.flatnonzero(np.isin(group, training))
        fold_curves.append(curve_from(inner[fitted].tolist(),
                                      [observed[int(i)].right for i in fitted]))
    curve = curve_from(held_out.tolist(), [o.right for o in observed])
    model = as_model(name, FEATURES, np.vstack([x, x_missing]),
                     np.concatenate([y, np.zeros(len(missing))]), curve)
    return CrossValidated(name, list(observed), held_out.tolist(), model,
                          probabilities(model, strangers), fold_off_topic, fold_questions,
                          fold_curves)


def cross_validate(engine: str, faq: Sequence[dict[str, str]],
                   questions: Sequence[tuple[str, frozenset[str]]],
                   off_topic: Sequence[str]) -> list[CrossValidated]:
    """The engine's model (the whole FAQ) and its small-library model, cross-validated."""
    library = Library(faq, engine)
    search = library.search()
    observed = [observe(search, library.ids, q, expected) for q, expected in questions]
    strangers = [observe(search, library.ids, q, frozenset()) for q in off_topic]
    missing = [observe(library.search([i for i, x in enumerate(library.ids)
                                       if x not in expected]), library.ids, q, expected)
               for q, expected in questions]
    small, groups, small_strangers = small_libraries(library, questions, off_topic)
    return [fit_cross_validated(engine, observed, range(len(observed)), strangers, missing),
            fit_cross_validated(few_entries(engine), small, groups, small_strangers)]


def engines() -> list[str]:
    return ["default", "semantic"] if embedding.available() else ["default"]


def report(result: CrossValidated, precision: float = DEFAULT_PRECISION) -> None:
    """The held-out figures, the curve and the operating point for ``precision``."""
    print(f"  {result.engine}: recall@1 {result.recall(1):.3f}  recall@5 {result.recall(5):.3f}"
          f"  MRR {result.mrr:.3f}  ({len(result.observed)} questions)")
    print("    precision/coverage on held-out folds (answer when probability >= p):")
    shown = 0.0
    for point in reversed(result.model.curve):
        if point.coverage >= shown + 0.05 or point is result.model.curve[0]:
            print(f"      p >= {point.probability:.3f}: right {point.precision:.3f}, "
                  f"answered {point.coverage:.3f}")
            shown = point.coverage
    print("    operating points (threshold read off the curve above; nested: each fold's "
          "threshold read off its four training folds alone):")
    for target in sorted({precision, 0.5, 0.8, 0.85, 0.95, 0.99}):
        threshold, right, answered, declined = result.at(target)
        n_right, n_answered, n_declined = result.nested_at(target)
        print(f"    COPBOT_ANSWER_PRECISION={target}: threshold {threshold:.3f} -> right "
              f"{right:.3f} when answering, answered {answered:.3f}, off-topic declined "
              f"{declined:.3f}; nested: right {n_right:.3f}, answered {n_answered:.3f}, "
              f"off-topic declined {n_declined:.3f}")


def model_json(model: AnswerModel) -> dict[str, object]:
    return {"features": list(model.features),
            "mean": [round(v, 6) for v in model.mean],
            "scale": [round(v, 6) for v in model.scale],
            "weights": [round(v, 6) for v in model.weights],
            "intercept": round(model.intercept, 6),
            "curve": [[round(p.probability, 6), round(p.precision, 4), round(p.coverage, 4)]
                      for p in model.curve]}


def write(results: Sequence[CrossValidated], path: Path = MODEL_FILE) -> None:
    models = json.loads(path.read_text(encoding="utf-8"))["models"] if path.exists() else {}
    models.update({r.engine: model_json(r.model) for r in results})
    note = ("Logistic regressions deciding whether copbot answers, one per engine, fitted by "
            "bench/answer_model.py on the 122 public covid-qa questions (../shared/data/"
            f"covid-qa) with 5-fold cross-validation (seed {SEED}, L2 penalty {PENALTY} on "
            "standardised features; each question is also fitted on as a wrong answer "
            "asked of the FAQ without its entry); 'curve' holds [probability, precision, "
            "coverage] from the held-out folds. The '/few' models decide in libraries of "
            "fewer than "
            f"{SMALL_LIBRARY} entries: fitted on each question asked of two libraries of 1 to "
            f"{SMALL_LIBRARY - 1} entries drawn from the FAQ, one holding its answer. "
            "Refit: python bench/answer_model.py --write (with the [semantic] extra installed).")
    path.write_text(json.dumps({"note": note, "models": models}, indent=1) + "\n",
                    encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--write", action="store_true", help="store the fitted models")
    args = parser.parse_args()
    faq, questions, off_topic = load_faq(args.data), load_questions(args.data), load_off_topic()
    results = [r for engine in engines() for r in cross_validate(engine, faq, questions,
                                                                   off_topic)]
    for result in results:
        report(result)
    if args.write:
        write(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
