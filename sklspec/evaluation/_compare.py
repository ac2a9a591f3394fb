"""Compare several estimators by cross-validation on one shared set of splits."""

from __future__ import annotations

import numbers
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedGroupKFold,
    StratifiedKFold,
    cross_validate,
)
from sklearn.utils.multiclass import type_of_target

from . import _common
from ._common import _mean_std, _Result
from ._metrics import get_scorer

__all__ = ["ComparisonResult", "compare"]

DEFAULT_CLASSIFICATION_SCORING = ("accuracy", "balanced_accuracy", "f1_macro")
DEFAULT_REGRESSION_SCORING = (
    "r2",
    "neg_root_mean_squared_error",
    "rpd",
    "rpiq",
    "lins_ccc",
    "bias",
)


def _resolve_scoring(
    scoring, task: str
) -> tuple[dict[str, Callable], list[_common._Metric]]:
    """Turn ``scoring`` into a dict of scorers and the metrics to show."""
    if scoring is None:
        scoring = (
            DEFAULT_CLASSIFICATION_SCORING
            if task == "classification"
            else DEFAULT_REGRESSION_SCORING
        )
    if isinstance(scoring, str):
        scoring = {scoring: scoring}
    elif callable(scoring):
        scoring = {"score": scoring}
    elif isinstance(scoring, Mapping):
        scoring = dict(scoring)
    elif isinstance(scoring, Iterable):
        items = list(scoring)
        if not all(isinstance(s, str) for s in items):
            raise TypeError(
                "a list of scorers must hold names; pass a dict name -> scorer "
                "for callables."
            )
        scoring = {s: s for s in items}
    else:
        raise TypeError(
            "scoring must be None, a name, a callable, a list of names or a dict, "
            f"got {type(scoring).__name__}."
        )
    if not scoring:
        raise ValueError("scoring must name at least one scorer.")
    scorers = {str(k): get_scorer(v) for k, v in scoring.items()}
    metrics = [_common._metric_from_key(str(k), v) for k, v in scoring.items()]
    names = [m.name for m in metrics]
    if len(set(names)) != len(names):
        raise ValueError(f"scoring gives several columns the same name: {names}.")
    return scorers, metrics


def _materialise_splits(cv, X, y, groups, task: str, random_state) -> list:
    """Return the CV splits as a list of ``(train, test)`` index arrays."""
    if cv is None:
        cv = 5
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(f"cv must be at least 2 folds, got {cv}.")
        stratify = task == "classification" and type_of_target(y) in (
            "binary",
            "multiclass",
        )
        if groups is not None:
            cls = StratifiedGroupKFold if stratify else GroupKFold
        else:
            cls = StratifiedKFold if stratify else KFold
        splitter = cls(n_splits=int(cv), shuffle=True, random_state=random_state)
        splits = splitter.split(X, y, groups)
    elif hasattr(cv, "split"):
        splits = cv.split(X, y, groups)
    elif isinstance(cv, Iterable):
        splits = cv
    else:
        raise TypeError(
            "cv must be an int, a CV splitter or an iterable of (train, test) "
            f"index arrays, got {type(cv).__name__}."
        )
    splits = [(np.asarray(tr), np.asarray(te)) for tr, te in splits]
    if not splits:
        raise ValueError("cv produced no splits.")
    return splits


def _score_split(estimator, X, y, train, test, scorers, groups, catch: bool):
    """Fit a clone of ``estimator`` on one split and score it: one task.

    Returns ``(cv_results, None)``, ``cv_results`` holding the one value of
    each ``test_<key>``, ``fit_time`` and ``score_time``, or ``(None,
    message)`` when the fit or the scoring failed and ``catch`` is true.
    :func:`~sklearn.model_selection.cross_validate` on this one split does
    the work (cloning, timing, multi-metric scoring), so the scores are those
    of a cross-validation over all the splits.
    """
    kwargs = {} if groups is None else {"groups": groups}
    try:
        cvr = cross_validate(
            estimator,
            X,
            y,
            cv=[(train, test)],
            scoring=scorers,
            n_jobs=1,
            return_train_score=False,
            error_score="raise",
            **kwargs,
        )
    except Exception as exc:
        if not catch:
            raise
        return None, _common._error_message(exc)
    return {k: float(v[0]) for k, v in cvr.items()}, None


# =========================================================================== result
class ComparisonResult(_Result):
    """Cross-validated scores of several estimators on the same splits.

    Returned by :func:`compare`. ``str(result)`` is a leaderboard sorted by
    the primary (first) metric. Error scores of scikit-learn (``neg_...``) are
    shown positive under their short name (``neg_root_mean_squared_error`` ->
    ``rmse``), lower being better; ``bias`` is shown signed, closest to zero
    being best.

    Parameters
    ----------
    scores : dict
        Estimator name -> dict metric name -> per-fold values (as shown),
        plus ``"fit_time"`` and ``"score_time"`` (seconds per fold).
    metrics : list of str
        Metric names, the first one being the primary (ranking) metric.
    directions : dict
        Metric name -> ``"max"``, ``"min"`` or ``"zero"`` (which value is best).
    errors : dict, optional
        Estimator name -> error message for estimators that failed.
    task : str, default="classification"
        ``"classification"`` or ``"regression"``.
    n_splits : int, optional
        Number of CV splits.

    Attributes
    ----------
    scores_ : dict
        As ``scores``, values as ndarrays.
    errors_ : dict
        Estimator name -> error message (failed estimators only).
    metrics_ : list of str
        Metric names; ``metrics_[0]`` is the primary metric.
    primary_ : str
        The ranking metric.
    ranking_ : list of str
        Estimator names, best first (failures last).
    best_ : str or None
        Name of the best estimator (None if all failed).
    task_ : str
        ``"classification"`` or ``"regression"``.
    n_splits_ : int
        Number of CV splits.
    splits_ : list of (ndarray, ndarray)
        The ``(train, test)`` indices shared by all estimators (when made by
        :func:`compare`; empty after :meth:`from_dict`).
    """

    def __init__(
        self,
        scores: dict,
        metrics: list[str],
        directions: dict,
        errors: dict | None = None,
        task: str = "classification",
        n_splits: int | None = None,
    ):
        self.scores_ = {
            name: {k: np.asarray(v, dtype=float) for k, v in s.items()}
            for name, s in scores.items()
        }
        self.metrics_ = list(metrics)
        self.directions_ = dict(directions)
        self.errors_ = dict(errors or {})
        self.task_ = task
        self.n_splits_ = n_splits
        self.splits_: list = []
        self.primary_ = self.metrics_[0]
        direction = self.directions_.get(self.primary_, "max")
        order = sorted(
            self.scores_,
            key=lambda n: (
                n in self.errors_,
                _common._rank_key(self.mean(n, self.primary_), direction),
            ),
        )
        self.ranking_ = order
        ok = [n for n in order if n not in self.errors_]
        self.best_ = ok[0] if ok else None

    # ------------------------------------------------------------------ access
    def mean(self, name: str, metric: str) -> float:
        """Mean over folds of one metric of one estimator (NaN if failed)."""
        return _mean_std(self.scores_[name][metric])[0]

    def std(self, name: str, metric: str) -> float:
        """Standard deviation over folds (``ddof=0``) of one metric."""
        return _mean_std(self.scores_[name][metric])[1]

    # ------------------------------------------------------------------ output
    def _records(self) -> list[dict[str, Any]]:
        rows = []
        for rank, name in enumerate(self.ranking_, start=1):
            s = self.scores_[name]
            row: dict[str, Any] = {"estimator": name, "rank": rank}
            for m in self.metrics_:
                row[f"{m}_mean"], row[f"{m}_std"] = _mean_std(s[m])
            row["fit_time"] = _mean_std(s["fit_time"])[0]
            row["score_time"] = _mean_std(s["score_time"])[0]
            row["error"] = self.errors_.get(name, "")
            rows.append(row)
        return rows

    def __str__(self) -> str:
        header = ["rank", "estimator"]
        arrows = {"max": "↑", "min": "↓", "zero": "→0"}
        header += [
            f"{m} {arrows[self.directions_.get(m, 'max')]}" for m in self.metrics_
        ]
        header += ["fit_time (s)", "score_time (s)"]
        any_error = bool(self.errors_)
        if any_error:
            header.append("error")
        rows = []
        for rank, name in enumerate(self.ranking_, start=1):
            s = self.scores_[name]
            failed = name in self.errors_
            row = [str(rank) if not failed else "-", name]
            row += ["failed" if failed else _common._cell(s[m]) for m in self.metrics_]
            row += [
                f"{_mean_std(s['fit_time'])[0]:.3f}" if not failed else "-",
                f"{_mean_std(s['score_time'])[0]:.3f}" if not failed else "-",
            ]
            if any_error:
                row.append(_common._short_error(self.errors_.get(name, "")))
            rows.append(row)
        title = (
            f"{self.task_} comparison, {self.n_splits_} CV splits "
            f"(mean ± std over folds), ranked by {self.primary_}"
        )
        return title + "\n" + _common._format_table(header, rows)

    def to_frame(self):
        """Leaderboard as a pandas DataFrame, one row per estimator.

        Returns
        -------
        frame : pandas.DataFrame
            Index ``estimator`` (ranked); columns ``rank``, ``<metric>_mean``,
            ``<metric>_std`` for each metric, ``fit_time``, ``score_time``
            (mean seconds per fold) and ``error``.
        """
        pd = _common._import_pandas()
        return pd.DataFrame(self._records()).set_index("estimator")

    def to_dict(self) -> dict:
        """JSON-serialisable summary and per-fold scores (NaN -> None).

        Returns
        -------
        result : dict
            Keys ``kind``, ``task``, ``n_splits``, ``metrics``, ``directions``,
            ``primary``, ``best``, ``ranking`` and ``estimators`` (name ->
            ``mean``, ``std``, ``folds`` per metric, ``fit_time``,
            ``score_time``, ``error``).
        """
        ests = {}
        for name in self.ranking_:
            s = self.scores_[name]
            ests[name] = {
                "mean": {m: self.mean(name, m) for m in self.metrics_},
                "std": {m: self.std(name, m) for m in self.metrics_},
                "folds": {k: v for k, v in s.items()},
                "fit_time": _mean_std(s["fit_time"])[0],
                "score_time": _mean_std(s["score_time"])[0],
                "error": self.errors_.get(name),
            }
        return _common._to_builtin(
            {
                "kind": "comparison",
                "task": self.task_,
                "n_splits": self.n_splits_,
                "metrics": self.metrics_,
                "directions": self.directions_,
                "primary": self.primary_,
                "best": self.best_,
                "ranking": self.ranking_,
                "estimators": ests,
            }
        )

    @classmethod
    def _from_dict(cls, data: dict) -> ComparisonResult:
        scores = {
            name: {k: _common._from_builtin(v) for k, v in e["folds"].items()}
            for name, e in data["estimators"].items()
        }
        errors = {n: e["error"] for n, e in data["estimators"].items() if e["error"]}
        return cls(
            scores,
            data["metrics"],
            data["directions"],
            errors,
            task=data["task"],
            n_splits=data["n_splits"],
        )


def compare(
    estimators,
    X,
    y,
    *,
    cv=5,
    scoring=None,
    groups=None,
    n_jobs: int | None = None,
    progress=False,
    random_state=0,
    error_score="raise",
) -> ComparisonResult:
    """Cross-validate several estimators on one shared set of splits.

    The splits are materialised once from ``cv`` and reused for every
    estimator, so all scores are paired fold by fold. Every (estimator,
    split) pair is one task of a single flat joblib loop over estimators ×
    splits: a clone of the estimator is fitted on the training fold and
    scored on the test fold by :func:`sklearn.model_selection.cross_validate`
    run on that split. With ``n_jobs`` (or a
    :func:`joblib.parallel_config` backend such as dask or ray) all the fits
    of all the estimators can run at once, on one machine or on a cluster;
    the scores do not depend on how they are spread.

    Parameters
    ----------
    estimators : dict of str -> estimator
        The estimators to compare, by display name. An estimator may be a
        :class:`~sklearn.pipeline.Pipeline` or a
        :class:`~sklearn.model_selection.GridSearchCV` (nested CV).
    X : array-like of shape (n_samples, n_features)
        Spectra.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    cv : int, CV splitter or iterable of (train, test), default=5
        An int gives ``StratifiedKFold(cv, shuffle=True, random_state)`` for
        classification targets and ``KFold(cv, shuffle=True, random_state)``
        for regression; with ``groups``, ``StratifiedGroupKFold`` or
        ``GroupKFold`` (shuffled) so that a group never spans train and test.
        A splitter is asked for its splits once (with ``groups``).
    scoring : str, callable, list of str, dict or None, default=None
        Names known to :func:`sklspec.evaluation.get_scorer` (sklspec's
        ``"rpd"``, ``"rpiq"``, ``"lins_ccc"``, ``"bias"``, ``"neg_abs_bias"``
        and all scikit-learn names) or scorers ``f(estimator, X, y)``; a
        dict's keys name the columns. Negated errors (``neg_...`` names,
        scorers made with ``greater_is_better=False``) are shown positive and
        ranked lowest first, whatever their key. The first one ranks the
        table. ``None`` uses ``accuracy``,
        ``balanced_accuracy``, ``f1_macro`` for classification and ``r2``,
        ``rmse`` (``neg_root_mean_squared_error`` shown positive), ``rpd``,
        ``rpiq``, ``lins_ccc``, ``bias`` for regression. The task is
        classification when :func:`~sklearn.utils.multiclass.type_of_target`
        says so and not all estimators are regressors.
    groups : array-like of shape (n_samples,), optional
        Group labels (batch, animal, production scale...) for grouped CV.
    n_jobs : int, optional
        Number of jobs of the loop over estimators × splits. None means 1
        unless in a :func:`joblib.parallel_config` context (which also
        chooses the backend: ``"loky"`` by default, ``"dask"`` or ``"ray"`` for
        a cluster); -1 means all processors.
    progress : bool or callable, default=False
        ``True`` prints one line per finished estimator to stderr (name,
        primary score, elapsed time), in the order of ``estimators``. A
        callable ``progress(name, index, total, result)`` is called before
        each estimator with ``result=None`` and after it with a dict holding
        ``mean``, ``std`` (per metric), ``fit_time``, ``score_time``,
        ``elapsed`` (wall-clock seconds since the previous estimator was
        reported) and ``error`` (str or None). In parallel the estimators
        overlap, so ``elapsed`` is the wait for this one's last fold; with a
        backend that returns its results at the end (dask, ray) all the
        lines come at the end.
    random_state : int, RandomState instance or None, default=0
        Seeds the shuffling of the folds when ``cv`` is an int.
    error_score : "raise" or float, default="raise"
        ``"raise"`` lets an estimator's exception stop the comparison. A
        number (e.g. ``np.nan``) records the estimator as failed (all its
        folds), with the error message of its first failed fold in the table,
        and goes on with the others.

    Returns
    -------
    result : ComparisonResult
        Leaderboard, per-fold scores (``result.scores_``), ``result.best_``.

    Notes
    -----
    The splits, the clones and their seeds are the same whatever ``n_jobs``
    and the backend, and the results are gathered in the order of
    ``estimators`` and splits, so the table, ``to_csv`` and ``to_json`` are
    those of a serial run (only ``fit_time`` and ``score_time`` differ),
    provided every estimator is reproducible (a fixed ``random_state``). See
    "Comparisons on a cluster" in the user guide for the dask and ray
    recipes.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.evaluation import compare
    >>> X, y = make_spectra(n_samples=120, n_wavelengths=64, random_state=0,
    ...                     return_X_y=True)
    >>> logreg = make_pipeline(StandardScaler(),
    ...                        LogisticRegression(C=100, max_iter=5000))
    >>> result = compare({"dummy": DummyClassifier(), "logreg": logreg},
    ...                  X, y, cv=3)
    >>> print(result)  # doctest: +SKIP
    classification comparison, 3 CV splits (mean ± std over folds), ranked by ...
    rank  estimator       accuracy ↑  balanced_accuracy ↑       f1_macro ↑  ...
    ----  ---------  ---------------  -------------------  ---------------  ...
    1     logreg     0.7083 ± 0.0825      0.7082 ± 0.0852  0.7037 ± 0.0907  ...
    2     dummy      0.3250 ± 0.0000      0.3333 ± 0.0000  0.1635 ± 0.0000  ...
    >>> result.best_
    'logreg'
    >>> sorted(result.scores_["dummy"])
    ['accuracy', 'balanced_accuracy', 'f1_macro', 'fit_time', 'score_time']
    """
    estimators = _common._check_estimators(estimators)
    error_score = _common._check_error_score(error_score)
    task = _common._infer_task(y, estimators.values())
    splits = _materialise_splits(cv, X, y, groups, task, random_state)
    scorers, metrics = _resolve_scoring(scoring, task)
    primary = metrics[0].name

    def describe(result):
        if result["error"]:
            return f"failed ({result['error']})"
        return (
            f"{primary}={_common._fmt(result['mean'][primary])} ± "
            f"{_common._fmt(result['std'][primary], result['mean'][primary])}"
        )

    notify = _common._make_notifier(progress, describe)
    catch = error_score != "raise"
    # One flat loop over (estimator x split), estimator-major: every fold of
    # every estimator is one task, and the results come back in this order.
    jobs = (
        (estimator, X, y, train, test, scorers, groups, catch)
        for estimator in estimators.values()
        for train, test in splits
    )
    results = _common._flat_parallel(_score_split, jobs, n_jobs)
    scores: dict[str, dict] = {}
    errors: dict[str, str] = {}
    total = len(estimators)
    n_splits = len(splits)
    for index, name in enumerate(estimators):
        notify(name, index, total, None)
        start = time.perf_counter()
        folds = [next(results) for _ in range(n_splits)]
        failed = [err for _, err in folds if err is not None]
        if failed:
            errors[name] = failed[0]
            nan = np.full(n_splits, float(error_score))
            est_scores = {m.name: nan.copy() for m in metrics}
            est_scores["fit_time"] = np.full(n_splits, np.nan)
            est_scores["score_time"] = np.full(n_splits, np.nan)
        else:
            est_scores = {
                m.name: m.sign
                * np.asarray([f[f"test_{m.key}"] for f, _ in folds], dtype=float)
                for m in metrics
            }
            for key in ("fit_time", "score_time"):
                est_scores[key] = np.asarray([f[key] for f, _ in folds], dtype=float)
        scores[name] = est_scores
        summary = {
            "mean": {m.name: _mean_std(est_scores[m.name])[0] for m in metrics},
            "std": {m.name: _mean_std(est_scores[m.name])[1] for m in metrics},
            "fit_time": _mean_std(est_scores["fit_time"])[0],
            "score_time": _mean_std(est_scores["score_time"])[0],
            "elapsed": time.perf_counter() - start,
            "error": errors.get(name),
        }
        notify(name, index, total, summary)
    result = ComparisonResult(
        scores,
        [m.name for m in metrics],
        {m.name: m.direction for m in metrics},
        errors,
        task=task,
        n_splits=n_splits,
    )
    result.splits_ = splits
    return result
