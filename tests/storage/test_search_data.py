"""The shipped word vectors say what made them, and the file is the one described."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from storage.search.embedding import MODEL_NAME
from storage.search.static import TABLE

ROOT = Path(__file__).resolve().parents[2]


def _sidecar() -> dict[str, object]:
    data: dict[str, object] = json.loads(TABLE.with_suffix(".json").read_text(encoding="utf-8"))
    return data


def test_the_sidecar_checksum_is_the_shipped_file() -> None:
    sidecar = _sidecar()
    assert sidecar["file"] == TABLE.name
    assert hashlib.sha256(TABLE.read_bytes()).hexdigest() == sidecar["sha256"]


def test_the_sidecar_names_the_inputs_and_the_shape() -> None:
    sidecar = _sidecar()
    model = sidecar["model"]
    assert isinstance(model, dict)
    assert model["name"] == MODEL_NAME and model["revision"]
    assert set(model["sha256"]) == {"model.safetensors", "tokenizer.json"}
    wordnet = sidecar["wordnet"]
    assert isinstance(wordnet, dict) and wordnet["version"] == "3.0"
    with np.load(TABLE) as table:
        assert list(table["vectors"].shape) == [sidecar["tokens"], sidecar["dimensions"]]


def test_the_rebuild_command_names_a_tool_outside_the_runtime_packages() -> None:
    command = str(_sidecar()["command"]).split()
    assert command[0] == "python"
    tool = ROOT / command[1]
    assert tool.is_file() and tool.parent.name == "scripts"
    assert "._" not in tool.read_text(encoding="utf-8").replace("self._", "")  # public API
