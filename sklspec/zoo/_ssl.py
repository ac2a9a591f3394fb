"""The self-supervised models of the zoo (what ``sklspec demo`` runs).

Every model is SNV, then a self-supervised embedder: fine-tuned end to end
under an MLP head (:class:`~sklspec.finetune.FineTunedClassifier` /
:class:`~sklspec.finetune.FineTunedRegressor`), or frozen, standardised and
under a linear model ("embedding + linear"). The embedders are built with
their class defaults except for the settings of :data:`_SSL_SETTINGS`.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import time

from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ._spec import _spec

# The settings of the self-supervised models that differ from the class
# defaults, per schedule and class ("FineTuned" is FineTunedClassifier and
# FineTunedRegressor). The class defaults *are* the quick schedule (made for a
# CPU: `sklspec demo` stays under three minutes on two cores), so "quick" is
# empty; the zoo tests check that no entry repeats a default. "full" is the
# papers' networks and schedules (CNN: 32/64/128 filters, 100 pretraining and
# 250 fine-tuning epochs, Adam 1e-4, batch 32), keeping pretext magnitudes at
# which offset and multiplication are recognisable (see
# benchmarks/results/transform_recog.md, Table 3: at the paper's literal
# 0.1 x std they stay at chance level).
_SSL_SETTINGS = {
    "quick": {},
    "full": {
        "TransformRecogEmbedder": dict(
            channels=(32, 64, 128),
            hidden=(256, 128),
            max_epochs=100,
            batch_size=32,
            lr=1e-4,
        ),
        "FineTuned": dict(head_hidden=(256, 128), max_epochs=250, lr=1e-4),
        "MAEEmbedder": dict(depth=4, max_epochs=200, warmup_epochs=10),
        "VAEEmbedder": dict(latent_dim=32, hidden=(512, 256), max_epochs=200),
    },
}


def _settings(key: str, quick: bool) -> dict:
    return dict(_SSL_SETTINGS["quick" if quick else "full"].get(key, {}))


def make_embedder(name: str, *, quick: bool = True, random_state=None):
    """Build the unfitted embedder ``name`` (a class of :mod:`sklspec.embedders`)."""
    from .. import embedders

    cls = getattr(embedders, name)
    return cls(**_settings(name, quick), random_state=random_state)


def pretrain(name: str, X_snv, *, quick: bool, random_state, verbose: int = 0):
    """Fit the embedder ``name`` once on SNV-corrected unlabelled spectra."""
    t0 = time.perf_counter()
    fitted = make_embedder(name, quick=quick, random_state=random_state).fit(X_snv)
    if verbose:
        print(
            f"pretrained {name} on {len(X_snv)} unlabelled "
            f"spectra in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
    return fitted


def _embedder(name, quick, random_state, pretrained):
    """A fresh embedder to pretrain in ``fit``, or the pretrained one, frozen."""
    if pretrained is not None:
        return FrozenEstimator(pretrained)
    return make_embedder(name, quick=quick, random_state=random_state)


def _fine_tuned(embedder: str):
    def factory(task, random_state, *, quick=True, pretrained=None):
        from ..finetune import FineTunedClassifier, FineTunedRegressor
        from ..preprocessing import SNV

        tuner = FineTunedClassifier if task == "classification" else FineTunedRegressor
        tuned = tuner(
            _embedder(embedder, quick, random_state, pretrained),
            **_settings("FineTuned", quick),
            random_state=random_state,
        )
        return Pipeline([("snv", SNV()), ("model", tuned)]), {}

    return factory


def _linear_probe(embedder: str):
    def factory(task, random_state, *, quick=True, pretrained=None):
        from sklearn.linear_model import LogisticRegression, RidgeCV

        from ..preprocessing import SNV

        if task == "classification":
            linear = LogisticRegression(max_iter=2000)
        else:
            linear = RidgeCV(alphas=(0.01, 0.1, 1.0, 10.0, 100.0))
        pipe = Pipeline(
            [
                ("snv", SNV()),
                ("embed", _embedder(embedder, quick, random_state, pretrained)),
                ("scale", StandardScaler()),
                ("model", linear),
            ]
        )
        return pipe, {}

    return factory


def _shipped_probe(name: str):
    def factory(task, random_state, *, quick=True, pretrained=None):
        import numpy as np
        from sklearn.linear_model import LogisticRegression, RidgeCV

        from ..pretrained import load_pretrained

        if task == "classification":
            linear = LogisticRegression(max_iter=2000)
            grid = {"model__C": [0.01, 0.1, 1.0, 10.0]}
        else:
            linear = RidgeCV(alphas=np.logspace(-3, 4, 15))
            grid = {}
        pipe = Pipeline(
            [
                ("embed", FrozenEstimator(load_pretrained(name))),
                ("scale", StandardScaler()),
                ("model", linear),
            ]
        )
        return pipe, grid

    return factory


_BOTH = ("classification", "regression")
_PROBE = "frozen, standardised, under logistic regression or ridge"

#: The self-supervised models, in registry order.
SPECS = (
    _spec(
        "SSL-CNN fine-tuned",
        _BOTH,
        "ssl",
        "SNV + TransformRecogEmbedder CNN fine-tuned under an MLP head.",
        _fine_tuned("TransformRecogEmbedder"),
        embedder="TransformRecogEmbedder",
    ),
    _spec(
        "SSL-CNN embedding + linear",
        _BOTH,
        "ssl",
        f"SNV + TransformRecogEmbedder embedding, {_PROBE}.",
        _linear_probe("TransformRecogEmbedder"),
        embedder="TransformRecogEmbedder",
    ),
    _spec(
        "SSL-MAE embedding + linear",
        _BOTH,
        "ssl",
        f"SNV + MAEEmbedder embedding, {_PROBE}.",
        _linear_probe("MAEEmbedder"),
        embedder="MAEEmbedder",
    ),
    _spec(
        "SSL-VAE embedding + linear",
        _BOTH,
        "ssl",
        f"SNV + VAEEmbedder embedding, {_PROBE}.",
        _linear_probe("VAEEmbedder"),
        embedder="VAEEmbedder",
    ),
    _spec(
        "sklspec-base",
        _BOTH,
        "ssl",
        "The shipped encoder pretrained on the spectral prior (any width and "
        "axis in; no SNV in front: it normalises and keeps offset and scale), "
        f"{_PROBE}; nothing is pretrained on the user's spectra.",
        _shipped_probe("sklspec-base"),
    ),
)
