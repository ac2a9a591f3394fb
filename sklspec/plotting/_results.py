"""Charts of the evaluation results: the leaderboard and the label-fraction curve."""

from __future__ import annotations

import warnings

import numpy as np

from ._base import GREY, OKABE_ITO, get_ax

__all__ = ["plot_label_fraction_curve", "plot_leaderboard"]

#: Shown names of error metrics (lower is better), as sklspec.evaluation
#: shows scikit-learn's ``neg_...`` scorers.
_LOWER_IS_BETTER = {"rmse", "mse", "mae", "medae", "mape", "rmsle", "msle"}
_REGRESSION_METRICS = _LOWER_IS_BETTER | {"r2", "rpd", "rpiq", "lins_ccc", "bias"}
_BETTER = {"max": "higher is better", "min": "lower is better", "zero": "0 is best"}
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _direction_of(metric: str) -> str:
    if metric in _LOWER_IS_BETTER or metric == "max_error":
        return "min"
    if metric == "bias" or metric.endswith("_bias"):
        return "zero"
    return "max"


def _reference_label(chance: float, chance_label, task, metric: str) -> str:
    if chance_label is None:
        regression = task == "regression" or (
            task is None and metric in _REGRESSION_METRICS
        )
        chance_label = "mean predictor" if regression else "chance level"
    return f"{chance_label} ({chance:.2f})"


def _check_chance(chance):
    if chance is None:
        return None
    try:
        value = float(chance)
    except (TypeError, ValueError):
        raise TypeError(
            f"chance must be a number (the score of a chance or mean predictor) or "
            f"None, got {type(chance).__name__}."
        ) from None
    if not np.isfinite(value):
        raise ValueError(f"chance must be finite, got {chance!r}.")
    return value


def _is_frame(obj) -> bool:
    return hasattr(obj, "columns") and hasattr(obj, "index")


def _from_dict(obj, cls, kind: str, name: str, hint: str = ""):
    """``cls.from_dict(obj)`` for a dict of that ``kind``; other objects as they are."""
    if not isinstance(obj, dict):
        return obj
    if obj.get("kind") != kind:
        raise ValueError(
            f"a dict given as {name} must be {cls.__name__}.to_dict() "
            f"(kind {kind!r}){hint}."
        )
    return cls.from_dict(obj)


def _not_a_result(obj, cls, name: str, source: str) -> TypeError:
    """The error for ``obj`` that is none of the forms of a ``cls`` result."""
    return TypeError(
        f"{name} must be the {cls.__name__} of {source}, its to_frame() or its "
        f"to_dict(); got {type(obj).__name__}."
    )


def _draw_reference(draw, chance, chance_label, task, metric: str) -> None:
    """The dashed chance (or mean-predictor) line, by ``ax.axvline`` or ``axhline``."""
    draw(
        chance,
        color=GREY,
        linestyle="--",
        label=_reference_label(chance, chance_label, task, metric),
    )


# ----------------------------------------------------------------- leaderboard
def _leaderboard_rows(results, metric):
    """Names, means, sds, failed flags, metric, direction, task and n_splits."""
    from ..evaluation import ComparisonResult

    results = _from_dict(
        results,
        ComparisonResult,
        "comparison",
        "results",
        ", e.g. the 'results' of sklspec's results.json",
    )
    if isinstance(results, ComparisonResult):
        metric = results.primary_ if metric is None else metric
        if metric not in results.metrics_:
            raise ValueError(
                f"metric {metric!r} is not in the results; they hold "
                f"{', '.join(results.metrics_)}."
            )
        names = list(results.scores_)
        means = np.array([results.mean(n, metric) for n in names])
        sds = np.array([results.std(n, metric) for n in names])
        failed = np.array([n in results.errors_ for n in names])
        direction = results.directions_.get(metric, "max")
        return (
            names,
            means,
            sds,
            failed,
            metric,
            direction,
            results.task_,
            results.n_splits_,
        )
    if _is_frame(results):
        columns = [str(c) for c in results.columns]
        shown = [c[: -len("_mean")] for c in columns if c.endswith("_mean")]
        if not shown:
            raise ValueError(
                "the DataFrame has no '<metric>_mean' column; pass "
                "ComparisonResult.to_frame() or the ComparisonResult itself."
            )
        metric = shown[0] if metric is None else metric
        if metric not in shown:
            raise ValueError(
                f"metric {metric!r} is not in the DataFrame; it holds "
                f"{', '.join(shown)}."
            )
        names = [str(n) for n in results.index]
        means = np.asarray(results[f"{metric}_mean"], dtype=float)
        std_col = f"{metric}_std"
        sds = (
            np.asarray(results[std_col], dtype=float)
            if std_col in columns
            else np.full(len(names), np.nan)
        )
        if "error" in columns:
            failed = np.array([bool(e) and e == e for e in results["error"]])
        else:
            failed = np.zeros(len(names), dtype=bool)
        failed |= ~np.isfinite(means)
        return names, means, sds, failed, metric, _direction_of(metric), None, None
    raise _not_a_result(
        results, ComparisonResult, "results", "sklspec.evaluation.compare"
    )


def plot_leaderboard(
    results,
    *,
    metric: str | None = None,
    chance: float | None = None,
    chance_label: str | None = None,
    ax=None,
):
    """Plot a leaderboard: one horizontal bar per model, best on top.

    Bars are the mean score over the cross-validation folds, error bars one
    standard deviation; models that failed are listed, marked "failed". A
    dashed line marks the score of a model that learns nothing (``chance``):
    the majority-class rate for accuracy, 0 for R² (the mean predictor).

    Parameters
    ----------
    results : ComparisonResult, DataFrame or dict
        The result of :func:`sklspec.evaluation.compare`, its
        :meth:`~sklspec.evaluation.ComparisonResult.to_frame` or its
        :meth:`~sklspec.evaluation.ComparisonResult.to_dict` (the
        ``"results"`` of the ``results.json`` that ``sklspec compare``
        writes).
    metric : str, optional
        The metric to show (a shown name such as ``"accuracy"`` or
        ``"rmse"``); default: the primary (ranking) metric, or the first
        ``<metric>_mean`` column of a DataFrame.
    chance : float, optional
        The reference score drawn as a dashed line.
    chance_label : str, optional
        Its legend text; default "chance level", or "mean predictor" for
        regression.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure sized to the number of models.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    See Also
    --------
    plot_label_fraction_curve : Scores against the fraction of labels.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklspec.baselines import PLSDAClassifier
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.evaluation import compare
    >>> from sklspec.plotting import plot_leaderboard
    >>> X, y = make_spectra(n_samples=60, n_wavelengths=64, random_state=0,
    ...                     return_X_y=True)
    >>> result = compare({"PLS-DA": PLSDAClassifier(), "kNN":
    ...                   KNeighborsClassifier()}, X, y, cv=3)
    >>> ax = plot_leaderboard(result, chance=1 / 3)
    >>> [t.get_text() for t in ax.get_yticklabels()][-1] == result.best_
    True
    """
    chance = _check_chance(chance)
    names, means, sds, failed, metric, direction, task, n_splits = _leaderboard_rows(
        results, metric
    )
    if not names:
        raise ValueError("results hold no model.")
    if direction == "min":
        key = means
    elif direction == "zero":
        key = np.abs(means)
    else:
        key = -means
    key = np.where(failed | ~np.isfinite(key), np.inf, key)
    order = np.argsort(key, kind="stable")[::-1]  # best last: drawn on top
    if ax is None:
        ax = get_ax(None, figsize=(6.4, 0.4 * len(names) + 1.4))
    else:
        ax = get_ax(ax)
    pos = np.arange(len(names))
    values = np.where(failed, np.nan, means)[order]
    errors = np.where(np.isfinite(sds), sds, 0.0)[order]
    ax.barh(
        pos,
        np.nan_to_num(values),
        xerr=np.where(np.isfinite(values), errors, 0.0),
        color=OKABE_ITO[0],
        height=0.65,
        error_kw={"ecolor": "black", "capsize": 3, "elinewidth": 1},
    )
    for p, v in zip(pos, values):
        if not np.isfinite(v):
            ax.text(0, p, " failed", va="center", ha="left", color=GREY, style="italic")
    ax.set_yticks(pos, [names[i] for i in order])
    if chance is not None:
        _draw_reference(ax.axvline, chance, chance_label, task, metric)
        ax.legend(
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            fontsize="small",
            frameon=False,
        )
    folds = f"{n_splits} folds" if n_splits else "folds"
    ax.set_xlabel(f"{metric} (mean ± sd over {folds}; {_BETTER[direction]})")
    ax.set_ylim(-0.6, len(names) - 0.4)
    return ax


# -------------------------------------------------------- label-fraction curve
def _curve_rows(curve):
    """Fractions, n_labelled, [(name, mean, sd)], metric, direction, n_repeats."""
    from ..evaluation import LabelFractionResult

    curve = _from_dict(curve, LabelFractionResult, "label_fraction_curve", "curve")
    if isinstance(curve, LabelFractionResult):
        rows = []
        n_rep = None
        for name in curve.ranking_:
            s = np.asarray(curve.scores_[name], dtype=float)
            if not np.isfinite(s).any():
                continue
            n_rep = s.shape[1]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows
                rows.append((name, np.nanmean(s, axis=1), np.nanstd(s, axis=1)))
        return (
            curve.fractions_,
            curve.n_labelled_,
            rows,
            curve.metric_,
            curve.direction_,
            n_rep,
        )
    if _is_frame(curve):
        columns = [str(c) for c in curve.columns]
        means = [c for c in columns if c.endswith("_mean")]
        needed = {"estimator", "fraction"}
        if not means or not needed <= set(columns):
            raise ValueError(
                "the DataFrame must be LabelFractionResult.to_frame() (columns "
                "estimator, fraction, n_labelled, <metric>_mean, <metric>_std)."
            )
        metric = means[0][: -len("_mean")]
        fractions = np.unique(np.asarray(curve["fraction"], dtype=float))
        rows = []
        n_labelled = None
        for name in dict.fromkeys(curve["estimator"]):
            part = curve[curve["estimator"] == name].sort_values("fraction")
            mean = np.asarray(part[f"{metric}_mean"], dtype=float)
            if not np.isfinite(mean).any():
                continue
            f = np.asarray(part["fraction"], dtype=float)
            if not np.array_equal(f, fractions):
                raise ValueError(
                    f"model {name!r} lacks some fractions of the curve; every "
                    "model needs a row per fraction."
                )
            sd = np.asarray(part.get(f"{metric}_std", np.nan * mean), dtype=float)
            rows.append((str(name), mean, sd))
            if n_labelled is None and "n_labelled" in part:
                n_labelled = np.asarray(part["n_labelled"], dtype=int)
        n_rep = int(curve["n_repeats"].iloc[0]) if "n_repeats" in columns else None
        return fractions, n_labelled, rows, metric, _direction_of(metric), n_rep
    raise _not_a_result(
        curve, LabelFractionResult, "curve", "sklspec.evaluation.label_fraction_curve"
    )


def plot_label_fraction_curve(
    curve,
    *,
    chance: float | None = None,
    chance_label: str | None = None,
    xlabel: str | None = None,
    ax=None,
):
    """Plot scores against the fraction of labelled spectra, one line per model.

    Each line is the mean score over the repeats (random draws, or folds) at
    each fraction, with a band of ± one standard deviation; the x axis is
    logarithmic in percent, each tick also giving the number of labelled
    spectra. Models whose every fit failed are left out.

    Parameters
    ----------
    curve : LabelFractionResult, DataFrame or dict
        The result of :func:`sklspec.evaluation.label_fraction_curve` (or of
        ``sklspec demo``'s curve), its
        :meth:`~sklspec.evaluation.LabelFractionResult.to_frame` or its
        :meth:`~sklspec.evaluation.LabelFractionResult.to_dict`.
    chance : float, optional
        Score of a model that learns nothing, drawn as a dashed line.
    chance_label : str, optional
        Its legend text; default "chance level" ("mean predictor" for
        regression metrics).
    xlabel : str, optional
        Default: "labelled spectra (% of all spectra)", the fractions of
        :func:`~sklspec.evaluation.label_fraction_curve`.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    See Also
    --------
    plot_leaderboard : The cross-validated leaderboard.

    Examples
    --------
    >>> from sklspec.baselines import PLSDAClassifier
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.evaluation import label_fraction_curve
    >>> from sklspec.plotting import plot_label_fraction_curve
    >>> X, y = make_spectra(n_samples=60, n_wavelengths=64, random_state=0,
    ...                     return_X_y=True)
    >>> curve = label_fraction_curve({"PLS-DA": PLSDAClassifier()}, X, y,
    ...                              fractions=(0.2, 0.5), n_repeats=2)
    >>> ax = plot_label_fraction_curve(curve, chance=1 / 3)
    >>> ax.get_xscale()
    'log'
    """
    chance = _check_chance(chance)
    fractions, n_labelled, rows, metric, direction, n_rep = _curve_rows(curve)
    if not rows:
        raise ValueError(
            "the curve holds no model with a finite score (every fit failed?)."
        )
    ax = get_ax(ax)
    percent = 100 * np.asarray(fractions, dtype=float)
    for i, (name, mean, sd) in enumerate(rows):
        color = OKABE_ITO[i % len(OKABE_ITO)]
        ax.plot(
            percent,
            mean,
            color=color,
            marker=_MARKERS[i % len(_MARKERS)],
            markersize=4,
            label=name,
        )
        sd = np.where(np.isfinite(sd), sd, 0.0)
        ax.fill_between(percent, mean - sd, mean + sd, color=color, alpha=0.2, lw=0)
    if chance is not None:
        _draw_reference(ax.axhline, chance, chance_label, None, metric)
    ax.set_xscale("log")
    ax.set_xticks(percent)
    if n_labelled is not None:
        labels = [f"{p:g}%\n(n={n})" for p, n in zip(percent, n_labelled)]
    else:
        labels = [f"{p:g}%" for p in percent]
    ax.set_xticklabels(labels)
    ax.minorticks_off()
    ax.set_xlabel(xlabel or "labelled spectra (% of all spectra)")
    over = f"{n_rep} repeats" if n_rep else "repeats"
    ax.set_ylabel(f"{metric} (mean ± sd over {over})")
    ax.legend(fontsize="small", frameon=False)
    return ax
