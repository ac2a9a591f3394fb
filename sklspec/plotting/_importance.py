"""Which parts of the spectrum a fitted model uses: band permutation, saliency."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.validation import check_is_fitted

from ._base import (
    GREY,
    OKABE_ITO,
    as_spectra,
    check_choice,
    finish_spectral_axis,
    get_ax,
    spectral_axis,
)

__all__ = ["band_importance", "plot_band_importance"]

_METHODS = ("permutation", "saliency")
#: Values per predict call of the permutation loop (bounds its memory).
_CHUNK_VALUES = 2**24


def _check_xy(X, y):
    arr = as_spectra(X)
    if y is None:
        return arr, None
    yv = np.asarray(y)
    if yv.ndim == 0 or len(yv) != len(arr):
        raise ValueError(
            f"y has {np.size(yv)} values but X has {len(arr)} spectra; pass the "
            "targets of these spectra."
        )
    return arr, yv


def _bands(n_points: int, n_bands) -> np.ndarray:
    """Edges (n_bands + 1 point indices) of contiguous bands of near-equal width."""
    if not isinstance(n_bands, numbers.Integral) or isinstance(n_bands, bool):
        raise TypeError(f"n_bands must be an int, got {type(n_bands).__name__}.")
    if not 1 <= n_bands <= n_points:
        raise ValueError(
            f"n_bands must be between 1 and the number of spectral points "
            f"({n_points}), got {n_bands}."
        )
    return np.linspace(0, n_points, int(n_bands) + 1).round().astype(int)


def _as_input(arr: np.ndarray, X):
    """``arr`` in the form of ``X``: a DataFrame with X's columns, else as is."""
    if hasattr(X, "columns") and hasattr(X, "iloc"):
        import pandas as pd

        return pd.DataFrame(arr, columns=X.columns)
    return arr


def _score_function(estimator, scoring):
    """(score(X, y), metric name, vectorised predict-based metric or None)."""
    if scoring is not None:
        from ..evaluation import get_scorer

        scorer = get_scorer(scoring)
        name = scoring if isinstance(scoring, str) else "score"
        return (lambda X, y: scorer(estimator, X, y)), name, None
    if is_classifier(estimator):
        from sklearn.metrics import accuracy_score

        return None, "accuracy", accuracy_score
    if is_regressor(estimator):
        from sklearn.metrics import r2_score

        return None, "r2", r2_score
    return (lambda X, y: estimator.score(X, y)), "score", None


def _permutation(estimator, X, arr, y, edges, n_repeats, scoring, rng):
    score, metric, from_pred = _score_function(estimator, scoring)
    n, p = arr.shape
    perms = [rng.permutation(n) for _ in range(n_repeats)]
    jobs = [(b, r) for b in range(len(edges) - 1) for r in range(n_repeats)]
    out = np.empty((len(edges) - 1, n_repeats))
    if from_pred is not None:
        baseline = from_pred(y, estimator.predict(X))
        per_call = max(1, _CHUNK_VALUES // (n * p))
        for start in range(0, len(jobs), per_call):
            chunk = jobs[start : start + per_call]
            stacked = np.tile(arr, (len(chunk), 1))
            for k, (b, r) in enumerate(chunk):
                s, e = edges[b], edges[b + 1]
                stacked[k * n : (k + 1) * n, s:e] = arr[perms[r], s:e]
            pred = np.asarray(estimator.predict(_as_input(stacked, X)))
            for k, (b, r) in enumerate(chunk):
                out[b, r] = baseline - from_pred(y, pred[k * n : (k + 1) * n])
    else:
        baseline = score(X, y)
        for b, r in jobs:
            s, e = edges[b], edges[b + 1]
            copy = arr.copy()
            copy[:, s:e] = arr[perms[r], s:e]
            out[b, r] = baseline - score(_as_input(copy, X), y)
    return out, float(baseline), metric


def _final_network(estimator):
    """(steps before, final step) of a pipeline ending in a torch network."""
    from sklearn.pipeline import Pipeline

    est = getattr(estimator, "best_estimator_", estimator)  # a fitted search
    head, final = (est[:-1], est[-1]) if isinstance(est, Pipeline) else (None, est)
    import torch

    module = getattr(final, "module_", None)
    is_network = isinstance(module, torch.nn.Module) and (
        hasattr(final, "classes_") or hasattr(final, "y_scale_")
    )
    if not is_network:
        raise TypeError(
            "method='saliency' needs an estimator whose last step is a fitted "
            "sklspec network taking the spectra end to end (FineTunedClassifier "
            f"or FineTunedRegressor); {type(final).__name__} is not one. "
            "method='permutation' works for any fitted estimator."
        )
    return head, final, module


def _saliency(estimator, X, arr, y, batch_size: int = 256):
    """Mean |d output / d input| per input point of the network, and its axis."""
    import torch

    from .._torch import module_device

    head, final, module = _final_network(estimator)
    Xt = arr if head is None else np.asarray(head.transform(X), dtype=float)
    Xt = np.ascontiguousarray(Xt, dtype=np.float32)
    classifier = hasattr(final, "classes_")
    if classifier and y is not None:
        classes = np.asarray(final.classes_)
        target = np.searchsorted(classes, y)
        target = np.clip(target, 0, len(classes) - 1)
        if not np.all(classes[target] == y):
            unknown = sorted(set(np.asarray(y).tolist()) - set(classes.tolist()))
            raise ValueError(
                f"y holds classes the model was not fitted on: {unknown[:5]}."
            )
    device = module_device(module)
    grads = []
    was_training = module.training
    module.eval()
    try:
        with torch.enable_grad():
            for start in range(0, len(Xt), batch_size):
                xb = torch.as_tensor(Xt[start : start + batch_size], device=device)
                xb.requires_grad_(True)
                out = module(xb)
                if classifier:
                    idx = (
                        out.argmax(dim=1)
                        if y is None
                        else torch.as_tensor(
                            target[start : start + batch_size], device=device
                        )
                    )
                    selected = out.gather(1, idx[:, None]).sum()
                else:  # in the units of y
                    scale = torch.as_tensor(
                        np.asarray(final.y_scale_, dtype=np.float32), device=device
                    )
                    selected = (out * scale).sum()
                (g,) = torch.autograd.grad(selected, xb)
                grads.append(g.abs().cpu().numpy())
    finally:
        module.train(was_training)
    G = np.concatenate(grads).astype(np.float64)
    axis = None
    if Xt.shape[1] != arr.shape[1] and head is not None:
        try:
            names = np.asarray(head.get_feature_names_out(), dtype=object)
        except (AttributeError, ValueError, TypeError):
            names = []
        try:
            axis = np.asarray([float(v) for v in names], dtype=float)
        except (TypeError, ValueError):
            axis = None
        if axis is not None and len(axis) != Xt.shape[1]:
            axis = None
    return G, Xt, axis


def band_importance(
    estimator,
    X,
    y=None,
    *,
    method: str = "permutation",
    n_bands: int = 20,
    n_repeats: int = 5,
    scoring=None,
    random_state=None,
):
    """How much a fitted model relies on each part of the spectrum.

    ``"permutation"``: the spectral points are cut into ``n_bands``
    contiguous bands of near-equal width; each band is shuffled across the
    spectra (the same rows for all its points, so the band keeps its shape),
    and the importance is the drop of the score, repeated ``n_repeats`` times.
    It works for any fitted estimator or pipeline. All shuffled copies are
    scored with as few ``predict`` calls as memory allows; this assumes the
    model predicts each spectrum on its own (true of scikit-learn and sklspec
    pipelines).

    ``"saliency"``: the gradient of the network's output with respect to its
    input spectrum (the logit of the true class, of the predicted class
    without ``y``; the prediction in the units of ``y`` for regression), its
    absolute value averaged over the spectra. It needs a pipeline ending in a
    :class:`~sklspec.finetune.FineTunedClassifier` or
    :class:`~sklspec.finetune.FineTunedRegressor`; preprocessing steps before
    it are applied, not differentiated.

    Parameters
    ----------
    estimator : fitted estimator or pipeline
        The model (a fitted search is used through its ``best_estimator_``
        for ``"saliency"``).
    X : array-like or DataFrame of shape (n_spectra, n_points)
        Spectra, ideally held out from the fit.
    y : array-like of shape (n_spectra,), optional
        Their targets; needed for ``"permutation"``.
    method : {"permutation", "saliency"}, default="permutation"
        See above.
    n_bands : int, default=20
        Bands of the permutation (1 to ``n_points``).
    n_repeats : int, default=5
        Shuffles per band.
    scoring : str or callable, optional
        The score of the permutation (a name of
        :func:`sklspec.evaluation.get_scorer` or a scorer); default: accuracy
        for classifiers and R² for regressors (from the predictions), else
        ``estimator.score``.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffles.

    Returns
    -------
    result : sklearn.utils.Bunch
        For ``"permutation"``: ``importances`` (n_bands, n_repeats),
        ``importances_mean``, ``importances_std``, ``bands`` (n_bands, 2)
        start and stop point indices, ``baseline_score`` and ``metric``.
        For ``"saliency"``: ``importances`` (n_spectra, n_points_net), the
        per-spectrum absolute gradients, ``importances_mean``,
        ``importances_std`` over the spectra, ``X_net`` (the spectra as the
        network saw them) and ``axis`` (the network input's axis when the
        steps before it change the points and name them, else None).

    Examples
    --------
    >>> from sklearn.cross_decomposition import PLSRegression
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.plotting import band_importance
    >>> X, y = make_spectra(n_samples=60, n_wavelengths=64, task="regression",
    ...                     random_state=0, return_X_y=True)
    >>> model = PLSRegression(n_components=4).fit(X, y)
    >>> band_importance(model, X, y, n_bands=8, random_state=0).importances.shape
    (8, 5)
    """
    check_choice(method, "method", _METHODS)
    check_is_fitted(estimator)
    arr, yv = _check_xy(X, y)
    if method == "permutation":
        if yv is None:
            raise ValueError("method='permutation' needs y to score the model.")
        if not isinstance(n_repeats, numbers.Integral) or n_repeats < 1:
            raise ValueError(f"n_repeats must be an int >= 1, got {n_repeats!r}.")
        edges = _bands(arr.shape[1], n_bands)
        rng = check_random_state(random_state)
        imp, baseline, metric = _permutation(
            estimator, X, arr, yv, edges, int(n_repeats), scoring, rng
        )
        return Bunch(
            importances=imp,
            importances_mean=imp.mean(axis=1),
            importances_std=imp.std(axis=1),
            bands=np.column_stack([edges[:-1], edges[1:]]),
            baseline_score=baseline,
            metric=metric,
        )
    G, Xt, axis = _saliency(estimator, X, arr, yv)
    return Bunch(
        importances=G,
        importances_mean=G.mean(axis=0),
        importances_std=G.std(axis=0),
        X_net=Xt.astype(np.float64),
        axis=axis,
    )


def _point_bounds(w: np.ndarray) -> np.ndarray:
    """The n + 1 boundaries of n points on axis ``w`` (midpoints between them)."""
    if len(w) == 1:
        return np.array([w[0] - 0.5, w[0] + 0.5])
    mids = (w[:-1] + w[1:]) / 2
    return np.concatenate([[2 * w[0] - mids[0]], mids, [2 * w[-1] - mids[-1]]])


def plot_band_importance(
    estimator,
    X,
    y=None,
    *,
    method: str = "permutation",
    wavelengths=None,
    unit: str | None = None,
    n_bands: int = 20,
    n_repeats: int = 5,
    scoring=None,
    show_spectrum: bool = True,
    ax=None,
    random_state=None,
):
    """Plot the importance of each part of the spectrum for a fitted model.

    The importances of :func:`band_importance` placed on the spectral axis:
    for ``"permutation"`` one bar per band, spanning the band's wavelengths,
    with an error bar of one standard deviation over the shuffles; for
    ``"saliency"`` the mean absolute input gradient at each point. With
    ``show_spectrum`` the mean spectrum is drawn faintly behind them (on a
    twin y axis), so peaks of importance can be read against the bands.

    Parameters
    ----------
    estimator : fitted estimator or pipeline
        The model.
    X : array-like or DataFrame of shape (n_spectra, n_points)
        Spectra, ideally held out from the fit.
    y : array-like of shape (n_spectra,), optional
        Their targets (needed for ``"permutation"``).
    method : {"permutation", "saliency"}, default="permutation"
        See :func:`band_importance`.
    wavelengths : array-like of shape (n_points,), optional
        The spectral axis of ``X``; default: the numeric column names of a
        DataFrame ``X``, else the point index.
    unit : str, optional
        Unit of the axis (see :func:`plot_spectra`).
    n_bands, n_repeats, scoring
        As in :func:`band_importance`.
    show_spectrum : bool, default=True
        Draw the mean spectrum behind the importances.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffles of ``"permutation"``.

    Returns
    -------
    ax : matplotlib Axes
        The Axes of the importances.

    Examples
    --------
    >>> from sklearn.cross_decomposition import PLSRegression
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.plotting import plot_band_importance
    >>> d = make_spectra(n_samples=60, n_wavelengths=64, task="regression",
    ...                  random_state=0)
    >>> model = PLSRegression(n_components=4).fit(d.X, d.y)
    >>> ax = plot_band_importance(model, d.X, d.y, wavelengths=d.wavelengths,
    ...                           unit="nm", n_bands=8, random_state=0)
    >>> ax.get_ylabel()
    'importance (drop in r2)'
    """
    check_choice(method, "method", _METHODS)
    arr = as_spectra(X)
    w, known = spectral_axis(X, arr.shape[1], wavelengths)
    result = band_importance(
        estimator,
        X,
        y,
        method=method,
        n_bands=n_bands,
        n_repeats=n_repeats,
        scoring=scoring,
        random_state=random_state,
    )
    ax = get_ax(ax)
    if method == "permutation":
        bounds = _point_bounds(w)
        left = bounds[result.bands[:, 0]]
        width = bounds[result.bands[:, 1]] - left
        ax.bar(
            left,
            result.importances_mean,
            width=width,
            align="edge",
            color=OKABE_ITO[0],
            edgecolor="white",
            linewidth=0.5,
            yerr=result.importances_std,
            error_kw={"ecolor": "black", "capsize": 2, "elinewidth": 0.8},
        )
        ax.axhline(0, color=GREY, linewidth=0.8)
        ax.set_ylabel(f"importance (drop in {result.metric})")
        mean_spectrum, x = arr.mean(axis=0), w
    else:
        mean_spectrum = result.X_net.mean(axis=0)
        if len(result.importances_mean) == len(w):
            x = w
        elif result.axis is not None:
            x, known = result.axis, True
        else:
            raise ValueError(
                f"the steps before the network change the number of points "
                f"({len(w)} -> {len(result.importances_mean)}) and name no "
                "wavelength axis: the saliency cannot be placed on the axis of X. "
                "Give those steps a known axis (wavelengths= or DataFrame column "
                "names at fit) or use method='permutation'."
            )
        ax.plot(x, result.importances_mean, color=OKABE_ITO[0], linewidth=1.2)
        ax.fill_between(
            x, 0, result.importances_mean, color=OKABE_ITO[0], alpha=0.25, lw=0
        )
        ax.set_ylabel("saliency (mean |∂ output / ∂ input|)")
        ax.set_ylim(bottom=0)
    ax.set_xlim(min(x[0], x[-1]), max(x[0], x[-1]))
    finish_spectral_axis(ax, x, unit, known)
    if show_spectrum:
        twin = ax.twinx()
        twin.plot(x, mean_spectrum, color="0.6", linewidth=1.0)
        twin.set_ylabel("mean spectrum", color="0.45")
        twin.tick_params(axis="y", colors="0.45")
        ax.set_zorder(twin.get_zorder() + 1)  # importances in front
        ax.patch.set_visible(False)
    return ax
