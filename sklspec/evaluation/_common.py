"""Helpers shared by :func:`~sklspec.evaluation.compare` and
:func:`~sklspec.evaluation.label_fraction_curve`: checking the estimators and
options, naming the score columns, formatting the tables, and the JSON / CSV /
pandas output of their result objects.
"""

from __future__ import annotations

import csv
import json
import math
import numbers
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.base import is_regressor
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.parallel import Parallel, delayed

from sklspec.evaluation._metrics import SCORERS

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


@dataclass(frozen=True)
class _Metric:
    """One score column: its scorer key, display name, sign and direction."""

    key: str  # key given to cross_validate (column "test_<key>")
    name: str  # name shown in tables
    sign: float  # multiply the scorer's value by this to get the shown value
    direction: str  # "max", "min" or "zero": which shown value is best


def _metric_from_key(key: str, scoring=None) -> _Metric:
    """The score column of scorer ``scoring`` (a name or a callable) under ``key``.

    The sign and direction come from the scorer: a ``neg_...`` name, or a
    scikit-learn scorer made with ``greater_is_better=False`` (``_sign ==
    -1``), returns negated errors, shown positive and ranked lowest first;
    ``bias`` is best at zero. Only a plain callable, which says nothing of its
    sign, is read by its key. The shown name is the key, without the ``neg_``
    of a negated score (``rmse`` for ``neg_root_mean_squared_error``).
    """
    scoring = key if scoring is None else scoring
    if isinstance(scoring, str):
        negated = scoring.startswith("neg_")
        zero = scoring == "bias" or scoring.endswith("_bias")
    elif getattr(scoring, "_sign", None) is not None:  # a scikit-learn scorer
        negated = scoring._sign < 0
        zero = scoring is SCORERS["bias"]
    else:
        negated = key.startswith("neg_")
        zero = key == "bias" or key.endswith("_bias")
    if negated:
        base = key[4:] if key.startswith("neg_") else key
        return _Metric(key, _ALIASES.get(base, base), -1.0, "min")
    return _Metric(key, key, 1.0, "zero" if zero else "max")


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


def _flat_parallel(func: Callable, jobs: Iterable[tuple], n_jobs):
    """Run ``func(*args)`` for every ``args`` of ``jobs`` in one joblib loop.

    A generator of the results, in the order of ``jobs``. Nothing runs before
    the first result is asked for. Where the active joblib backend can stream
    results (sequential, loky, threading) they come as they finish; other
    backends (dask, ray) return them all at the end. The backend and, when
    ``n_jobs`` is None, the number of jobs come from
    :func:`joblib.parallel_config` as usual; scikit-learn's configuration is
    carried to the workers (:class:`sklearn.utils.parallel.Parallel`).
    """
    tasks = (delayed(func)(*args) for args in jobs)
    try:
        parallel = Parallel(n_jobs=n_jobs, return_as="generator")
    except ValueError as exc:  # the backend cannot stream its results
        if "return_as" not in str(exc):
            raise
        parallel = Parallel(n_jobs=n_jobs)
    yield from parallel(tasks)


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


def _short_error(msg: str) -> str:
    """An error message cut to fit a table cell."""
    return msg if len(msg) <= 60 else msg[:57] + "..."


class _Result:
    """Output methods of the result objects.

    Subclasses define ``__str__`` (the table), ``_records()`` (one dict per row
    of :meth:`to_frame` and :meth:`to_csv`), ``to_dict()`` and its inverse, the
    class method ``_from_dict(data)``.
    """

    def __repr__(self) -> str:
        return self.__str__()

    @classmethod
    def from_dict(cls, data: dict):
        """Rebuild a result from :meth:`to_dict` (or a loaded :meth:`to_json`).

        Parameters
        ----------
        data : dict
            The output of :meth:`to_dict`.

        Returns
        -------
        result : same class as the result that wrote `data`
            The rebuilt result (without the split or draw indices, which
            :meth:`to_dict` does not keep).
        """
        return cls._from_dict(data)

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
        """Write the table of :meth:`to_frame` as CSV (does not need pandas).

        Parameters
        ----------
        path : str or path-like
            Output file.
        """
        _write_csv(path, self._records())
