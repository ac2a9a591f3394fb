"""Speed: training and embedding rates against the matmul rate, streaming
memory on on-disk libraries, and one comparison serial / n_jobs / dask.

Issue #12 item 5. Five parts, each measured in this run:

* **matmul**: the machine's fp32 matmul rate (torch, its threads), the
  yardstick of the rates below.
* **embedders**: for every embedder (class defaults, spectra of
  ``--width`` points, and the shipped ``sklspec-base``), training passes/s
  (spectra, or pretext rows, through the network per second, median epoch)
  and embedding spectra/s (``transform``, median of repeats), each also as
  the FLOP rate it achieves (FLOPs counted by
  :class:`torch.utils.flop_counter.FlopCounterMode`) divided by the matmul
  rate.
* **shapes**: the same embedding ratio for MAE encoders near the
  defaults (fewer heads, wider tokens), randomly initialised: what an
  architecture change would give (not a bar).
* **stream**: pretraining (the shipped architecture, MAE on a 256-point
  grid, one epoch) on synthetic on-disk libraries of 30,000 and 300,000
  spectra × 1,700 points (``.npy`` opened as a memmap), each in a fresh
  process: anonymous peak memory (``RssAnon``, sampled every 10 ms; the
  memmap's file pages are not anonymous) and throughput.
* **compare**: the wall time of one :func:`sklspec.evaluation.compare`
  serial, with ``n_jobs=2`` and on a two-worker dask ``LocalCluster``, and
  whether the three tables are equal.

Run alone on an idle machine (two torch processes on two cores slow each
other several-fold)::

    python benchmarks/speed.py            # ~10 min on 2 cores
    python benchmarks/speed.py --smoke    # a check, ~1 min
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Run, matmul_gflops, parser, table  # noqa: E402

#: Largest anonymous peak at 300k spectra, as a multiple of the 30k peak.
MEMORY_BAR = 1.5
#: Smallest embedding FLOP rate, as a fraction of the matmul rate.
EMBED_BAR = 0.5


# ------------------------------------------------------------------ helpers
def _synthetic(n: int, width: int, seed: int = 0) -> np.ndarray:
    """Smooth spectra: a few Gaussian bands on a sloped baseline, float32."""
    rng = np.random.default_rng(seed)
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)
    centres = rng.uniform(0.1, 0.9, (n, 3)).astype(np.float32)
    heights = rng.uniform(0.2, 1.0, (n, 3)).astype(np.float32)
    X = (heights[:, :, None] * np.exp(-(((x - centres[:, :, None]) / 0.03) ** 2))).sum(
        1
    )
    X += rng.uniform(0, 0.3, (n, 1)).astype(np.float32) * x
    X += 0.005 * rng.standard_normal((n, width)).astype(np.float32)
    return X.astype(np.float32)


def _write_library(path: Path, n: int, width: int, block: int = 10_000) -> None:
    """An ``.npy`` library written block by block (never all in memory)."""
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, width))
    for start in range(0, n, block):
        stop = min(n, start + block)
        out[start:stop] = _synthetic(stop - start, width, seed=start)
    out.flush()
    del out


def _rss_anon_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return 0


class _PeakAnon:
    """Sample ``RssAnon`` in a thread: the anonymous peak of a block."""

    def __init__(self, every: float = 0.01):
        self.every, self.peak, self._stop = every, 0, threading.Event()

    def __enter__(self):
        self.peak = _rss_anon_kb()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_anon_kb())
            time.sleep(self.every)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_anon_kb())


# ---------------------------------------------------------------- embedders
@contextlib.contextmanager
def _countable_attention():
    """Attention on operations torch's ``FlopCounterMode`` counts: the
    transformer layers' unfused path and the math backend of
    ``scaled_dot_product_attention`` (see :func:`_flops`)."""
    import torch
    from torch.nn.attention import SDPBackend, sdpa_kernel

    fastpath = torch.backends.mha.get_fastpath_enabled()
    torch.backends.mha.set_fastpath_enabled(False)
    try:
        with sdpa_kernel(SDPBackend.MATH):
            yield
    finally:
        torch.backends.mha.set_fastpath_enabled(fastpath)


def _flops(fn, grad: bool = False) -> float:
    """FLOPs of ``fn()`` as counted by torch's FlopCounterMode.

    `grad`: count with autograd on (a training step's forward and backward).
    Read-outs are counted without it, as they run (a CLS read-out's last
    transformer block computes the CLS token alone), but on the operations
    the counter sees: PyTorch's fused ``TransformerEncoderLayer`` kernel
    (``_transformer_encoder_layer_fwd``, what the blocks run at inference) is
    not in the counter's registry, so it is counted on the layer's unfused
    path (``torch.backends.mha.set_fastpath_enabled(False)``: the same matrix
    products), and attention on the math backend of
    ``scaled_dot_product_attention`` (the CPU's fused flash kernel,
    ``_scaled_dot_product_flash_attention_for_cpu``, is not in the registry
    either, so its two matmuls, ``Q Kᵀ`` and the weighted sum of ``V``,
    would be missed; the math backend runs them as counted ``bmm`` calls).
    """
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    with (
        torch.set_grad_enabled(grad),
        _countable_attention(),
        FlopCounterMode(display=False) as counter,
    ):
        fn()
    return float(counter.get_total_flops())


def _train_step_flops(emb, X: np.ndarray, rows: int) -> tuple[float, int]:
    """FLOPs of one training step (forward, loss, backward) and its rows."""
    import torch

    from sklspec._torch import n_rows
    from sklspec.embedders._base import _as_tensors

    if type(emb).__name__ == "NIRtoMIRConverter":
        return float("nan"), 0  # its step needs the paired latent targets
    rng = np.random.default_rng(0)
    X_b, y_b = emb._make_training_data(_module_input(emb, X[:rows]), rng)
    X_b = _as_tensors(X_b)
    n = n_rows(X_b)
    y_b = torch.zeros(n) if y_b is None else _as_tensors(y_b)
    module, criterion = emb.module_, emb._make_criterion()
    if isinstance(criterion, type):
        criterion = criterion()
    module.train()

    def step():
        out = module(**X_b) if isinstance(X_b, dict) else module(X_b)
        criterion(out, y_b).backward()

    flops = _flops(step, grad=True)
    module.zero_grad(set_to_none=True)
    module.eval()
    return flops, n


def _embedders():
    """(name, embedder with class defaults, 'paired' or None) to measure."""
    from sklspec.embedders import (
        MAEEmbedder,
        NIRtoMIRConverter,
        TransformRecogEmbedder,
        VAEEmbedder,
        load_pretrained,
    )

    epochs = 2  # the rate is the second epoch (the first warms up)
    yield (
        "TransformRecogEmbedder()",
        TransformRecogEmbedder(max_epochs=epochs, random_state=0),
        None,
    )
    yield "MAEEmbedder()", MAEEmbedder(max_epochs=epochs, random_state=0), None
    yield "VAEEmbedder()", VAEEmbedder(max_epochs=epochs, random_state=0), None
    yield (
        "NIRtoMIRConverter()",
        NIRtoMIRConverter(
            max_epochs=epochs,
            random_state=0,
            mir_embedder=VAEEmbedder(max_epochs=epochs, random_state=0),
        ),
        "paired",
    )
    yield (
        "sklspec-base (shipped)",
        load_pretrained("sklspec-base").set_params(max_epochs=epochs),
        None,
    )


def bench_embedders(
    run: Run, gflops: float, width: int, n: int, n_fit: int, smoke: bool
):
    """Training passes/s and embedding spectra/s, and their FLOP ratios."""
    import torch

    X = _synthetic(n, width)
    n_train = min(n, n_fit)
    rows = []
    for name, emb, kind in _embedders():
        run.log(f"embedder {name}")
        X_fit = X[:n_train]
        fit_args = (
            (X_fit, _synthetic(n_train, width // 2, seed=1)) if kind else (X_fit,)
        )
        emb.fit(*fit_args)
        history = emb.history_
        durations = [r["dur"] for r in history if "dur" in r]
        per_epoch = _rows_per_epoch(emb, n_train)
        train_rate = per_epoch / float(np.median(durations[1:] or durations))
        step_flops, step_rows = _train_step_flops(emb, X, min(emb.batch_size, n))
        train_ratio = (
            train_rate * step_flops / step_rows / (gflops * 1e9)
            if step_rows
            else float("nan")
        )
        # embedding: the module read-out on the module's input (the grid's
        # resampling is numpy work outside the network, timed separately)
        Z = emb.transform(X[:64])
        repeats = 3 if smoke else 7
        embed_rate = _rate(lambda e=emb: e.transform(X), n, repeats)
        G = _module_input(emb, X[:256])
        options = emb._embed_options()
        embed_flops = _flops(
            lambda e=emb, g=G, o=options: e.module_.embed(torch.from_numpy(g), **o)
        ) / len(G)
        G_all = _module_input(emb, X)
        # each timing paired with a matmul yardstick measured right after it:
        # on a shared machine the rate drifts during the run, and a ratio to
        # one yardstick taken minutes earlier would carry that drift
        module_rates, beside, speedups = [], [], []
        blocks = _has_inference_path(emb)
        for _ in range(repeats):
            module_rates.append(_rate(lambda e=emb, g=G_all: e._embed(g), n, 1))
            beside.append(matmul_gflops(1024))
            if blocks:  # sklspec's inference paths vs the layers' own forward
                with _layers_own_path():
                    parent = _rate(lambda e=emb, g=G_all: e._embed(g), n, 1)
                speedups.append(module_rates[-1] / parent)
        module_rate = float(np.median(module_rates))
        # the ceiling of the network's own shapes: its matmul-like calls on
        # one embedding batch, each replayed alone
        G_batch = _module_input(emb, X[: emb._embed_batch_size()])
        ops_flops, ops_seconds = matmul_ops(
            lambda e=emb, g=G_batch, o=options: e.module_.embed(
                torch.from_numpy(g), **o
            )
        )
        ops_ratio = ops_flops / ops_seconds / (matmul_gflops(1024) * 1e9)
        ops_share = ops_seconds / len(G_batch) * module_rate
        embed_ratio = _paired_ratio(module_rates, beside, embed_flops)
        rows.append(
            {
                "embedder": name,
                "width": width,
                "embedding": Z.shape[1],
                "train_passes_s": train_rate,
                "train_gflop_per_pass": (
                    step_flops / step_rows / 1e9 if step_rows else float("nan")
                ),
                "train_ratio": train_ratio,
                "embed_spectra_s": embed_rate,
                "module_spectra_s": module_rate,
                "embed_mflop_per_spectrum": embed_flops / 1e6,
                "matmul_beside_gflops": float(np.median(beside)),
                "embed_ratio": embed_ratio,
                "inference_path_speedup": (
                    float(np.median(speedups)) if speedups else float("nan")
                ),
                "matmul_ops_ratio": ops_ratio,
                "matmul_ops_share": ops_share,
                "embed_ratio_transform": embed_rate * embed_flops / (gflops * 1e9),
            }
        )
        run.log(
            f"  train {train_rate:,.0f} passes/s ({train_ratio:.2f} of matmul), "
            f"embed {embed_rate:,.0f}/s, module {module_rate:,.0f}/s "
            f"({embed_ratio:.2f} of the matmul beside it, "
            f"{np.median(beside):.0f} GFLOP/s); its matmul calls alone "
            f"{ops_ratio:.2f}, {ops_share:.0%} of its time"
        )
    return rows


def _has_inference_path(emb) -> bool:
    """Whether the embedder's read-out takes an inference path of sklspec's
    (a CLS read-out's CLS-only last block, the CNN encoder's folded batch
    norms)."""
    from sklspec.nn._cnn import CNNEncoder
    from sklspec.nn._mae import PreNormBlock

    modules = list(emb.module_.modules())
    if any(isinstance(m, CNNEncoder) for m in modules):
        return True
    cls = emb._embed_options().get("pooling") == "cls"
    return cls and any(isinstance(m, PreNormBlock) for m in modules)


@contextlib.contextmanager
def _layers_own_path():
    """The networks without sklspec's inference paths: every token of a CLS
    read-out through every transformer block (PyTorch's fused kernel), the
    CNN blocks on their layers' own forward."""
    import sklspec.nn._cnn as cnn
    import sklspec.nn._mae as mae

    saved = mae._INFERENCE_PATH, cnn._INFERENCE_PATH
    mae._INFERENCE_PATH = cnn._INFERENCE_PATH = False
    try:
        yield
    finally:
        mae._INFERENCE_PATH, cnn._INFERENCE_PATH = saved


def matmul_ops(fn, repeats: int = 15) -> tuple[float, float]:
    """FLOPs and seconds of the matmul-like calls of ``fn()`` alone.

    Every call that torch's ``FlopCounterMode`` counts (matrix products,
    convolutions) is recorded with its inputs while ``fn()`` runs without
    gradients (attention as :func:`_flops` counts it), then replayed on them
    by itself (its inputs warm in cache) and timed (median of `repeats`).
    ``FLOPs / seconds`` is the rate the network would reach if nothing but
    those calls took time (norms, softmax, activations and layout copies
    free): a ceiling of its own shapes.
    """
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.utils.flop_counter import FlopCounterMode, flop_registry

    calls = []

    class _Record(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            if func.overloadpacket in flop_registry:
                calls.append((func, args, kwargs))
            return func(*args, **kwargs)

    flops = seconds = 0.0
    with torch.no_grad():
        with _countable_attention(), _Record():
            fn()
        for func, args, kwargs in calls:
            with FlopCounterMode(display=False) as counter:
                func(*args, **kwargs)
            flops += counter.get_total_flops()
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                func(*args, **kwargs)
                times.append(time.perf_counter() - t0)
            seconds += float(np.median(times))
    return float(flops), seconds


def _rate(fn, n: int, repeats: int, min_seconds: float = 1.0) -> float:
    """Spectra per second of ``fn()`` (``n`` spectra a call): the median of
    `repeats` timings, each of as many calls as fill `min_seconds`."""
    rates = []
    for _ in range(repeats):
        calls, t0 = 0, time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= min_seconds:
                break
        rates.append(n * calls / elapsed)
    return float(np.median(rates))


def _rows_per_epoch(emb, n: int) -> int:
    if type(emb).__name__ == "TransformRecogEmbedder":
        return n * (1 + len(emb._transformation_names()))
    return n


def _module_input(emb, X: np.ndarray) -> np.ndarray:
    grid = getattr(emb, "grid_", None)
    if grid is None:
        return np.ascontiguousarray(X, dtype=np.float32)
    return np.ascontiguousarray(grid.transform(X)[:, : grid.n_points], dtype=np.float32)


# ------------------------------------------------------------------- shapes
#: (label, MAEEmbedder parameters) of the architecture sweep: the default
#: encoder (depth 2, 16-point patches, CLS read-out) on ``--width`` points,
#: and the shipped encoder's architecture (its 256-point grid, flattened
#: read-out, no input normalisation).
_BASE = {"grid": 256, "pooling": "flatten", "normalize": None}
SHAPES = (
    ("MAEEmbedder() (64-d, 4 heads)", {}),
    ("MAEEmbedder(num_heads=2)", {"num_heads": 2}),
    ("MAEEmbedder(num_heads=1)", {"num_heads": 1}),
    ("MAEEmbedder(embed_dim=96, num_heads=2)", {"embed_dim": 96, "num_heads": 2}),
    ("MAEEmbedder(embed_dim=128, num_heads=2)", {"embed_dim": 128, "num_heads": 2}),
    ("sklspec-base architecture (64-d, 4 heads)", _BASE),
    ("sklspec-base architecture, 2 heads", {**_BASE, "num_heads": 2}),
    ("sklspec-base architecture, 1 head", {**_BASE, "num_heads": 1}),
)


def _paired_ratio(rates, beside, flops: float) -> float:
    """Median over the pairs of (FLOP rate of a timing) / (matmul after it)."""
    return float(np.median([r * flops / (g * 1e9) for r, g in zip(rates, beside)]))


def bench_shapes(run: Run, width: int, n: int, smoke: bool):
    """Embedding rate and FLOP ratio of MAE encoders near the defaults.

    Each an untrained :class:`~sklspec.embedders.MAEEmbedder` (``fit`` with
    ``max_epochs=0``: the rate does not depend on the weights), its network
    timed on its own input as :func:`bench_embedders` times it (its batches,
    its inference path), each timing paired with a matmul yardstick
    measured right after it.
    """
    import torch

    from sklspec.embedders import MAEEmbedder

    X = _synthetic(n, width)
    rows = []
    repeats = 3 if smoke else 5
    for label, params in SHAPES:
        emb = MAEEmbedder(max_epochs=0, random_state=0, **params).fit(X[:64])
        G = _module_input(emb, X)
        options = emb._embed_options()
        flops = (
            _flops(
                lambda e=emb, g=G[:256], o=options: e.module_.embed(
                    torch.from_numpy(g), **o
                )
            )
            / 256
        )
        rates, beside = [], []
        for _ in range(repeats):
            rates.append(_rate(lambda e=emb, g=G: e._embed(g), n, 1))
            beside.append(matmul_gflops(1024))
        rows.append(
            {
                "architecture": label,
                "width": G.shape[1],
                "pooling": options["pooling"],
                "embed_mflop_per_spectrum": flops / 1e6,
                "module_spectra_s": float(np.median(rates)),
                "embed_ratio": _paired_ratio(rates, beside, flops),
            }
        )
        run.log(
            f"shape {label}: {rows[-1]['module_spectra_s']:,.0f} spectra/s, "
            f"{rows[-1]['embed_ratio']:.2f} of the matmul"
        )
    return rows


# ------------------------------------------------------------------- stream
def _die_with_parent() -> None:
    """In the child, before ``exec``: ask Linux for SIGTERM when the parent
    dies, so that a benchmark killed by ``timeout`` leaves no pretraining
    child running (and slowing the next run). A no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


_STREAM_CHILD = """
import json, sys, time
sys.path.insert(0, {bench!r})
import numpy as np
from speed import _PeakAnon, _rss_anon_kb
import torch
from sklspec.embedders import MAEEmbedder, load_pretrained
shipped = load_pretrained("sklspec-base")
params = {{k: v for k, v in shipped.get_params().items() if k != "weights"}}
emb = MAEEmbedder(**{{**params, "max_epochs": 1, "batch_size": 256,
    "random_state": 0, "verbose": 0}})
X = np.load({path!r}, mmap_mode="r")
base = _rss_anon_kb()
t0 = time.perf_counter()
with _PeakAnon() as peak:
    emb.fit(X)
wall = time.perf_counter() - t0
epoch = emb.history_[-1]["dur"]
before_embed = _rss_anon_kb()
t0 = time.perf_counter()
with _PeakAnon() as embed_peak:
    Z = emb.transform(X)
embed_wall = time.perf_counter() - t0
print(json.dumps({{"n": int(X.shape[0]), "width": int(X.shape[1]),
    "anon_before_mb": base / 1024, "anon_peak_mb": peak.peak / 1024,
    "fit_seconds": wall, "epoch_seconds": epoch,
    "passes_s": X.shape[0] / epoch,
    "final_loss": emb.history_[-1]["train_loss"],
    "embed_spectra_s": X.shape[0] / embed_wall,
    "embed_output_mb": Z.nbytes / 2**20,
    "embed_overhead_mb": (embed_peak.peak - before_embed) / 1024 - Z.nbytes / 2**20}}))
"""


def bench_stream(run: Run, sizes, width: int, workdir: Path):
    """Anonymous peak memory and throughput of a streamed pretraining."""
    rows = []
    for n in sizes:
        path = workdir / f"library_{n}.npy"
        run.log(f"stream: writing {n:,} x {width} ({n * width * 4 / 1e9:.2f} GB)")
        _write_library(path, n, width)
        code = _STREAM_CHILD.format(
            bench=str(Path(__file__).resolve().parent), path=str(path)
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ},
            preexec_fn=_die_with_parent,
        )
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-3000:])
        row = json.loads(out.stdout.strip().splitlines()[-1])
        row["file_gb"] = path.stat().st_size / 1e9
        rows.append(row)
        run.log(
            f"  anon peak {row['anon_peak_mb']:.0f} MB, "
            f"{row['passes_s']:,.0f} passes/s, fit {row['fit_seconds']:.0f} s"
        )
        path.unlink()
    return rows


# ------------------------------------------------------------------ compare
def bench_compare(run: Run, smoke: bool):
    """One compare: serial, n_jobs=2, a two-worker dask LocalCluster."""
    import joblib
    from sklearn.cross_decomposition import PLSRegression
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline

    from sklspec.evaluation import compare
    from sklspec.preprocessing import SNV

    n = 150 if smoke else 600
    X = _synthetic(n, 256, seed=3)
    rng = np.random.default_rng(3)
    y = X[:, 60:80].sum(1) + 0.05 * rng.standard_normal(n)
    from sklearn.frozen import FrozenEstimator
    from sklearn.preprocessing import StandardScaler

    from sklspec.embedders import VAEEmbedder, load_pretrained

    alphas = np.logspace(-4, 2, 13)
    models = {
        "PLS(8)": PLSRegression(8),
        "SNV+PLS(8)": make_pipeline(SNV(), PLSRegression(8)),
        "SNV+RidgeCV": make_pipeline(SNV(), RidgeCV(alphas=alphas)),
        "sklspec-base+RidgeCV": make_pipeline(
            FrozenEstimator(load_pretrained("sklspec-base")),
            StandardScaler(),
            RidgeCV(alphas=alphas),
        ),
        # pretrained inside every fold: the costly kind of model
        "SNV+VAE+RidgeCV": make_pipeline(
            SNV(),
            VAEEmbedder(max_epochs=2 if smoke else 100, random_state=0),
            RidgeCV(alphas=alphas),
        ),
    }

    def frame(result):
        return result.to_frame().drop(
            columns=[c for c in result.to_frame().columns if "time" in c],
            errors="ignore",
        )

    timings, tables = {}, {}
    for mode in ("serial", "n_jobs=2", "dask (2 workers)"):
        run.log(f"compare: {mode}")
        t0 = time.perf_counter()
        if mode == "serial":
            result = compare(models, X, y, cv=5, random_state=0, n_jobs=1)
        elif mode == "n_jobs=2":
            result = compare(models, X, y, cv=5, random_state=0, n_jobs=2)
        else:
            from dask.distributed import Client, LocalCluster

            with (
                LocalCluster(
                    n_workers=2,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                ) as cluster,
                Client(cluster),
            ):
                t0 = time.perf_counter()  # the cluster's start-up is not the work
                with joblib.parallel_config(backend="dask"):
                    result = compare(models, X, y, cv=5, random_state=0, n_jobs=-1)
        timings[mode] = time.perf_counter() - t0
        tables[mode] = frame(result)
    reference = tables["serial"]
    rows = []
    for mode, seconds in timings.items():
        same = reference.equals(tables[mode])
        rows.append({"mode": mode, "seconds": seconds, "same_table": same})
    return rows


# --------------------------------------------------------------------- main
def main(argv=None):
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--width", type=int, default=1700)
    p.add_argument("--n-embed", type=int, default=4096, help="spectra embedded")
    p.add_argument("--n-fit", type=int, default=1024, help="spectra of the fits")
    p.add_argument(
        "--sizes", type=int, nargs="+", default=[30_000, 300_000],
        help="on-disk library sizes (spectra)",
    )  # fmt: skip
    p.add_argument("--workdir", default=None, help="folder of the on-disk libraries")
    p.add_argument(
        "--parts", nargs="+", default=["embedders", "shapes", "stream", "compare"],
        choices=["embedders", "shapes", "stream", "compare"],
    )  # fmt: skip
    args = p.parse_args(argv)
    run = Run("speed", argv)
    if args.smoke:
        args.width, args.n_embed, args.sizes = 256, 512, [3_000, 30_000]
        args.n_fit = 512
    import torch

    gflops_runs = [matmul_gflops(1024) for _ in range(3)]
    gflops = float(np.median(gflops_runs))
    run.log(
        f"matmul: {gflops:.1f} GFLOP/s (fp32, 1024^3, "
        f"{torch.get_num_threads()} threads)"
    )
    payload = {"matmul_gflops": gflops, "matmul_runs": gflops_runs}
    body = [
        "## Yardstick",
        "",
        f"fp32 matmul (1024 × 1024 @ 1024 × 1024, torch, "
        f"{torch.get_num_threads()} threads): **{gflops:.1f} GFLOP/s** "
        f"(median of 3 × 5; runs {', '.join(f'{g:.1f}' for g in gflops_runs)}). "
        "No GPU in this run: the GPU tests (`tests/gpu`) skipped."
        if not torch.cuda.is_available()
        else f"GPU: {torch.cuda.get_device_name()}",
        "",
    ]
    if "embedders" in args.parts:
        rows = bench_embedders(
            run, gflops, args.width, args.n_embed, args.n_fit, args.smoke
        )
        payload["embedders"] = rows
        worst = min(r["embed_ratio"] for r in rows)
        body += [
            f"## Embedders ({args.width} points per spectrum)",
            "",
            f"Training: spectrum passes per second (pretext rows for "
            f"TransformRecog), the median epoch but the first of a `fit` on "
            f"{min(args.n_fit, args.n_embed):,} spectra; *train / matmul* is "
            "the FLOP rate of the training steps (forward, loss and backward, "
            "counted by torch's `FlopCounterMode`, attention on the math "
            "backend of `scaled_dot_product_attention` because the counter "
            "does not see the CPU's fused attention kernel) over the matmul "
            "rate. "
            f"Embedding: `transform` of {args.n_embed:,} spectra, spectra/s "
            "(median of 7 timings of at least 1 s each, the canonical "
            "grid's numpy resampling included for `sklspec-base`) and the "
            "network alone (`module_.embed` on its input), whose FLOP rate over "
            "the matmul rate is *embed / matmul*: each of the 7 timings is "
            "paired with a matmul yardstick measured right after it (its median "
            "is *matmul_beside_gflops*) and the ratio is the median of the 7 "
            "pairs, so that the machine's drift during the run does not enter "
            "the ratio. *inference_path_speedup*: the network's embedding rate "
            "with sklspec's inference paths (a CLS read-out's last transformer "
            "block for the CLS token alone, `sklspec.nn.PreNormBlock."
            "forward_queries`; the CNN encoder's folded batch norms) over the "
            "rate with the layers' own forward (every token through PyTorch's "
            "fused `TransformerEncoderLayer` kernel), timed right after each of "
            "the 7 timings (median of the 7 quotients; CLS read-outs and CNN "
            "embedders). "
            "*matmul_ops_ratio*: the FLOP rate of the network's matrix products "
            "and convolutions on one embedding batch, each replayed alone on its "
            "own inputs (median of 15), over a matmul yardstick measured after "
            "them: the ratio the network would reach if nothing else (norms, "
            "softmax, activations, layout copies) took time, the ceiling of its "
            "own shapes; *matmul_ops_share*: the share of the network's "
            "embedding time those calls account for at that rate. The "
            "converter's training FLOPs "
            "are not counted (its step needs the paired latent targets).",
            "",
            table(
                rows,
                [
                    "embedder",
                    "embedding",
                    "train_passes_s",
                    "train_gflop_per_pass",
                    "train_ratio",
                    "embed_spectra_s",
                    "module_spectra_s",
                    "embed_mflop_per_spectrum",
                    "matmul_beside_gflops",
                    "embed_ratio",
                    "inference_path_speedup",
                    "matmul_ops_ratio",
                    "matmul_ops_share",
                ],
                {
                    "train_passes_s": "{:,.0f}",
                    "train_gflop_per_pass": "{:.4f}",
                    "train_ratio": "{:.2f}",
                    "embed_spectra_s": "{:,.0f}",
                    "module_spectra_s": "{:,.0f}",
                    "embed_mflop_per_spectrum": "{:.2f}",
                    "matmul_beside_gflops": "{:.1f}",
                    "embed_ratio": "{:.2f}",
                    "inference_path_speedup": "{:.2f}",
                    "matmul_ops_ratio": "{:.2f}",
                    "matmul_ops_share": "{:.0%}",
                },
            ),  # fmt: skip
            "",
            f"**Bar (every embedder's embedding throughput ≥ {EMBED_BAR:.0%} of the "
            f"matmul rate): {'met' if worst >= EMBED_BAR else 'NOT met'}** — "
            "lowest: "
            + ", ".join(
                f"{r['embedder']} {r['embed_ratio']:.2f}"
                for r in sorted(rows, key=lambda r: r["embed_ratio"])[:2]
            )
            + ".",
            "",
        ]
    if "shapes" in args.parts:
        rows = bench_shapes(run, args.width, args.n_embed, args.smoke)
        payload["shapes"] = rows
        body += [
            "## What the architecture allows",
            "",
            "Not a bar: the embedding ratio of MAE encoders near the defaults "
            "(depth 2, 16-point patches; randomly initialised, since the rate "
            "does not depend on the weights), run as `MAEEmbedder` runs them "
            "(its batches of tokens and inference path), each timing paired "
            "with a matmul yardstick as above (median of the pairs). The same "
            "FLOPs at fewer heads change only the attention's shapes (fewer, "
            "longer dot products, fewer softmax rows); a wider encoder spends "
            "more of its time in matrix products but embeds fewer spectra a "
            "second.",
            "",
            table(
                rows,
                [
                    "architecture",
                    "width",
                    "pooling",
                    "embed_mflop_per_spectrum",
                    "module_spectra_s",
                    "embed_ratio",
                ],
                {
                    "embed_mflop_per_spectrum": "{:.2f}",
                    "module_spectra_s": "{:,.0f}",
                    "embed_ratio": "{:.2f}",
                },
            ),  # fmt: skip
            "",
        ]
    if "stream" in args.parts:
        workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp())
        workdir.mkdir(parents=True, exist_ok=True)
        rows = bench_stream(
            run, args.sizes, 1700 if not args.smoke else args.width, workdir
        )
        payload["stream"] = rows
        ratio = rows[-1]["anon_peak_mb"] / rows[0]["anon_peak_mb"]
        body += [
            "## Streaming pretraining from disk",
            "",
            "The shipped architecture (MAE, 256-point canonical grid, its "
            "schedule, batches of 256) pretrained for one epoch on a "
            "synthetic `.npy` library "
            "opened with `np.load(..., mmap_mode='r')`, each size in a fresh "
            "process; anonymous memory is `RssAnon` of `/proc/self/status` "
            "(before: after imports and loading; peak: sampled every 10 ms "
            "during `fit`, which includes the statistics pass). Then the "
            "trained encoder's `transform` of the whole memmap (block by "
            "block): *embed_spectra_s*, the size of its output "
            "(*embed_output_mb*) and *embed_overhead_mb*, its anonymous peak "
            "above the memory before it, less the output: what embedding "
            "needs besides the embeddings.",
            "",
            table(
                rows,
                [
                    "n",
                    "width",
                    "file_gb",
                    "anon_before_mb",
                    "anon_peak_mb",
                    "passes_s",
                    "epoch_seconds",
                    "fit_seconds",
                    "final_loss",
                    "embed_spectra_s",
                    "embed_output_mb",
                    "embed_overhead_mb",
                ],
                {
                    "n": "{:,}",
                    "file_gb": "{:.2f}",
                    "anon_before_mb": "{:.0f}",
                    "anon_peak_mb": "{:.0f}",
                    "passes_s": "{:,.0f}",
                    "epoch_seconds": "{:.1f}",
                    "fit_seconds": "{:.1f}",
                    "final_loss": "{:.4f}",
                    "embed_spectra_s": "{:,.0f}",
                    "embed_output_mb": "{:,.0f}",
                    "embed_overhead_mb": "{:,.0f}",
                },
            ),  # fmt: skip
            "",
            f"**Bar (anonymous peak at {rows[-1]['n']:,} within {MEMORY_BAR}× of "
            f"the {rows[0]['n']:,} figure): "
            f"{'met' if ratio <= MEMORY_BAR else 'NOT met'}** — {ratio:.2f}×.",
            "",
        ]
    if "compare" in args.parts:
        rows = bench_compare(run, args.smoke)
        payload["compare"] = rows
        same = all(r["same_table"] for r in rows)
        body += [
            "## One comparison: serial, n_jobs=2, dask",
            "",
            "`compare` of 5 models × 5 folds on synthetic spectra (PLS, "
            "SNV + PLS, SNV + RidgeCV, the frozen shipped encoder + RidgeCV, "
            "SNV + a VAE pretrained in every fold + RidgeCV) "
            "(one flat joblib loop over model × split); dask: a two-worker "
            "`LocalCluster` (processes, one thread each) through "
            "`joblib.parallel_config(backend='dask')`, timed after the "
            "cluster started. *same_table*: the scores table (times dropped) "
            "equals the serial one exactly.",
            "",
            table(rows, ["mode", "seconds", "same_table"], {"seconds": "{:.2f}"}),
            "",
            f"**Bar (the dask run gives the same table as the serial one): "
            f"{'met' if same else 'NOT met'}**.",
            "",
        ]
    run.write(
        "Speed: training, embedding, streaming, comparisons",
        "\n".join(body),
        payload,
        args.output,
    )


if __name__ == "__main__":
    main()
