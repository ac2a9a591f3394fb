"""Compare several estimators by cross-validation on one shared set of splits."""

from __future__ import annotations

import csv
import json
import math
import numbers
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import is_regressor
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedGroupKFold,
    StratifiedKFold,
    cross_validate,
)
from sklearn.utils.multiclass import type_of_target

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

# Short names shown for scikit-learn's negated error scorers (``neg_`` dropped).
_ALIASES = {
    "root_mean_squared_error": "rmse",
    "mean_squared_error": "mse",
    "mean_absolute_error": "mae",
    "median_absolute_error": "medae",
    "mean_absolute_percentage_error": "mape",
    "root_mean_squared_log_error": "rmsle",
    "mean_squared_log_error": "msle",
    "max_error": "max_error",
}


# =========================================================================== helpers
@dataclass(frozen=True)
class _Metric:
    """One score column: its scorer key, display name, sign and direction."""

    key: str  # key given to cross_validate (column "test_<key>")
    name: str  # name shown in tables
    sign: float  # multiply the scorer's value by this to get the shown value
    direction: str  # "max", "min" or "zero": which shown value is best


def _metric_from_key(key: str) -> _Metric:
    if key.startswith("neg_"):
        base = key[4:]
        return _Metric(key, _ALIASES.get(base, base), -1.0, "min")
    if key == "bias" or key.endswith("_bias"):
        return _Metric(key, key, 1.0, "zero")
    return _Metric(key, key, 1.0, "max")


def _resolve_scoring(scoring, task: str) -> tuple[dict[str, Callable], list[_Metric]]:
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
    metrics = [_metric_from_key(k) for k in scorers]
    names = [m.name for m in metrics]
    if len(set(names)) != len(names):
        raise ValueError(f"scoring gives several columns the same name: {names}.")
    return scorers, metrics


_CLASSIFICATION_TARGETS = (
    "binary",
    "multiclass",
    "multilabel-indicator",
    "multiclass-multioutput",
)


def _infer_task(y, estimators: Iterable) -> str:
    kind = type_of_target(y)
    if kind in _CLASSIFICATION_TARGETS and not all(is_regressor(e) for e in estimators):
        return "classification"
    return "regression"


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


def _check_estimators(estimators) -> dict:
    if isinstance(estimators, Mapping):
        items = list(estimators.items())
    elif isinstance(estimators, Iterable) and not isinstance(estimators, str):
        items = list(estimators)
        if not all(isinstance(it, tuple) and len(it) == 2 for it in items):
            raise TypeError(
                "estimators must be a dict name -> estimator (or a list of "
                "(name, estimator) pairs)."
            )
    else:
        raise TypeError(
            "estimators must be a dict name -> estimator, got "
            f"{type(estimators).__name__}."
        )
    if not items:
        raise ValueError("estimators is empty: pass at least one estimator.")
    out = {}
    for name, est in items:
        if not hasattr(est, "fit"):
            raise TypeError(f"estimator {name!r} has no fit method: {est!r}.")
        if str(name) in out:
            raise ValueError(f"estimator name {name!r} is used twice.")
        out[str(name)] = est
    return out


def _check_error_score(error_score):
    if isinstance(error_score, str):
        if error_score != "raise":
            raise ValueError(
                f"error_score must be 'raise' or a number, got {error_score!r}."
            )
    elif not isinstance(error_score, numbers.Real):
        raise ValueError(
            f"error_score must be 'raise' or a number, got {error_score!r}."
        )
    return error_score


def _error_message(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {msg[0] if msg else ''}".rstrip(": ")


def _to_builtin(value):
    """Make numpy scalars/arrays JSON-serialisable (NaN and inf -> None)."""
    if isinstance(value, dict):
        return {str(k): _to_builtin(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_builtin(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_to_builtin(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


def _from_builtin(values) -> np.ndarray:
    return np.asarray([np.nan if v is None else v for v in values], dtype=float)


def _fmt(x: float, ref: float | None = None) -> str:
    """Format a number for a table; ``ref`` fixes the decimals (mean for std)."""
    if x is None or not np.isfinite(x):
        return "nan" if x is None or np.isnan(x) else ("inf" if x > 0 else "-inf")
    r = abs(ref if ref is not None and np.isfinite(ref) else x)
    if r >= 1e5 or (0 < r < 1e-3):
        return f"{x:.3e}"
    if r >= 100:
        return f"{x:.1f}"
    if r >= 10:
        return f"{x:.3f}"
    return f"{x:.4f}"


def _mean_std(values) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    if v.size == 0 or np.all(np.isnan(v)):
        return float("nan"), float("nan")
    with np.errstate(invalid="ignore"):
        return float(np.nanmean(v)), float(np.nanstd(v))


def _cell(values) -> str:
    mean, std = _mean_std(values)
    if np.isnan(mean):
        return "nan"
    return f"{_fmt(mean)} ± {_fmt(std, mean)}"


def _rank_key(value: float, direction: str) -> float:
    if value is None or np.isnan(value):
        return np.inf
    if direction == "min":
        return value
    if direction == "zero":
        return abs(value)
    return -value


def _format_table(header: list[str], rows: list[list[str]]) -> str:
    """Aligned plain-text table: first two columns left, the rest right."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        out = []
        for i, (c, w) in enumerate(zip(cells, widths)):
            out.append(c.ljust(w) if i < 2 else c.rjust(w))
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def _import_pandas():
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - pandas is a dev dependency
        raise ImportError(
            "to_frame() needs pandas, which is not installed. Install it with "
            "`pip install pandas` (or `pip install sklspec[pandas]`), or use "
            "to_dict() / to_csv() which do not need it."
        ) from exc
    return pd


def _make_notifier(progress, describe: Callable[[dict], str]):
    """Return ``notify(name, index, total, result_or_None)``."""
    if progress is False or progress is None:
        return lambda *args: None
    if callable(progress):
        return progress
    if progress is True:

        def notify(name, index, total, result):
            if result is None:
                return
            print(
                f"[{index + 1}/{total}] {name}: {describe(result)} "
                f"({result['elapsed']:.1f} s)",
                file=sys.stderr,
                flush=True,
            )

        return notify
    raise TypeError(
        "progress must be False, True or a callable(name, index, total, result)."
    )


# =========================================================================== result
class ComparisonResult:
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
                _rank_key(self.mean(n, self.primary_), direction),
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
            row += ["failed" if failed else _cell(s[m]) for m in self.metrics_]
            row += [
                f"{_mean_std(s['fit_time'])[0]:.3f}" if not failed else "-",
                f"{_mean_std(s['score_time'])[0]:.3f}" if not failed else "-",
            ]
            if any_error:
                msg = self.errors_.get(name, "")
                row.append(msg if len(msg) <= 60 else msg[:57] + "...")
            rows.append(row)
        title = (
            f"{self.task_} comparison, {self.n_splits_} CV splits "
            f"(mean ± std over folds), ranked by {self.primary_}"
        )
        return title + "\n" + _format_table(header, rows)

    def __repr__(self) -> str:
        return self.__str__()

    def to_frame(self):
        """Leaderboard as a pandas DataFrame, one row per estimator.

        Returns
        -------
        frame : pandas.DataFrame
            Index ``estimator`` (ranked); columns ``rank``, ``<metric>_mean``,
            ``<metric>_std`` for each metric, ``fit_time``, ``score_time``
            (mean seconds per fold) and ``error``.
        """
        pd = _import_pandas()
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
        return _to_builtin(
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
    def from_dict(cls, data: dict) -> ComparisonResult:
        """Rebuild a result from :meth:`to_dict` (or a loaded :meth:`to_json`).

        Parameters
        ----------
        data : dict
            The output of :meth:`to_dict`.

        Returns
        -------
        result : ComparisonResult
        """
        scores = {
            name: {k: _from_builtin(v) for k, v in e["folds"].items()}
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

    def to_json(self, path) -> None:
        """Write :meth:`to_dict` as JSON (strict: NaN written as null).

        Parameters
        ----------
        path : str or path-like
            Output file.
        """
        Path(path).write_text(
            json.dumps(self.to_dict(), indent=2, allow_nan=False), encoding="utf-8"
        )

    def to_csv(self, path) -> None:
        """Write the leaderboard (the columns of :meth:`to_frame`) as CSV.

        Does not need pandas.

        Parameters
        ----------
        path : str or path-like
            Output file.
        """
        _write_csv(path, self._records())


def _write_csv(path, records: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(records[0]))
        writer.writeheader()
        for r in records:
            writer.writerow(
                {
                    k: ("" if isinstance(v, float) and np.isnan(v) else v)
                    for k, v in r.items()
                }
            )


# =========================================================================== compare
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
    estimator, so all scores are paired fold by fold. Each estimator is run
    with :func:`sklearn.model_selection.cross_validate` (which clones it).

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
        and all scikit-learn names) or scorers ``f(estimator, X, y)``. The
        first one ranks the table. ``None`` uses ``accuracy``,
        ``balanced_accuracy``, ``f1_macro`` for classification and ``r2``,
        ``rmse`` (``neg_root_mean_squared_error`` shown positive), ``rpd``,
        ``rpiq``, ``lins_ccc``, ``bias`` for regression. The task is
        classification when :func:`~sklearn.utils.multiclass.type_of_target`
        says so and not all estimators are regressors.
    groups : array-like of shape (n_samples,), optional
        Group labels (batch, animal, production scale...) for grouped CV.
    n_jobs : int, optional
        Parallel jobs over folds, passed to ``cross_validate``.
    progress : bool or callable, default=False
        ``True`` prints one line per finished estimator to stderr (name,
        primary score, elapsed time). A callable
        ``progress(name, index, total, result)`` is called before each
        estimator with ``result=None`` and after it with a dict holding
        ``mean``, ``std`` (per metric), ``fit_time``, ``score_time``,
        ``elapsed`` (seconds) and ``error`` (str or None).
    random_state : int, RandomState instance or None, default=0
        Seeds the shuffling of the folds when ``cv`` is an int.
    error_score : "raise" or float, default="raise"
        ``"raise"`` lets an estimator's exception stop the comparison. A
        number (e.g. ``np.nan``) records the estimator as failed, with the
        error message in the table, and goes on with the others.

    Returns
    -------
    result : ComparisonResult
        Leaderboard, per-fold scores (``result.scores_``), ``result.best_``.

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
    estimators = _check_estimators(estimators)
    error_score = _check_error_score(error_score)
    task = _infer_task(y, estimators.values())
    splits = _materialise_splits(cv, X, y, groups, task, random_state)
    scorers, metrics = _resolve_scoring(scoring, task)
    primary = metrics[0].name

    def describe(result):
        if result["error"]:
            return f"failed ({result['error']})"
        return (
            f"{primary}={_fmt(result['mean'][primary])} ± "
            f"{_fmt(result['std'][primary], result['mean'][primary])}"
        )

    notify = _make_notifier(progress, describe)
    scores: dict[str, dict] = {}
    errors: dict[str, str] = {}
    total = len(estimators)
    for index, (name, estimator) in enumerate(estimators.items()):
        notify(name, index, total, None)
        start = time.perf_counter()
        kwargs = {} if groups is None else {"groups": groups}
        try:
            cvr = cross_validate(
                estimator,
                X,
                y,
                cv=splits,
                scoring=scorers,
                n_jobs=n_jobs,
                return_train_score=False,
                error_score="raise",
                **kwargs,
            )
        except Exception as exc:
            if error_score == "raise":
                raise
            errors[name] = _error_message(exc)
            nan = np.full(len(splits), float(error_score))
            est_scores = {m.name: nan.copy() for m in metrics}
            est_scores["fit_time"] = np.full(len(splits), np.nan)
            est_scores["score_time"] = np.full(len(splits), np.nan)
        else:
            est_scores = {
                m.name: m.sign * np.asarray(cvr[f"test_{m.key}"], dtype=float)
                for m in metrics
            }
            est_scores["fit_time"] = np.asarray(cvr["fit_time"], dtype=float)
            est_scores["score_time"] = np.asarray(cvr["score_time"], dtype=float)
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
        n_splits=len(splits),
    )
    result.splits_ = splits
    return result
