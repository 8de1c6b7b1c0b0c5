"""Synonym groups: the health-analytics vocabulary shipped with copbot, plus the network's own.

Both files are YAML lists of groups, each group a list of words, phrases and abbreviations
that mean the same (``- [A&E, accident and emergency, emergency department]``).  A group in
the network's file that shares a name with a shipped group is merged into it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from storage.search.text import SynonymGroup

SHIPPED = Path(__file__).with_name("synonyms.yaml")


class SynonymsError(Exception):
    """The synonyms file cannot be used; the message says why."""


def read_groups(path: Path) -> list[tuple[str, ...]]:
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SynonymsError(f"cannot read synonyms file {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise SynonymsError(f"synonyms file {path} is not valid YAML: {exc}") from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise SynonymsError(f"synonyms file {path}: expected a list of groups, such as "
                            "- [A&E, accident and emergency]")
    groups = []
    for number, group in enumerate(data, start=1):
        if not isinstance(group, list) or len(group) < 2:
            raise SynonymsError(f"synonyms file {path}, group {number}: give two or more "
                                "words or phrases that mean the same")
        groups.append(tuple(str(name).strip() for name in group if str(name).strip()))
    return groups


def merge(groups: list[tuple[str, ...]]) -> list[SynonymGroup]:
    """Join groups that share a name (case-insensitive), keeping first-seen order."""
    merged: list[list[str]] = []
    where: dict[str, int] = {}
    for group in groups:
        targets = sorted({where[n.lower()] for n in group if n.lower() in where})
        if not targets:
            where.update({n.lower(): len(merged) for n in group})
            merged.append(list(group))
            continue
        into = targets[0]
        for other in targets[1:]:  # a group that bridges two earlier ones joins them
            merged[into] += merged[other]
            merged[other] = []
        merged[into] += [n for n in group if n.lower() not in {m.lower() for m in merged[into]}]
        where.update({n.lower(): into for n in merged[into]})
    return [SynonymGroup(tuple(dict.fromkeys(g))) for g in merged if g]


def load_synonyms(extra_file: str = "") -> tuple[SynonymGroup, ...]:
    """The shipped groups plus those in ``extra_file`` (``COPBOT_SYNONYMS_FILE``), if given.
    The same tuple is returned until the file changes, so callers can compare by identity."""
    changed = 0
    if extra_file:
        try:
            changed = Path(extra_file).stat().st_mtime_ns
        except OSError as exc:
            raise SynonymsError(f"cannot read synonyms file {extra_file}: "
                                f"{exc.strerror or exc}") from exc
    return _load(extra_file, changed)


@cache
def _load(extra_file: str, changed: int) -> tuple[SynonymGroup, ...]:
    groups = read_groups(SHIPPED)
    if extra_file:
        groups += read_groups(Path(extra_file))
    return tuple(merge(groups))
