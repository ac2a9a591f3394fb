"""Pretraining on the synthetic spectral prior: objectives, the run, the card."""

from __future__ import annotations

import json
import platform
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .._torch import (
    CHECKPOINT_FILES,
    StepStream,
    _warmup_cosine,
    derive_seed,
    lr_scheduler,
    resolve_device,
    seeded,
    train_module,
)
from .._version import __version__
from ..augmentation import make_pretext_dataset
from ..datasets import SpectralPrior
from ..nn import (
    ForwardLoss,
    MaskedAutoencoder1d,
    MultiTaskBCELoss,
    TransformRecognitionModel,
)
from ..preprocessing import CanonicalGrid

__all__ = [
    "OBJECTIVES",
    "REAL_SOURCES",
    "load_real_spectra",
    "pretrain",
    "write_model_card",
]

#: Pretraining objectives compared in ``benchmarks/pretrained.py``:
#: masked reconstruction, the transformation-recognition pretext, and that
#: pretext plus VICReg invariance across the prior's paired views.
OBJECTIVES = ("mae", "transform", "hybrid")

#: Pretext magnitudes of the transformation task on SNV spectra (the
#: TransformRecogEmbedder defaults, relative to a standard deviation of 1).
_PRETEXT = dict(noise_scale=0.1, offset_scale=0.5, factor_range=(0.5, 1.5))


#: Real unlabelled spectra that pretraining can mix into the prior stream:
#: name -> (package, extra, description). MIT-licensed, none of them a
#: benchmark set.
REAL_SOURCES = {
    "earthlib": (
        "earthlib",
        "pretrain",
        "earthlib's spectral library: 7,261 vis-SWIR reflectance spectra "
        "(0.4-2.45 um, 180 bands; soils incl. ICRAF-ISRIC, vegetation, "
        "impervious surfaces)",
    ),
    "chemotools": (
        "chemotools",
        "pretrain",
        "chemotools' fermentation ATR-FTIR spectra (train + test, 1,650 spectra, "
        "1,047 points); its coffee set is left out (a benchmark set's kin)",
    ),
}


def _read_source(name: str):
    """Spectra and axis of one real source."""
    if name == "earthlib":
        import earthlib

        lib = earthlib.full_library
        return np.asarray(lib.data, dtype=np.float64), np.asarray(
            lib.sensor.band_centers, dtype=np.float64
        )
    from chemotools.datasets import load_fermentation_test, load_fermentation_train

    frames = [load_fermentation_train()[0], load_fermentation_test()[0]]
    axis = np.asarray(frames[0].columns, dtype=np.float64)
    return np.vstack([f.to_numpy(dtype=np.float64) for f in frames]), axis


def load_real_spectra(sources=("earthlib", "chemotools"), *, n_points: int = 256):
    """Real unlabelled spectra on the canonical grid, to mix into pretraining.

    Parameters
    ----------
    sources : sequence of str, default=("earthlib", "chemotools")
        Names of :data:`REAL_SOURCES`; each needs its package
        (``pip install "sklspec[pretrain]"``).
    n_points : int, default=256
        Canonical grid width.

    Returns
    -------
    X : ndarray of shape (n_spectra, n_points), float32
        Every spectrum resampled over its own range and SNV-normalised
        (:class:`~sklspec.preprocessing.CanonicalGrid`), all sources stacked.
    counts : dict
        Spectra per source.

    Raises
    ------
    ValueError
        If a source name is unknown.
    ImportError
        If a source's package is missing, naming the extra to install.
    """
    parts, counts = [], {}
    for name in sources:
        if name not in REAL_SOURCES:
            raise ValueError(
                f"Unknown real-spectra source {name!r}; choose from "
                f"{list(REAL_SOURCES)}."
            )
        package, extra, _ = REAL_SOURCES[name]
        try:
            X, axis = _read_source(name)
        except ImportError as exc:
            raise ImportError(
                f"The real spectra of {name!r} need the {package} package: "
                f'pip install "sklspec[{extra}]" ({exc}).'
            ) from exc
        keep = np.isfinite(X).all(axis=1) & (np.ptp(X, axis=1) > 0)
        grid = CanonicalGrid(n_points=n_points, wavelengths=axis, keep_stats=False)
        parts.append(grid.fit(X[keep]).transform(X[keep]).astype(np.float32))
        counts[name] = int(keep.sum())
    if not parts:
        return np.zeros((0, n_points), dtype=np.float32), counts
    return np.vstack(parts), counts


def vicreg_loss(z1, z2, *, sim=25.0, var=25.0, cov=1.0, eps=1e-4):
    """VICReg loss (Bardes et al. 2022) between two batches of projections.

    Parameters
    ----------
    z1, z2 : torch.Tensor of shape (N, D)
        Projections of the two views of the same N samples.
    sim, var, cov : float
        Weights of the invariance (MSE), variance (hinge on the standard
        deviation of each dimension) and covariance (off-diagonal squares)
        terms; the paper's 25 / 25 / 1.
    eps : float
        Added to the variance before the square root.

    Returns
    -------
    loss : torch.Tensor
        Scalar.
    """
    n, d = z1.shape
    invariance = torch.nn.functional.mse_loss(z1, z2)
    loss = sim * invariance
    for z in (z1, z2):
        z = z - z.mean(dim=0)
        std = torch.sqrt(z.var(dim=0) + eps)
        c = (z.T @ z) / max(n - 1, 1)
        off = c.pow(2).sum() - c.diagonal().pow(2).sum()
        loss = loss + var * torch.relu(1.0 - std).mean() + cov * off / d
    return loss


class _Hybrid(nn.Module):
    """Transformation-recognition model plus a VICReg projector (training only)."""

    def __init__(self, model: TransformRecognitionModel, dim: int = 256):
        super().__init__()
        self.model = model
        width = 2 * model.net.encoder.out_channels  # avgmax pooling
        self.projector = nn.Sequential(
            nn.Linear(width, dim),
            nn.BatchNorm1d(dim),
            nn.ReLU(),
            nn.Linear(dim, dim),
        )


def _build(objective: str, n_points: int, channels, embed_dim: int, depth: int):
    """The module of `objective` and the embedder class and parameters."""
    from ..embedders import MAEEmbedder, TransformRecogEmbedder

    if objective == "mae":
        arch = dict(
            patch_size=16,
            embed_dim=embed_dim,
            depth=depth,
            num_heads=4,
            decoder_dim=64,
            decoder_depth=1,
            decoder_heads=4,
            mlp_ratio=4.0,
            mask_ratio=0.5,
            loss_on_visible=False,
            normalize=None,
        )
        module = MaskedAutoencoder1d(n_points, pooling="avg", **arch)
        params = dict(arch, pooling="avg")
        return module, MAEEmbedder, params
    arch = dict(channels=tuple(int(c) for c in channels), hidden=(128,), dropout=0.1)
    model = TransformRecognitionModel(n_points, n_tasks=7, kernel_size=3, **arch)
    params = dict(arch, kernel_size=3, layer=len(arch["channels"]), **_PRETEXT)
    params["pooling"] = "avgmax"
    module = _Hybrid(model) if objective == "hybrid" else model
    return module, TransformRecogEmbedder, params


class _Objective(nn.Module):
    """The pretraining loss of `objective` as a module skorch trains.

    ``forward`` takes one prepared batch (see :func:`_prepare`) by keyword
    and returns the scalar loss (:class:`~sklspec.nn.ForwardLoss` is the
    criterion); ``net`` is the module being pretrained (its parameters are
    the only ones, in its own order).
    """

    def __init__(self, objective: str, net: nn.Module):
        super().__init__()
        self.objective = objective
        self.net = net
        self.bce = MultiTaskBCELoss()

    def forward(self, x, y=None, x1=None, x2=None):
        """Loss of a batch: ``x`` spectra (MAE) or pretext rows with labels
        ``y``; for the hybrid also the two views ``x1``, ``x2``."""
        if self.objective == "mae":
            return self.net(x)[0]
        if self.objective == "transform":
            return self.bce(self.net(x), y)
        x, y = (v.transpose(0, 1).flatten(0, 1) for v in (x, y))  # (7 n, ...)
        tr = self.bce(self.net.model(x), y)
        z = self.net.projector(
            self.net.model.embed(torch.cat([x1, x2]), pooling="avgmax")
        )
        z1, z2 = z[: len(x1)], z[len(x1) :]
        return tr + 0.04 * vicreg_loss(z1, z2)


def _prepare(objective: str, batch: dict) -> dict:
    """The keyword inputs of :class:`_Objective` from one prior batch: the
    pretext rows are drawn here, with the batch's own generator."""
    if objective == "mae":
        return {"x": batch["X"]}
    X7, Y, _ = make_pretext_dataset(
        batch["X"],
        random_state=batch["rng"],
        n_segments=4,
        reference_std=1.0,
        **_PRETEXT,
    )
    out = {"x": X7.astype(np.float32), "y": Y.astype(np.float32)}
    if objective == "hybrid":
        # skorch needs one length for every input: the 7 pretext rows of a
        # sample are folded onto its axis, (7 n, ...) -> (n, 7, ...)
        n = len(batch["X"])
        for key in ("x", "y"):
            out[key] = np.swapaxes(out[key].reshape(7, n, *out[key].shape[1:]), 0, 1)
        out.update(x1=batch["X"], x2=batch["X2"])
    return out


def _check_resume(directory: Path, resume: bool) -> None:
    """Refuse a checkpoint to be overwritten (train_module refuses a file)."""
    if (directory / CHECKPOINT_FILES["f_history"]).is_file() and not resume:
        raise ValueError(
            f"{str(directory)!r} holds the checkpoint of an earlier run: pass "
            "resume=True (sklspec pretrain --resume) to continue it, or "
            "remove the directory to start over."
        )


def _rows_per_step(objective: str, batch_size: int) -> int:
    return {"mae": 1, "transform": 7, "hybrid": 9}[objective] * batch_size


def pretrain(
    objective: str = "mae",
    *,
    n_passes: int = 1_000_000,
    batch_size: int = 64,
    n_points: int = 256,
    channels=(32, 64, 128),
    embed_dim: int = 64,
    depth: int = 2,
    pooling: str | None = None,
    lr: float = 2e-3,
    warmup: float = 0.03,
    prior_params: dict | None = None,
    real_spectra=None,
    real_fraction: float = 0.1,
    device: str = "cpu",
    checkpoint=None,
    checkpoint_every: int = 200,
    resume: bool = False,
    random_state: int = 0,
    verbose: int = 1,
):
    """Pretrain an encoder on the synthetic prior, streaming, and return it fitted.

    Every step draws a fresh batch of :class:`~sklspec.datasets.SpectralPrior`
    spectra (paired views for ``"hybrid"``), seeded by the step, maps it onto
    the encoder's canonical grid (SNV) and takes one AdamW step. Training is
    :func:`sklspec._torch.train_module` (skorch) on a stream of those
    batches, `checkpoint_every` steps to an epoch: no spectrum is stored,
    memory is flat, and with a `checkpoint` directory (skorch's
    ``Checkpoint`` after every epoch, ``LoadInitState`` on ``resume``) an
    interrupted run resumes to the very weights of an uninterrupted one.

    Parameters
    ----------
    objective : {"mae", "transform", "hybrid"}, default="mae"
        ``"mae"``: masked reconstruction (:class:`~sklspec.nn.MaskedAutoencoder1d`,
        patch 16, half the patches hidden). ``"transform"``: the
        transformation-recognition pretext
        (:class:`~sklspec.nn.TransformRecognitionModel`, seven binary heads).
        ``"hybrid"``: that pretext on view 1 plus 0.04 x VICReg between the
        pooled embeddings of the two views of each sample (one sample on two
        simulated instruments), through a 256-d projector dropped afterwards.
    n_passes : int, default=1_000_000
        Budget in spectrum passes (rows through the network; the pretext
        makes 7 rows of each spectrum, the hybrid 9): ``n_passes //
        rows_per_step`` optimiser steps.
    batch_size : int, default=64
        Prior spectra (samples) per step.
    n_points : int, default=256
        Canonical grid width (the prior's output width).
    channels : tuple of int, default=(32, 64, 128)
        CNN blocks (``"transform"``, ``"hybrid"``).
    embed_dim, depth : int, default=64, 2
        MAE token width and encoder blocks (``"mae"``).
    pooling : str or None, default=None
        Read-out of the returned embedder (its ``pooling`` parameter, which
        can be changed after fitting); None: ``"avg"`` for the MAE,
        ``"avgmax"`` for the CNN. The shipped ``sklspec-base`` uses
        ``"flatten"`` (``benchmarks/results/pretrained_objectives.md``).
    lr : float, default=2e-3
        Peak learning rate (linear warm-up over `warmup` of the steps, then
        cosine decay).
    warmup : float, default=0.03
        Fraction of the steps spent warming up.
    prior_params : dict or None, default=None
        Parameters of :class:`~sklspec.datasets.SpectralPrior` (its defaults:
        NIR, MIR and Raman equally).
    real_spectra : sequence of str or None, default=None
        Real unlabelled spectra to mix in as a minority stream: names of
        :data:`REAL_SOURCES` (see :func:`load_real_spectra`). They are mapped
        onto the grid once (a fixed pool of a few MB) and every step replaces
        `real_fraction` of its prior spectra with spectra drawn from the pool
        (for ``"hybrid"``, a real spectrum is its own second view). None:
        the prior alone.
    real_fraction : float, default=0.1
        Share of each batch drawn from `real_spectra`.
    device : str, default="cpu"
        Torch device (``"cuda"`` where a GPU exists).
    checkpoint : path-like or None, default=None
        Directory of the training state (module, optimiser, history and the
        run's fingerprint), written after every epoch. One that already holds
        a checkpoint is refused unless `resume`.
    checkpoint_every : int, default=200
        Optimiser steps per epoch, hence between checkpoints.
    resume : bool, default=False
        Continue the run in `checkpoint` (refused if its parameters differ);
        a finished run is only loaded.
    random_state : int, default=0
        Seeds the weights, the prior stream and every step.
    verbose : int, default=1
        1 shows a progress bar over the epochs with the loss; 2 also one line
        per epoch and a bar over the steps.

    Returns
    -------
    embedder : TransformRecogEmbedder or MAEEmbedder
        Fitted, with ``grid=n_points`` (any width and axis in) and
        ``max_epochs=0``; ``save_pretrained(path)`` writes it. Its
        ``history_`` has one row per epoch (``train_loss``, ``dur``, and
        ``step`` and ``passes`` done by the epoch's end).

    Raises
    ------
    ValueError
        For an unknown objective, a `checkpoint` that is a file, or one that
        holds an earlier run and `resume` is False.
    FloatingPointError
        At the first non-finite loss.
    KeyboardInterrupt
        On Ctrl-C; the checkpoint keeps the epochs completed before it.

    Examples
    --------
    >>> from sklspec.pretrained import pretrain
    >>> enc = pretrain("transform", n_passes=2000, batch_size=16, n_points=64,
    ...                channels=(4, 8), verbose=0)
    >>> enc.training_summary_["steps"], enc.transform(np.ones((2, 90)).cumsum(1)).shape
    (17, (2, 20))
    """
    if objective not in OBJECTIVES:
        raise ValueError(
            f"Unknown objective {objective!r}; choose from {list(OBJECTIVES)}."
        )
    if checkpoint is not None:
        _check_resume(Path(checkpoint), resume)
    seed = derive_seed(int(random_state))
    rows = _rows_per_step(objective, int(batch_size))
    n_steps = max(1, int(n_passes) // rows)
    prior_params = dict(prior_params or {})
    prior = SpectralPrior(n_points=n_points, **prior_params)
    grid = CanonicalGrid(n_points=n_points, keep_stats=False)
    grid.fit(np.zeros((1, n_points)))
    paired = objective == "hybrid"
    pool, counts = None, {}
    if real_spectra:
        if not 0.0 < float(real_fraction) < 1.0:
            raise ValueError(f"real_fraction must be in (0, 1), got {real_fraction}.")
        pool, counts = load_real_spectra(tuple(real_spectra), n_points=n_points)
    n_real = 0 if pool is None else max(1, int(round(real_fraction * batch_size)))

    def batch_at(step: int) -> dict:
        ss = np.random.SeedSequence([seed, step])
        b = next(prior.stream(int(batch_size), paired=paired, random_state=ss))
        picks, rng = ss.spawn(2)
        out = {
            "X": grid.transform(b.X1 if paired else b.X).astype(np.float32),
            "rng": np.random.default_rng(rng),
        }
        if paired:
            out["X2"] = grid.transform(b.X2).astype(np.float32)
        if n_real:
            idx = np.random.default_rng(picks).integers(len(pool), size=n_real)
            out["X"][:n_real] = pool[idx]
            if paired:
                out["X2"][:n_real] = pool[idx]
        return out

    with seeded(seed):
        module, est_cls, params = _build(
            objective, n_points, channels, embed_dim, depth
        )
    from skorch.callbacks import GradientNormClipping

    inner = module.model if objective == "hybrid" else module
    inner.fit_input_statistics(batch_at(0)["X"])
    stream = StepStream(
        lambda step: _prepare(objective, batch_at(step)),
        n_steps=n_steps,
        steps_per_epoch=checkpoint_every,
        seed=seed,
        rows_per_step=rows,
    )
    warm = max(1, int(warmup * n_steps))
    fingerprint = {
        "run": "sklspec.pretrained.pretrain",
        "objective": objective,
        "steps": n_steps,
        "steps_per_epoch": stream.steps_per_epoch,
        "batch_size": int(batch_size),
        "n_points": int(n_points),
        "channels": list(channels),
        "embed_dim": int(embed_dim),
        "depth": int(depth),
        "lr": float(lr),
        "warmup": float(warmup),
        "prior_params": prior_params,
        "real_spectra": sorted(real_spectra) if real_spectra else None,
        "real_fraction": float(real_fraction) if real_spectra else None,
        "random_state": int(random_state),
    }
    t0 = time.perf_counter()
    try:
        _, history = train_module(
            _Objective(objective, module),
            stream,
            None,
            criterion=ForwardLoss,
            lr=lr,
            max_epochs=stream.n_epochs,
            batch_size=int(batch_size),
            device=device,
            seed=seed,
            verbose=verbose,
            optimizer=torch.optim.AdamW,
            optimizer__betas=(0.9, 0.95),
            optimizer__weight_decay=0.05,
            callbacks=[
                ("clip", GradientNormClipping(gradient_clip_value=1.0)),
                (
                    "schedule",
                    lr_scheduler(
                        torch.optim.lr_scheduler.LambdaLR,
                        step_every="batch",
                        lr_lambda=lambda k: _warmup_cosine(k, warm, n_steps),
                    ),
                ),
            ],
            checkpoint=checkpoint,
            fingerprint=fingerprint,
        )
    except KeyboardInterrupt as exc:
        if checkpoint is None:
            raise
        raise KeyboardInterrupt(
            f"pretraining was interrupted (Ctrl-C); the checkpoint in "
            f"{str(checkpoint)!r} holds the epochs completed before it: call "
            "pretrain again with the same arguments and resume=True (sklspec "
            "pretrain --resume) to continue."
        ) from exc
    wall = time.perf_counter() - t0
    inner = inner.cpu().eval()  # trained in place
    if pooling is not None:
        params["pooling"] = pooling
    est = est_cls(grid=n_points, max_epochs=0, random_state=int(random_state), **params)
    est.n_features_in_ = n_points
    est.wavelengths_in_ = None
    est._fit_grid_unseen()
    est.module_ = inner
    est.history_ = history
    last = history[-1] if history else {}
    est.training_summary_ = {
        "objective": objective,
        "prior": "sklspec.datasets.SpectralPrior",
        "prior_params": {"n_points": n_points, **prior_params},
        "real_spectra": (
            None
            if not counts
            else {
                "sources": counts,
                "fraction": float(real_fraction),
                "per_step": n_real,
            }
        ),
        "steps": n_steps,
        "batch_size": int(batch_size),
        "passes": int(last.get("passes", 0)),
        "train_seconds": round(float(sum(row.get("dur", 0.0) for row in history)), 3),
        "wall_seconds_this_run": round(wall, 3),
        "final_loss": float(last["train_loss"]) if history else None,
        "lr": lr,
        "device": str(resolve_device(device)),
        "threads": torch.get_num_threads(),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "seed": int(random_state),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "sklspec_version": __version__,
        "initial_weights": None,
    }
    est._set_fitted_attributes()
    return est


def _real_lines(real) -> list[str]:
    if not real:
        return ["- No real spectrum was seen in pretraining."]
    lines = [
        f"- Real unlabelled spectra as a minority stream: {real['per_step']} of "
        f"each batch (fraction {real['fraction']:g}), drawn from a pool of:"
    ]
    for name, n in real["sources"].items():
        lines.append(f"  - {n:,} spectra: {REAL_SOURCES[name][2]} (MIT licence).")
    return lines


def write_model_card(path, *, name: str, results: str | None = None) -> Path:
    """Write ``MODEL_CARD.md`` next to a saved pretrained encoder.

    Everything on the card is read from the directory's ``config.json`` (the
    training summary that :func:`pretrain` records) or passed in `results`
    (the benchmark figures, as written by ``benchmarks/pretrained.py``).

    Parameters
    ----------
    path : path-like
        Directory written by ``save_pretrained``.
    name : str
        The encoder's name (e.g. ``"sklspec-base"``).
    results : str or None, default=None
        Markdown of the benchmark figures; None writes that none were run.

    Returns
    -------
    card : pathlib.Path
        The card file.
    """
    path = Path(path)
    config = json.loads((path / "config.json").read_text())
    t = config.get("training") or {}
    p = config["params"]
    real = t.get("real_spectra")
    real_flag = (
        f"--real {' '.join(real['sources'])} --real-fraction {real['fraction']:g} "
        if real
        else ""
    )
    arch = (
        f"1-D CNN, blocks {p.get('channels')}, kernel {p.get('kernel_size')}, "
        f"read-out: block {p.get('layer')} pooled {p.get('pooling')}"
        if config["class"] == "TransformRecogEmbedder"
        else f"MAE transformer, {p.get('depth')} blocks of width "
        f"{p.get('embed_dim')}, patch {p.get('patch_size')}, pooled "
        f"{p.get('pooling')}"
    )
    n_params = sum(int(np.prod(s)) for s in config.get("tensors", {}).values())
    size = (path / "model.safetensors").stat().st_size
    objective = {
        "mae": "masked reconstruction (half the 16-point patches hidden)",
        "transform": "transformation recognition (7 binary heads: original, "
        "noise, offset, multiplication, horizontal and vertical flip, "
        "segment permutation)",
        "hybrid": "transformation recognition plus 0.04 x VICReg between the "
        "pooled embeddings of two simulated instruments measuring the same "
        "sample",
    }.get(t.get("objective"), str(t.get("objective")))
    lines = [
        f"# Model card: {name}",
        "",
        f"*Written by `sklspec.pretrained.write_model_card` from `config.json` "
        f"on {datetime.now(timezone.utc).strftime('%Y-%m-%d')}.*",
        "",
        "## What it is",
        f"- Embedder: `{config['class']}` ({arch}); {n_params:,} parameters, "
        f"{size / 1e6:.2f} MB of safetensors.",
        f"- Objective: {objective}.",
        f"- Output: {config['n_features_out']} features: the pooled encoder "
        "features, then four columns of side information (offset, scale, "
        "range start, range stop of each input spectrum).",
        "",
        "## Expected input",
        f"- Any spectrum of at least 16 points, any width and axis: every "
        f"spectrum is resampled over its own range onto {config['n_features_in']} "
        "evenly spaced points and SNV-normalised "
        "(`sklspec.preprocessing.CanonicalGrid`) before the encoder. The axis "
        "comes from DataFrame column names; arrays are read on their column "
        "index. Raw spectra, no SNV in front (the embedder does it, and keeps "
        "the removed offset and scale as features).",
        "- Trained on NIR (nm), MIR/FTIR and Raman (cm-1) shapes; it was never "
        "shown XRF.",
        "",
        "## Data",
        f"- Synthetic spectra of `{t.get('prior')}` "
        f"(parameters {t.get('prior_params')}): Voigt-band libraries, "
        "Beer-Lambert mixing, scatter, baselines, shift/stretch, line-shape "
        "broadening, heteroscedastic noise, random ranges and point densities.",
        *_real_lines(real),
        "- None of the benchmark sets (`SKLSPEC_DATA`) was seen in pretraining.",
        "",
        "## Compute",
        f"- {t.get('steps'):,} steps of {t.get('batch_size')} samples, "
        f"{t.get('passes'):,} spectrum passes, {t.get('train_seconds', 0):.0f} s "
        f"of training on {t.get('device')} ({t.get('threads')} threads, "
        f"{t.get('machine')}), final loss {t.get('final_loss')}.",
        f"- sklspec {t.get('sklspec_version')}, torch {config.get('torch_version')}, "
        f"seed {t.get('seed')}, date {t.get('date')}.",
        f"- Reproduce: `sklspec pretrain --objective {t.get('objective')} "
        f"--passes {t.get('passes')} --batch-size {t.get('batch_size')} "
        f"--pooling {p.get('pooling')} {real_flag}"
        f"--seed {t.get('seed')} --output DIR`.",
        "",
        "## Licence",
        "- BSD-3-Clause, as sklspec. The weights derive from the synthetic "
        "prior and, where listed under Data, MIT-licensed spectra.",
        "",
        "## Benchmark figures",
        results.strip()
        if results
        else "- None yet: run `python benchmarks/pretrained.py`.",
        "",
    ]
    card = path / "MODEL_CARD.md"
    card.write_text("\n".join(lines))
    return card
