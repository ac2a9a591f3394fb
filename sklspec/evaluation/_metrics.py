"""Figures of merit used in spectroscopy, and their scorers.

All regression metrics follow scikit-learn's signature
``f(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average")``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import get_scorer as _sk_get_scorer
from sklearn.metrics import get_scorer_names as _sk_get_scorer_names
from sklearn.metrics import make_scorer
from sklearn.utils import check_consistent_length

__all__ = [
    "SCORERS",
    "bias",
    "bias_scorer",
    "clustering_accuracy",
    "get_scorer",
    "get_scorer_names",
    "lins_ccc",
    "lins_ccc_scorer",
    "neg_abs_bias_scorer",
    "rmse",
    "rpd",
    "rpd_scorer",
    "rpiq",
    "rpiq_scorer",
]


# --------------------------------------------------------------------------- helpers
def _check_targets(y_true, y_pred, sample_weight):
    """Return 2-D float ``y_true``, ``y_pred`` and 1-D weights (or None)."""
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    check_consistent_length(y_true, y_pred, sample_weight)
    if y_true.ndim == 1:
        y_true = y_true.reshape(-1, 1)
    if y_pred.ndim == 1:
        y_pred = y_pred.reshape(-1, 1)
    if y_true.ndim != 2 or y_pred.ndim != 2:
        raise ValueError("y_true and y_pred must be 1-D or 2-D arrays.")
    if y_true.shape[1] != y_pred.shape[1]:
        raise ValueError(
            f"y_true and y_pred have different numbers of outputs "
            f"({y_true.shape[1]} != {y_pred.shape[1]})."
        )
    if y_true.shape[0] < 1:
        raise ValueError("y_true and y_pred must hold at least one sample.")
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=float)
        if sample_weight.ndim != 1:
            raise ValueError("sample_weight must be a 1-D array.")
        if np.any(sample_weight < 0) or not np.any(sample_weight > 0):
            raise ValueError(
                "sample_weight must be non-negative with at least one positive value."
            )
    return y_true, y_pred, sample_weight


def _aggregate(values: np.ndarray, multioutput):
    """Reduce per-output values as scikit-learn does."""
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return values
        if multioutput == "uniform_average":
            return float(np.mean(values))
        raise ValueError(
            f"multioutput must be 'raw_values', 'uniform_average' or an array of "
            f"weights, got {multioutput!r}."
        )
    weights = np.asarray(multioutput, dtype=float)
    if weights.shape != values.shape:
        raise ValueError(
            f"multioutput weights have shape {weights.shape}, expected "
            f"{values.shape} (one weight per output)."
        )
    return float(np.average(values, weights=weights))


def _weighted_mean(a: np.ndarray, w) -> np.ndarray:
    return np.average(a, axis=0, weights=w)


def _weighted_sd(a: np.ndarray, w) -> np.ndarray:
    """Sample standard deviation; ``ddof=1`` or its reliability-weight analogue."""
    if w is None:
        if a.shape[0] < 2:
            return np.full(a.shape[1], np.nan)
        return np.std(a, axis=0, ddof=1)
    mean = _weighted_mean(a, w)
    v1 = w.sum()
    v2 = np.sum(w**2)
    denom = v1 - v2 / v1
    if denom <= 0:
        return np.full(a.shape[1], np.nan)
    return np.sqrt(np.sum(w[:, None] * (a - mean) ** 2, axis=0) / denom)


def _weighted_quantile(a: np.ndarray, q: float, w) -> np.ndarray:
    """Column quantiles: numpy's linear rule, or inverted CDF with weights."""
    if w is None:
        return np.quantile(a, q, axis=0)
    out = np.empty(a.shape[1])
    for j in range(a.shape[1]):
        order = np.argsort(a[:, j], kind="stable")
        cw = np.cumsum(w[order])
        k = np.searchsorted(cw, q * cw[-1], side="left")
        out[j] = a[order[min(k, len(order) - 1)], j]
    return out


def _per_output_rmse(y_true, y_pred, w) -> np.ndarray:
    return np.sqrt(np.average((y_true - y_pred) ** 2, axis=0, weights=w))


def _safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    # a perfect prediction of a non-constant target is infinitely good
    return np.where((den == 0) & (num > 0), np.inf, out)


_PARAMETERS_DOC = """
    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Reference values.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predicted values.
    sample_weight : array-like of shape (n_samples,), optional
        Sample weights.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
(n_outputs,), default="uniform_average"
        How several outputs are combined.
"""


def _regression_metric(per_output: Callable) -> Callable:
    """Make a metric with scikit-learn's signature from a per-output one.

    ``per_output(y_true, y_pred, w)`` gets the validated 2-D targets and the
    weights (or None) and returns one value per output; the metric validates its
    arguments, aggregates the values as ``multioutput`` asks, and takes the name
    and the docstring of ``per_output``, with the shared Parameters section put
    in before its Returns section.
    """

    def metric(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
        y_true, y_pred, w = _check_targets(y_true, y_pred, sample_weight)
        return _aggregate(per_output(y_true, y_pred, w), multioutput)

    metric.__name__ = per_output.__name__
    metric.__qualname__ = per_output.__qualname__
    metric.__doc__ = per_output.__doc__.replace(
        "\n    Returns\n", _PARAMETERS_DOC + "\n    Returns\n", 1
    )
    return metric


# --------------------------------------------------------------------------- metrics
@_regression_metric
def rmse(y_true, y_pred, w):
    """Root mean squared error (RMSE, RMSEP on a test set, RMSECV in CV).

    Returns
    -------
    score : float or ndarray of shape (n_outputs,)
        The RMSE, in the unit of ``y``. Lower is better.

    Examples
    --------
    >>> from sklspec.evaluation import rmse
    >>> round(rmse([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 6.0]), 4)
    1.0
    """
    return _per_output_rmse(y_true, y_pred, w)


@_regression_metric
def bias(y_true, y_pred, w):
    """Mean signed error ``mean(y_pred - y_true)``.

    A positive bias means the model over-estimates on average. Zero is best.
    With ``sample_weight`` a weighted mean is taken.

    Returns
    -------
    score : float or ndarray of shape (n_outputs,)
        The bias, in the unit of ``y``.

    Examples
    --------
    >>> from sklspec.evaluation import bias
    >>> bias([1.0, 2.0, 3.0], [1.5, 2.5, 3.5])
    0.5
    """
    return _weighted_mean(y_pred - y_true, w)


def _neg_abs_bias(y_true, y_pred, *, sample_weight=None):
    return -abs(bias(y_true, y_pred, sample_weight=sample_weight))


@_regression_metric
def rpd(y_true, y_pred, w):
    """Ratio of performance to deviation, ``SD(y_true) / RMSE``.

    ``SD`` is the sample standard deviation (``ddof=1``) of the reference values.
    With ``sample_weight`` it is the weighted standard deviation with the
    reliability-weight correction ``sum(w) - sum(w**2) / sum(w)`` in the
    denominator, which equals ``n - 1`` for equal weights, and the RMSE is
    weighted too. Higher is better; RPD > 2 is often read as a good model
    (Williams 2014). ``inf`` for a perfect prediction of a non-constant target.

    Returns
    -------
    score : float or ndarray of shape (n_outputs,)
        The RPD.

    Examples
    --------
    >>> from sklspec.evaluation import rpd
    >>> y_true = [1.0, 2.0, 3.0, 4.0, 5.0]   # SD (ddof=1) = sqrt(2.5)
    >>> y_pred = [1.5, 1.5, 3.5, 3.5, 5.5]   # RMSE = 0.5
    >>> round(rpd(y_true, y_pred), 4)
    3.1623
    """
    return _safe_ratio(_weighted_sd(y_true, w), _per_output_rmse(y_true, y_pred, w))


@_regression_metric
def rpiq(y_true, y_pred, w):
    """Ratio of performance to inter-quartile distance, ``IQR(y_true) / RMSE``.

    ``IQR = Q3 - Q1`` of the reference values (Bellon-Maurel et al. 2010),
    quantiles with numpy's default linear interpolation; with
    ``sample_weight``, weighted inverted-CDF quantiles and a weighted RMSE.
    Higher is better; more robust than RPD for skewed targets.

    Returns
    -------
    score : float or ndarray of shape (n_outputs,)
        The RPIQ.

    Examples
    --------
    >>> from sklspec.evaluation import rpiq
    >>> y_true = [1.0, 2.0, 3.0, 4.0, 5.0]   # Q1 = 2, Q3 = 4, IQR = 2
    >>> y_pred = [1.5, 1.5, 3.5, 3.5, 5.5]   # RMSE = 0.5
    >>> rpiq(y_true, y_pred)
    4.0
    """
    iqr = _weighted_quantile(y_true, 0.75, w) - _weighted_quantile(y_true, 0.25, w)
    return _safe_ratio(iqr, _per_output_rmse(y_true, y_pred, w))


@_regression_metric
def lins_ccc(y_true, y_pred, w):
    """Lin's concordance correlation coefficient.

    ``ccc = 2 cov(t, p) / (var(t) + var(p) + (mean(t) - mean(p))**2)`` with
    population (``1/n``, or weighted) moments, as in Lin (1989). It measures
    agreement with the identity line: 1 is perfect, 0 no agreement, -1
    perfect disagreement; unlike Pearson's r it penalises bias and slope.

    Returns
    -------
    score : float or ndarray of shape (n_outputs,)
        The coefficient; NaN where the denominator is zero (both vectors
        constant and equal).

    Examples
    --------
    >>> from sklspec.evaluation import lins_ccc
    >>> lins_ccc([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    1.0
    >>> round(lins_ccc([1.0, 2.0, 3.0], [2.0, 3.0, 4.0]), 4)   # biased by +1
    0.5714
    """
    mt = _weighted_mean(y_true, w)
    mp = _weighted_mean(y_pred, w)
    vt = _weighted_mean((y_true - mt) ** 2, w)
    vp = _weighted_mean((y_pred - mp) ** 2, w)
    cov = _weighted_mean((y_true - mt) * (y_pred - mp), w)
    den = vt + vp + (mt - mp) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 2.0 * cov / np.where(den > 0, den, 1.0), np.nan)


def clustering_accuracy(labels_true, labels_pred) -> float:
    """Accuracy of a clustering under the best one-to-one cluster-class matching.

    Clusters are matched to classes by the Hungarian algorithm
    (:func:`scipy.optimize.linear_sum_assignment`) on the contingency table so
    that the number of samples whose cluster maps to their class is maximal;
    that number divided by ``n_samples`` is returned. Labels may be of any
    hashable type (strings included) and the numbers of clusters and classes
    may differ: surplus clusters (or classes) stay unmatched and count as
    errors.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        Class labels.
    labels_pred : array-like of shape (n_samples,)
        Cluster labels.

    Returns
    -------
    accuracy : float
        In ``[0, 1]``; 1 for a clustering equal to the classes up to renaming.

    Examples
    --------
    >>> from sklspec.evaluation import clustering_accuracy
    >>> clustering_accuracy(["a", "a", "b", "b"], [1, 1, 0, 0])
    1.0
    >>> clustering_accuracy(["a", "a", "a", "b"], [0, 0, 1, 1])
    0.75
    """
    labels_true = np.asarray(labels_true)
    labels_pred = np.asarray(labels_pred)
    if labels_true.ndim != 1 or labels_pred.ndim != 1:
        raise ValueError("labels_true and labels_pred must be 1-D arrays.")
    check_consistent_length(labels_true, labels_pred)
    if labels_true.shape[0] == 0:
        raise ValueError("labels_true and labels_pred must not be empty.")
    _, t = np.unique(labels_true, return_inverse=True)
    _, p = np.unique(labels_pred, return_inverse=True)
    table = np.zeros((p.max() + 1, t.max() + 1), dtype=np.int64)
    np.add.at(table, (p, t), 1)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return float(table[rows, cols].sum() / labels_true.shape[0])


# --------------------------------------------------------------------------- scorers
# The signed bias is a diagnostic to *report*; zero is best, so it must not be
# maximised (e.g. as GridSearchCV's ``refit`` metric). Use ``neg_abs_bias`` to
# select models on bias.

#: Scorers added by sklspec, usable by name in :func:`get_scorer` and
#: :func:`sklspec.evaluation.compare`.
SCORERS: dict[str, Callable] = {
    name: make_scorer(metric, greater_is_better=True)
    for name, metric in [
        ("rpd", rpd),
        ("rpiq", rpiq),
        ("lins_ccc", lins_ccc),
        ("bias", bias),
        ("neg_abs_bias", _neg_abs_bias),
    ]
}
rpd_scorer = SCORERS["rpd"]
rpiq_scorer = SCORERS["rpiq"]
lins_ccc_scorer = SCORERS["lins_ccc"]
bias_scorer = SCORERS["bias"]
neg_abs_bias_scorer = SCORERS["neg_abs_bias"]


def get_scorer(scoring) -> Callable:
    """Return a scorer from its name, knowing sklspec's and scikit-learn's names.

    Parameters
    ----------
    scoring : str or callable
        ``"rpd"``, ``"rpiq"``, ``"lins_ccc"``, ``"bias"``, ``"neg_abs_bias"``,
        any name of :func:`sklearn.metrics.get_scorer_names`, or a callable
        ``scorer(estimator, X, y)`` (returned unchanged).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y) -> float``.

    Examples
    --------
    >>> from sklspec.evaluation import get_scorer
    >>> get_scorer("rpd")
    make_scorer(rpd, response_method='predict')
    >>> get_scorer("r2")
    make_scorer(r2_score, response_method='predict')
    """
    if callable(scoring):
        return scoring
    if isinstance(scoring, str):
        if scoring in SCORERS:
            return SCORERS[scoring]
        try:
            return _sk_get_scorer(scoring)
        except ValueError:
            raise ValueError(
                f"{scoring!r} is not a known scorer. Use one of sklspec's "
                f"{sorted(SCORERS)} or a scikit-learn name from "
                "sklearn.metrics.get_scorer_names()."
            ) from None
    raise TypeError(
        f"scoring must be a string or a callable, got {type(scoring).__name__}."
    )


def get_scorer_names() -> list[str]:
    """Names accepted by :func:`get_scorer` (sklspec's and scikit-learn's).

    Returns
    -------
    names : list of str
        Sorted names.

    Examples
    --------
    >>> from sklspec.evaluation import get_scorer_names
    >>> "rpiq" in get_scorer_names() and "accuracy" in get_scorer_names()
    True
    """
    return sorted(set(SCORERS) | set(_sk_get_scorer_names()))
