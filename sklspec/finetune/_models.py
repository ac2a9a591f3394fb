"""The self-supervised pipelines that ``sklspec demo`` / ``compare`` run."""

from __future__ import annotations

import functools
import time

from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ..embedders import MAEEmbedder, TransformRecogEmbedder, VAEEmbedder
from ..preprocessing import SNV
from ._base import FineTunedClassifier, FineTunedRegressor

__all__ = ["make_ssl_models"]

# Schedules. "quick" keeps `sklspec demo` under three minutes on two CPU
# cores (a narrower CNN, 10 pretraining and 60 fine-tuning epochs at a larger
# learning rate); "full" is the paper's network and schedule (32/64/128
# filters, 100 pretraining and 250 fine-tuning epochs, Adam 1e-4, batch 32).
# Both use SNV before the network and pretext magnitudes at which offset and
# multiplication are recognisable (see benchmarks/results/transform_recog.md,
# Table 3: at the paper's literal 0.1 x std they stay at chance level).
_PRETEXT = dict(noise_scale=0.1, offset_scale=0.5, factor_range=(0.5, 1.5))
_QUICK = {
    "embedder": dict(
        channels=(16, 32, 64),
        hidden=(64,),
        max_epochs=10,
        batch_size=64,
        lr=1e-3,
        **_PRETEXT,
    ),
    "finetune": dict(head_hidden=(64,), max_epochs=60, lr=1e-3),
    # MAEEmbedder's CPU defaults (16-point patches, 64-d) with 2 blocks, 30 epochs
    "mae": dict(depth=2, max_epochs=30, lr=2e-3, warmup_epochs=3),
    "vae": dict(latent_dim=16, hidden=(256, 128), beta=0.1, max_epochs=60),
}
_FULL = {
    "embedder": dict(max_epochs=100, **_PRETEXT),
    "finetune": dict(max_epochs=250),
    "mae": dict(max_epochs=200, lr=2e-3, warmup_epochs=10),
    "vae": dict(beta=0.1, max_epochs=200),
}
# name prefix -> (settings key, embedder class, the models built on it)
_EMBEDDERS = {
    "SSL-CNN": (
        "embedder",
        TransformRecogEmbedder,
        ("fine-tuned", "embedding + linear"),
    ),
    "SSL-MAE": ("mae", MAEEmbedder, ("embedding + linear",)),
    "SSL-VAE": ("vae", VAEEmbedder, ("embedding + linear",)),
}


def make_ssl_models(
    task: str = "classification",
    *,
    random_state=0,
    quick: bool = True,
    X_unlabeled=None,
    include=None,
    verbose: int = 0,
):
    """Return the self-supervised models: name -> (estimator, param_grid).

    Two ways to pretrain, both of which keep test spectra out of pretraining:

    - ``X_unlabeled`` given (a separate pool of unlabelled spectra, the
      situation sklspec is made for): the embedder is pretrained **once** on
      that pool here, and the models reuse it through
      :class:`~sklearn.frozen.FrozenEstimator` (fine-tuning copies the
      encoder; the pretrained embedder itself is never modified).
    - ``X_unlabeled=None``: every model pretrains its own embedder inside
      ``fit``, on the training spectra of the current fold only.

    Parameters
    ----------
    task : {"classification", "regression"}, default="classification"
        The downstream task.
    random_state : int, default=0
        Seed of every model.
    quick : bool, default=True
        Short schedule on a narrower network (see the module source) instead
        of the paper's 100 / 250 epochs.
    X_unlabeled : array-like of shape (n_unlabeled, n_points), optional
        Unlabelled spectra to pretrain on once.
    include : list of str, optional
        Return only these models (exact names, as listed below); only their
        embedders are pretrained. Unknown names raise ``ValueError``.
    verbose : int, default=0
        1 prints the pretraining time.

    Returns
    -------
    models : dict
        ``"SSL-CNN fine-tuned"`` (SNV, then :class:`FineTunedClassifier` or
        :class:`FineTunedRegressor` on a
        :class:`~sklspec.embedders.TransformRecogEmbedder`), and three
        frozen-embedding pipelines (SNV, the embedding, standardised, under
        logistic regression or ridge): ``"SSL-CNN embedding + linear"``,
        ``"SSL-MAE embedding + linear"``
        (:class:`~sklspec.embedders.MAEEmbedder`) and
        ``"SSL-VAE embedding + linear"``
        (:class:`~sklspec.embedders.VAEEmbedder`), each with an empty grid.
        The CNN's pretext magnitudes are ``noise_scale=0.1, offset_scale=0.5,
        factor_range=(0.5, 1.5)``. With ``X_unlabeled``, each embedder is
        pretrained once, on the SNV-corrected pool.
    """
    if task not in ("classification", "regression"):
        raise ValueError(
            f"task must be 'classification' or 'regression', got {task!r}."
        )
    settings = _QUICK if quick else _FULL
    names = [f"{p} {kind}" for p, (*_, kinds) in _EMBEDDERS.items() for kind in kinds]
    if include is not None:
        unknown = sorted(set(include) - set(names))
        if unknown:
            raise ValueError(
                f"unknown self-supervised model(s) {unknown}; available: {names}."
            )
        names = [n for n in names if n in include]
    if task == "classification":
        linear = LogisticRegression(max_iter=2000)
    else:
        linear = RidgeCV(alphas=(0.01, 0.1, 1.0, 10.0, 100.0))
    X_snv = None if X_unlabeled is None else SNV().fit_transform(X_unlabeled)
    models = {}
    for prefix, (key, cls, kinds) in _EMBEDDERS.items():
        wanted = [kind for kind in kinds if f"{prefix} {kind}" in names]
        if not wanted:
            continue
        make = functools.partial(cls, **settings[key], random_state=random_state)
        if X_snv is not None:
            t0 = time.perf_counter()
            fitted = make().fit(X_snv)
            if verbose:
                print(
                    f"pretrained {cls.__name__} on {len(X_snv)} unlabelled "
                    f"spectra in {time.perf_counter() - t0:.1f} s",
                    flush=True,
                )
            source = functools.partial(FrozenEstimator, fitted)
        else:
            source = make
        if "fine-tuned" in wanted:
            tuner = (
                FineTunedClassifier if task == "classification" else FineTunedRegressor
            )
            tuned = tuner(source(), **settings["finetune"], random_state=random_state)
            models[f"{prefix} fine-tuned"] = (
                Pipeline([("snv", SNV()), ("model", tuned)]),
                {},
            )
        if "embedding + linear" in wanted:
            probe = Pipeline(
                [
                    ("snv", SNV()),
                    ("embed", source()),
                    ("scale", StandardScaler()),
                    ("model", clone(linear)),
                ]
            )
            models[f"{prefix} embedding + linear"] = (probe, {})
    return models
