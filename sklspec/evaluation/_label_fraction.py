"""Scores as a function of the fraction of labelled samples (label-efficiency)."""

from __future__ import annotations

import inspect
import numbers
import time
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.utils import _safe_indexing, check_random_state

from . import _common
from ._common import _mean_std, _Result
from ._metrics import get_scorer

__all__ = ["LabelFractionResult", "accepts_unlabeled", "label_fraction_curve"]


def accepts_unlabeled(estimator) -> bool:
    """Whether ``estimator.fit`` takes an ``X_unlabeled`` keyword.

    Only the estimator's own ``fit`` signature is inspected (a Pipeline does
    not forward ``X_unlabeled`` to its steps).

    Parameters
    ----------
    estimator : estimator
        Any object with a ``fit`` method.

    Returns
    -------
    accepts : bool

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklspec.evaluation import accepts_unlabeled
    >>> accepts_unlabeled(Ridge())
    False
    """
    try:
        params = inspect.signature(estimator.fit).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return False
    p = params.get("X_unlabeled")
    return p is not None and p.kind in (
        inspect.Parameter.KEYWORD_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    )


def _allocate(counts: np.ndarray, n: int) -> np.ndarray:
    """Split ``n`` draws over classes proportionally, at least one per class."""
    total = counts.sum()
    target = n * counts / total
    alloc = np.minimum(np.maximum(1, np.floor(target).astype(int)), counts)
    while alloc.sum() < n:
        gap = np.where(alloc < counts, target - alloc, -np.inf)
        alloc[np.argmax(gap)] += 1
    while alloc.sum() > n:
        excess = np.where(alloc > 1, alloc - target, -np.inf)
        alloc[np.argmax(excess)] -= 1
    return alloc


def _draw_labelled(rng, candidates, y_cand, n: int, stratify: bool) -> np.ndarray:
    """Draw ``n`` of ``candidates`` (stratified by ``y_cand`` if asked)."""
    if not stratify:
        return np.sort(rng.choice(candidates, size=n, replace=False))
    classes, inv = np.unique(y_cand, return_inverse=True)
    counts = np.bincount(inv)
    if n < len(classes):
        raise ValueError(
            f"a labelled subset of {n} samples cannot hold one sample of each of "
            f"the {len(classes)} classes; use a larger fraction."
        )
    alloc = _allocate(counts, n)
    picked = [
        rng.choice(candidates[inv == k], size=alloc[k], replace=False)
        for k in range(len(classes))
    ]
    return np.sort(np.concatenate(picked))


def _make_draws(y, fractions, n_repeats, test_size, stratify, random_state):
    """Materialise the (labelled, pool, test) indices of every fraction/repeat."""
    rng = check_random_state(random_state)
    y_arr = np.asarray(y)
    n = y_arr.shape[0]
    all_idx = np.arange(n)
    draws = []
    for repeat in range(n_repeats):
        seed = int(rng.randint(np.iinfo(np.int32).max))
        if test_size is None:
            rest, test_fixed = all_idx, None
        else:
            cls = StratifiedShuffleSplit if stratify else ShuffleSplit
            splitter = cls(n_splits=1, test_size=test_size, random_state=seed)
            rest, test_fixed = next(splitter.split(np.zeros((n, 1)), y_arr))
            rest, test_fixed = np.sort(rest), np.sort(test_fixed)
        for fi, f in enumerate(fractions):
            n_lab = max(1, int(round(f * n)))
            if n_lab >= rest.shape[0]:
                raise ValueError(
                    f"fraction {f} asks for {n_lab} labelled samples but only "
                    f"{rest.shape[0] - 1} can be drawn while keeping test samples "
                    f"(n_samples={n}, test_size={test_size})."
                )
            sub = np.random.RandomState([seed, fi])
            lab = _draw_labelled(sub, rest, y_arr[rest], n_lab, stratify)
            remaining = np.setdiff1d(rest, lab, assume_unique=True)
            if test_fixed is None:
                test, pool = remaining, remaining[:0]
            else:
                test, pool = test_fixed, remaining
            draws.append(
                {
                    "fraction": float(f),
                    "repeat": repeat,
                    "labelled": lab,
                    "pool": pool,
                    "test": test,
                }
            )
    return draws


def _fit_and_score_draw(estimator, X, y, draw, semi, transductive, scorer, catch):
    """Fit a clone of ``estimator`` on one draw and score it: one task.

    Returns ``(score, fit_time, error)``: the scorer's value (as the scorer
    gives it, not yet signed for display), the fit seconds (NaN if the fit
    failed) and None, or the error message in place of None (score None)
    when the fit or the scoring failed and ``catch`` is true.
    """
    est = clone(estimator)
    X_lab = _safe_indexing(X, draw["labelled"])
    y_lab = _safe_indexing(y, draw["labelled"])
    fit_kwargs = {}
    if semi:
        pool = draw["pool"]
        if transductive:
            pool = np.concatenate([pool, draw["test"]])
        fit_kwargs["X_unlabeled"] = _safe_indexing(X, pool) if pool.size else None
    fit_time = np.nan
    try:
        t0 = time.perf_counter()
        est.fit(X_lab, y_lab, **fit_kwargs)
        fit_time = time.perf_counter() - t0
        value = scorer(
            est, _safe_indexing(X, draw["test"]), _safe_indexing(y, draw["test"])
        )
        return float(value), fit_time, None
    except Exception as exc:
        if not catch:
            raise
        return None, fit_time, _common._error_message(exc)


class LabelFractionResult(_Result):
    """Scores of several estimators at several labelled fractions.

    Returned by :func:`label_fraction_curve`. ``str(result)`` is a table
    estimators × fractions with "mean ± std" over repeats, sorted by the mean
    score over all fractions.

    Parameters
    ----------
    scores : dict
        Estimator name -> array of shape (n_fractions, n_repeats) (values as
        shown: error scorers ``neg_...`` are shown positive).
    fractions : sequence of float
        The labelled fractions.
    n_labelled : sequence of int
        Number of labelled samples at each fraction.
    metric : str
        Name of the score.
    direction : str, default="max"
        ``"max"``, ``"min"`` or ``"zero"``: which value is best.
    transductive : bool, default=False
        Whether test spectra (without labels) were given to estimators that
        accept ``X_unlabeled``.
    uses_unlabeled : dict, optional
        Estimator name -> whether it received ``X_unlabeled``.
    errors : dict, optional
        Estimator name -> first error message.
    test_size : float, int or None, default=None
        The protocol's ``test_size``.
    fit_time : dict, optional
        Estimator name -> array (n_fractions, n_repeats) of fit seconds.

    Attributes
    ----------
    scores_ : dict
        Estimator name -> ndarray of shape (n_fractions, n_repeats).
    fractions_ : ndarray of shape (n_fractions,)
    n_labelled_ : ndarray of shape (n_fractions,)
    metric_ : str
    transductive_ : bool
    uses_unlabeled_ : dict
    errors_ : dict
    ranking_ : list of str
        Estimator names, best (mean over fractions) first.
    best_ : str or None
        The best estimator.
    draws_ : list of dict
        When made by :func:`label_fraction_curve`: the index arrays
        ``labelled``, ``pool`` and ``test`` of every ``(fraction, repeat)``.
    """

    def __init__(
        self,
        scores: dict,
        fractions,
        n_labelled,
        metric: str,
        direction: str = "max",
        transductive: bool = False,
        uses_unlabeled: dict | None = None,
        errors: dict | None = None,
        test_size=None,
        fit_time: dict | None = None,
    ):
        self.scores_ = {k: np.asarray(v, dtype=float) for k, v in scores.items()}
        self.fractions_ = np.asarray(fractions, dtype=float)
        self.n_labelled_ = np.asarray(n_labelled, dtype=int)
        self.metric_ = metric
        self.direction_ = direction
        self.transductive_ = bool(transductive)
        self.uses_unlabeled_ = dict(uses_unlabeled or {})
        self.errors_ = dict(errors or {})
        self.test_size_ = test_size
        self.fit_time_ = {
            k: np.asarray(v, dtype=float) for k, v in (fit_time or {}).items()
        }
        self.draws_: list[dict] = []
        self.ranking_ = sorted(
            self.scores_,
            key=lambda n: (
                n in self.errors_,
                _common._rank_key(self._overall(n), direction),
            ),
        )
        ok = [n for n in self.ranking_ if n not in self.errors_]
        self.best_ = ok[0] if ok else None

    def _overall(self, name: str) -> float:
        return _mean_std(self.scores_[name])[0]

    def _records(self) -> list[dict[str, Any]]:
        rows = []
        for name in self.ranking_:
            for i, f in enumerate(self.fractions_):
                mean, std = _mean_std(self.scores_[name][i])
                ft = self.fit_time_.get(name)
                rows.append(
                    {
                        "estimator": name,
                        "fraction": float(f),
                        "n_labelled": int(self.n_labelled_[i]),
                        f"{self.metric_}_mean": mean,
                        f"{self.metric_}_std": std,
                        "n_repeats": int(self.scores_[name].shape[1]),
                        "fit_time": _mean_std(ft[i])[0] if ft is not None else np.nan,
                        "uses_unlabeled": bool(self.uses_unlabeled_.get(name, False)),
                        "transductive": self.transductive_,
                        "error": self.errors_.get(name, ""),
                    }
                )
        return rows

    def __str__(self) -> str:
        header = ["rank", "estimator"] + [
            f"{100 * f:g}% (n={n})" for f, n in zip(self.fractions_, self.n_labelled_)
        ]
        any_error = bool(self.errors_)
        if any_error:
            header.append("error")
        rows = []
        for rank, name in enumerate(self.ranking_, start=1):
            failed = name in self.errors_
            label = name + (" *" if self.uses_unlabeled_.get(name) else "")
            row = [str(rank) if not failed else "-", label]
            row += [_common._cell(v) for v in self.scores_[name]]
            if any_error:
                row.append(_common._short_error(self.errors_.get(name, "")))
            rows.append(row)
        arrow = {"max": "higher", "min": "lower", "zero": "closer to 0"}[
            self.direction_
        ]
        n_rep = next(iter(self.scores_.values())).shape[1] if self.scores_ else 0
        test = (
            "all non-labelled samples"
            if self.test_size_ is None
            else f"a held-out test set (test_size={self.test_size_})"
        )
        lines = [
            f"{self.metric_} ({arrow} is better) vs labelled fraction, "
            f"mean ± std over {n_rep} repeats; tested on {test}"
        ]
        table = _common._format_table(header, rows)
        lines.append(table)
        if any(self.uses_unlabeled_.values()):
            lines.append(
                "* fitted with X_unlabeled"
                + (
                    " (transductive: includes the test spectra, never their labels)"
                    if self.transductive_
                    else " (never the test spectra)"
                )
            )
        return "\n".join(lines)

    def to_frame(self):
        """Long-format pandas DataFrame, one row per (estimator, fraction).

        Returns
        -------
        frame : pandas.DataFrame
            Columns ``estimator``, ``fraction``, ``n_labelled``,
            ``<metric>_mean``, ``<metric>_std``, ``n_repeats``, ``fit_time``,
            ``uses_unlabeled``, ``transductive``, ``error``.
        """
        pd = _common._import_pandas()
        return pd.DataFrame(self._records())

    def to_dict(self) -> dict:
        """JSON-serialisable result (NaN -> None), per-repeat scores included.

        Returns
        -------
        result : dict
        """
        return _common._to_builtin(
            {
                "kind": "label_fraction_curve",
                "metric": self.metric_,
                "direction": self.direction_,
                "fractions": self.fractions_,
                "n_labelled": self.n_labelled_,
                "test_size": self.test_size_,
                "transductive": self.transductive_,
                "best": self.best_,
                "ranking": self.ranking_,
                "estimators": {
                    name: {
                        "mean": [_mean_std(r)[0] for r in self.scores_[name]],
                        "std": [_mean_std(r)[1] for r in self.scores_[name]],
                        "scores": self.scores_[name],
                        "fit_time": self.fit_time_.get(name),
                        "uses_unlabeled": bool(self.uses_unlabeled_.get(name, False)),
                        "error": self.errors_.get(name),
                    }
                    for name in self.ranking_
                },
            }
        )

    @classmethod
    def _from_dict(cls, data: dict) -> LabelFractionResult:
        # The draws are not kept by to_dict.
        ests = data["estimators"]
        return cls(
            {
                n: [_common._from_builtin(r) for r in e["scores"]]
                for n, e in ests.items()
            },
            data["fractions"],
            data["n_labelled"],
            data["metric"],
            direction=data["direction"],
            transductive=data["transductive"],
            uses_unlabeled={n: e["uses_unlabeled"] for n, e in ests.items()},
            errors={n: e["error"] for n, e in ests.items() if e["error"]},
            test_size=data["test_size"],
            fit_time={
                n: [_common._from_builtin(r) for r in e["fit_time"]]
                for n, e in ests.items()
                if e["fit_time"] is not None
            },
        )


def label_fraction_curve(
    estimators,
    X,
    y,
    *,
    fractions=(0.05, 0.1, 0.2, 0.5),
    n_repeats: int = 5,
    test_size=None,
    scoring=None,
    transductive: bool = False,
    random_state=0,
    progress=False,
    error_score="raise",
    n_jobs: int | None = None,
) -> LabelFractionResult:
    """Score estimators trained on growing fractions of labelled samples.

    Protocol:

    1. For each repeat, if ``test_size`` is given, a test set of that size is
       held out first (stratified for classification) and kept for all
       fractions of that repeat; otherwise every sample is a candidate.
    2. For each fraction ``f``, ``round(f * n_samples)`` samples - a fraction
       of *all* samples - are drawn from the candidates as the labelled
       training set: for classification stratified by class (proportional
       allocation, at least one sample per class), else uniformly.
    3. With ``test_size=None`` (the protocol of Zhao et al. 2025) all the
       remaining samples are the test set and the unlabelled pool is empty.
       With ``test_size`` the candidates neither labelled nor in the test set
       form the unlabelled pool.
    4. Every estimator is cloned before each fit, and all estimators see the
       same draws (materialised once per ``(fraction, repeat)``). An estimator
       whose own ``fit`` signature has a keyword ``X_unlabeled`` is fitted as
       ``fit(X_lab, y_lab, X_unlabeled=X_pool)``: the pool never holds test
       spectra, unless ``transductive=True``, which adds the test spectra (never
       their labels) to the pool; the result then records
       ``transductive_=True``. An empty pool is passed as ``X_unlabeled=None``.
       Other estimators get ``fit(X_lab, y_lab)``.
    5. The fitted estimator is scored on the test set; the table reports
       mean ± std (``ddof=0``) over the repeats.

    Every (estimator, fraction, repeat) fit is one task of a single flat
    joblib loop over estimators × draws, so with ``n_jobs`` (or a
    :func:`joblib.parallel_config` backend such as dask or ray) all of them
    can run at once, on one machine or on a cluster; the scores do not depend
    on how they are spread.

    Parameters
    ----------
    estimators : dict of str -> estimator
        Estimators by display name.
    X : array-like of shape (n_samples, n_features)
        Spectra.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    fractions : sequence of float, default=(0.05, 0.1, 0.2, 0.5)
        Labelled fractions of all samples, each in ``(0, 1)``.
    n_repeats : int, default=5
        Random draws per fraction.
    test_size : float, int or None, default=None
        Size of a held-out test set (as in
        :func:`~sklearn.model_selection.train_test_split`), or None to test on
        all non-labelled samples.
    scoring : str or callable, default=None
        One scorer name (see :func:`sklspec.evaluation.get_scorer`) or
        callable. None means ``"accuracy"`` for classification and ``"r2"``
        for regression. ``neg_...`` scores are shown positive (``rmse``).
    transductive : bool, default=False
        Give the test spectra (without labels) to estimators that accept
        ``X_unlabeled``.
    random_state : int, RandomState instance or None, default=0
        Seeds the draws.
    progress : bool or callable, default=False
        As in :func:`sklspec.evaluation.compare`: ``True`` prints a line per
        estimator to stderr; a callable ``progress(name, index, total,
        result)`` gets ``result=None`` before and a dict (``mean``, ``std``
        per fraction, ``elapsed``, ``error``) after each estimator. In
        parallel, ``elapsed`` is the wall-clock wait since the previous
        estimator was reported, and backends that return their results at
        the end (dask, ray) report every estimator then.
    error_score : "raise" or float, default="raise"
        ``"raise"`` propagates an estimator's exception; a number is recorded
        as its score for that draw and the first error message is kept.
    n_jobs : int, optional
        Number of jobs of the loop over estimators × draws. None means 1
        unless in a :func:`joblib.parallel_config` context (which also
        chooses the backend: ``"loky"`` by default, ``"dask"`` or ``"ray"`` for
        a cluster); -1 means all processors.

    Returns
    -------
    result : LabelFractionResult
        The table, per-repeat scores (``scores_``) and the draws
        (``draws_``).

    Notes
    -----
    The draws are made once, before any fit, and the results are gathered in
    the order of ``estimators`` and draws, so the result is that of a serial
    run whatever ``n_jobs`` and the backend (only ``fit_time`` differs),
    provided every estimator is reproducible (a fixed ``random_state``).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.evaluation import label_fraction_curve
    >>> X, y = make_spectra(n_samples=150, n_wavelengths=64, random_state=0,
    ...                     return_X_y=True)
    >>> res = label_fraction_curve({"logreg": LogisticRegression(max_iter=2000)},
    ...                            X, y, fractions=(0.1, 0.5), n_repeats=2)
    >>> res.scores_["logreg"].shape
    (2, 2)
    >>> [int(n) for n in res.n_labelled_]
    [15, 75]
    """
    estimators = _common._check_estimators(estimators)
    error_score = _common._check_error_score(error_score)
    fractions = np.atleast_1d(np.asarray(fractions, dtype=float))
    if fractions.ndim != 1 or fractions.size == 0:
        raise ValueError("fractions must be a non-empty 1-D sequence of floats.")
    if np.any((fractions <= 0) | (fractions >= 1)):
        raise ValueError(
            f"fractions must lie strictly between 0 and 1, got {fractions.tolist()}."
        )
    if not isinstance(n_repeats, numbers.Integral) or n_repeats < 1:
        raise ValueError(f"n_repeats must be a positive integer, got {n_repeats!r}.")
    y_arr = np.asarray(y)
    n_samples = y_arr.shape[0]
    task = _common._infer_task(y, estimators.values())
    stratify = task == "classification" and y_arr.ndim == 1
    if scoring is None:
        scoring = "accuracy" if task == "classification" else "r2"
    key = scoring if isinstance(scoring, str) else "score"
    metric = _common._metric_from_key(key, scoring)
    scorer = get_scorer(scoring)

    draws = _make_draws(y, fractions, n_repeats, test_size, stratify, random_state)
    n_labelled = [max(1, int(round(f * n_samples))) for f in fractions]

    def describe(result):
        if result["error"]:
            return f"failed ({result['error']})"
        cells = ", ".join(
            f"{100 * f:g}%: {_common._fmt(m)}"
            for f, m in zip(fractions, result["mean"])
        )
        return f"{metric.name} {cells}"

    notify = _common._make_notifier(progress, describe)
    catch = error_score != "raise"
    uses = {name: accepts_unlabeled(est) for name, est in estimators.items()}
    # One flat loop over (estimator x draw), estimator-major; the draws run
    # repeat-major, fraction-minor. The results come back in this order.
    jobs = (
        (estimator, X, y, d, uses[name], transductive, scorer, catch)
        for name, estimator in estimators.items()
        for d in draws
    )
    results = _common._flat_parallel(_fit_and_score_draw, jobs, n_jobs)
    scores, fit_times, errors = {}, {}, {}
    total = len(estimators)
    for index, name in enumerate(estimators):
        notify(name, index, total, None)
        start = time.perf_counter()
        s = np.full((fractions.size, n_repeats), np.nan)
        ft = np.full((fractions.size, n_repeats), np.nan)
        for k, d in enumerate(draws):
            fi, r = k % fractions.size, d["repeat"]
            value, ft[fi, r], error = next(results)
            if error is None:
                s[fi, r] = metric.sign * value
            else:
                errors.setdefault(name, error)
                s[fi, r] = float(error_score)
        scores[name] = s
        fit_times[name] = ft
        notify(
            name,
            index,
            total,
            {
                "mean": [_mean_std(row)[0] for row in s],
                "std": [_mean_std(row)[1] for row in s],
                "elapsed": time.perf_counter() - start,
                "error": errors.get(name),
            },
        )
    result = LabelFractionResult(
        scores,
        fractions,
        n_labelled,
        metric.name,
        direction=metric.direction,
        transductive=transductive,
        uses_unlabeled=uses,
        errors=errors,
        test_size=test_size,
        fit_time=fit_times,
    )
    result.draws_ = draws
    return result
