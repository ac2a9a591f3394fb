"""The self-supervised pipelines that ``sklspec demo`` / ``compare`` run."""

from __future__ import annotations

from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ..embedders import TransformRecogEmbedder
from ._base import FineTunedClassifier, FineTunedRegressor

__all__ = ["make_ssl_models"]

# (pretraining epochs, fine-tuning epochs): "quick" keeps `sklspec demo` under
# three minutes on two CPU cores; "full" is the paper's schedule (100 / 250).
_EPOCHS = {True: (10, 60), False: (100, 250)}


def make_ssl_models(task: str = "classification", *, random_state=0, quick=True):
    """Return the self-supervised models: name -> (estimator, param_grid).

    Every model pretrains its embedder inside ``fit``, on the training
    spectra of the current fold only, so a cross-validation of these models
    never shows test spectra to pretraining.

    Parameters
    ----------
    task : {"classification", "regression"}
        The downstream task.
    random_state : int
        Seed of every model.
    quick : bool, default=True
        Short schedules (10 pretraining / 60 fine-tuning epochs) instead of
        the paper's 100 / 250.

    Returns
    -------
    models : dict
        ``"SSL-CNN fine-tuned"`` (:class:`FineTunedClassifier` or
        :class:`FineTunedRegressor` on a :class:`TransformRecogEmbedder`) and
        ``"SSL-CNN embedding + linear"`` (frozen embedding, standardised, under
        logistic regression or ridge), each with an empty grid.
    """
    if task not in ("classification", "regression"):
        raise ValueError(
            f"task must be 'classification' or 'regression', got {task!r}."
        )
    pre, fine = _EPOCHS[bool(quick)]

    def embedder():
        return TransformRecogEmbedder(max_epochs=pre, random_state=random_state)

    if task == "classification":
        tuned = FineTunedClassifier(
            embedder(), max_epochs=fine, random_state=random_state
        )
        linear = LogisticRegression(max_iter=2000)
    else:
        tuned = FineTunedRegressor(
            embedder(), max_epochs=fine, random_state=random_state
        )
        linear = RidgeCV(alphas=(0.01, 0.1, 1.0, 10.0, 100.0))
    probe = Pipeline(
        [("embed", embedder()), ("scale", StandardScaler()), ("model", linear)]
    )
    return {
        "SSL-CNN fine-tuned": (tuned, {}),
        "SSL-CNN embedding + linear": (probe, {}),
    }
