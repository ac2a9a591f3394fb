"""The bad-input case table every public sklspec estimator goes through.

Shared by ``tests/test_bad_input.py`` (which asserts that no case goes wrong)
and ``benchmarks/bad_input.py`` (which writes the counts to
``benchmarks/results/bad_input.md`` and the user-guide table of refusals,
``docs/user_guide/_refusals.rst``), so the docs cannot drift from the tests.

The estimators come from ``tests/test_common.py`` (every class of the
subpackages' ``__all__``, with its cheap settings), so a new estimator is in
the harness on the day it is exported. Each case ends in one of

``refused``
    an exception whose message names the problem (it matches the case's
    ``keyword``);
``warned``
    a warning of a documented category (a :class:`UserWarning` subclass, e.g.
    those of :mod:`sklspec.exceptions`, or scikit-learn's);
``accepted``
    no exception and no warning, with finite output of the right length, on a
    case where that is harmless (``Case.may_accept``) or for an estimator
    with a written reason in ``ACCEPTED_BY_DESIGN``;
``wrong``
    anything else: an error that does not name the problem, non-finite or
    misshapen output, or silent acceptance of input that should be refused.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone

from .test_common import CHEAP_SETTINGS, ESTIMATORS

N_SAMPLES, N_POINTS = 24, 64

#: Estimators whose ``y`` is a second set of spectra of the same samples.
SPECTRA_TARGETS = {
    "DirectStandardization",
    "PiecewiseDirectStandardization",
    "NIRtoMIRConverter",
}


def target_kind(estimator) -> str | None:
    """``"classes"``, ``"values"``, ``"spectra"`` or None (unsupervised)."""
    if type(estimator).__name__ in SPECTRA_TARGETS:
        return "spectra"
    tags = estimator.__sklearn_tags__()
    if not tags.target_tags.required:
        return None
    return "classes" if tags.estimator_type == "classifier" else "values"


def good_data(seed: int = 0):
    """Smooth, positive, NIR-like spectra and their targets of every kind."""
    rng = np.random.default_rng(seed)
    grid = np.linspace(0.0, 1.0, N_POINTS)
    centres = rng.uniform(0.3, 0.7, size=(N_SAMPLES, 1))
    X = (
        0.5
        + 0.2 * grid
        + np.exp(-((grid - centres) ** 2) / 0.01)
        + 0.01 * rng.normal(size=(N_SAMPLES, N_POINTS))
    )
    classes = np.tile([0, 1], N_SAMPLES // 2)
    X[classes == 1] += 0.3 * np.exp(-((grid - 0.2) ** 2) / 0.002)
    values = centres[:, 0] * 10
    spectra = 2.0 * X[:, ::2] + 0.1
    return X, {"classes": classes, "values": values, "spectra": spectra}


@dataclass(frozen=True)
class Case:
    """One kind of bad input.

    Attributes
    ----------
    name : str
        Short identifier (test id, row of the tables).
    description : str
        What the input is, for the docs.
    stage : {"fit", "predict"}
        ``fit``: the bad input goes to ``fit`` (and then to the output method
        when fit accepts it); ``predict``: fit on good data, the bad input
        goes to the output method (predict, else transform, else
        score_samples).
    keyword : str
        Regular expression (case-insensitive) a refusal's message must match.
    may_accept : bool
        Whether finite output without a word is a harmless answer.
    make_X : callable
        ``make_X(X) -> X_bad`` from the good spectra.
    make_y : callable or None
        ``make_y(y, kind) -> y_bad`` (target cases only).
    """

    name: str
    description: str
    stage: str
    keyword: str
    may_accept: bool
    make_X: Callable = lambda X: X
    make_y: Callable | None = None


def _set(X, value, rows=(1,), cols=(5,)):
    X = np.array(X, dtype=float)
    X[np.ix_(rows, cols)] = value
    return X


def _constant_rows(X):
    X = np.array(X, dtype=float)
    X[[2, 7]] = X[[2, 7]].mean(axis=1, keepdims=True)
    return X


def _nan_target(y, kind):
    y = np.array(y, dtype=float)
    y[(3,) if y.ndim == 1 else (3, 0)] = np.nan
    return y


_NAN = r"nan|not a number"
_INF = r"inf"
CASES = [
    Case(
        "nan", "one NaN in the spectra", "fit", _NAN, False, lambda X: _set(X, np.nan)
    ),
    Case(
        "inf", "one +inf in the spectra", "fit", _INF, False, lambda X: _set(X, np.inf)
    ),
    Case(
        "neg_inf",
        "one -inf in the spectra",
        "fit",
        _INF,
        False,
        lambda X: _set(X, -np.inf),
    ),
    Case(
        "empty",
        "no spectra (shape (0, 64))",
        "fit",
        r"0 sample|empty|minimum",
        False,
        lambda X: X[:0],
    ),
    Case(
        "one_d",
        "a 1-D array (one spectrum without the row axis)",
        "fit",
        r"1d|2d|reshape",
        False,
        lambda X: X[0],
    ),
    Case(
        "huge",
        "values near 1e300 (beyond float32)",
        "fit",
        r"large|overflow|finite|float32|range|scale|standardi",
        True,
        lambda X: X * 1e300,
    ),
    Case(
        "tiny",
        "values near 1e-300 (float32 underflow)",
        "fit",
        r"small|underflow|constant|range|scale|finite",
        True,
        lambda X: X * 1e-300,
    ),
    Case(
        "int",
        "integer spectra (counts)",
        "fit",
        r"$^",
        True,
        lambda X: np.rint(X * 1000).astype(np.int64),
    ),
    Case(
        "float32",
        "float32 spectra",
        "fit",
        r"$^",
        True,
        lambda X: X.astype(np.float32),
    ),
    Case(
        "constant",
        "two constant spectra (all points equal) among 24",
        "fit",
        r"constant",
        True,
        _constant_rows,
    ),
    Case(
        "wrong_width",
        "63 points at predict/transform after fitting on 64",
        "predict",
        r"feature|width|points|shape",
        False,
        lambda X: X[:, :-1],
    ),
    Case(
        "nan_predict",
        "one NaN at predict/transform",
        "predict",
        _NAN,
        False,
        lambda X: _set(X, np.nan),
    ),
    Case(
        "constant_predict",
        "two constant spectra at predict/transform",
        "predict",
        r"constant",
        True,
        _constant_rows,
    ),
    Case(
        "single_class",
        "one class only in y (classifiers)",
        "fit",
        r"class",
        False,
        make_y=lambda y, kind: np.zeros_like(y),
    ),
    Case(
        "nan_target",
        "one NaN in y (supervised estimators)",
        "fit",
        _NAN,
        False,
        make_y=_nan_target,
    ),
]

#: Cases where an estimator's silent acceptance is harmless by design, with
#: the reason written out (the results file and the docs quote it).
ACCEPTED_BY_DESIGN: dict[str, dict[str, str]] = {
    "CanonicalGrid": {
        "wrong_width": (
            "maps each spectrum onto the grid over its own range, so any width "
            "is accepted by design"
        ),
    },
}

#: Cases that must warn or be refused: silent acceptance is wrong there.
MUST_WARN: dict[str, set[str]] = {
    "StandardNormalVariate": {"constant", "constant_predict"},
    **{
        name: {"constant", "constant_predict"}
        for name in (
            "TransformRecogEmbedder",
            "MAEEmbedder",
            "VAEEmbedder",
        )
    },
}

#: Wrong outcomes still open, each with its reason (the tests require this
#: table to be exact, so a fix must delete its entry). Empty: every case ends
#: in a refusal, a documented warning or a harmless answer.
KNOWN_WRONG: dict[str, dict[str, str]] = {}


def applies(case: Case, estimator) -> bool:
    """Whether ``case`` is meaningful for ``estimator``."""
    kind = target_kind(estimator)
    if case.name == "single_class":
        return kind == "classes"
    if case.name == "nan_target":
        return kind is not None
    return True


def estimators():
    """``{name: factory}`` of every public estimator with its cheap settings."""
    import importlib.util

    out = {}
    for name, cls in sorted(ESTIMATORS.items()):
        if name == "MiniRocketTransformer" and not importlib.util.find_spec("aeon"):
            continue
        if name.startswith("Conformal") and not importlib.util.find_spec("mapie"):
            continue
        out[name] = lambda cls=cls, name=name: cls(**CHEAP_SETTINGS.get(name, dict)())
    return out


def _output(estimator, X):
    for method in ("predict", "transform", "score_samples"):
        if hasattr(estimator, method):
            return getattr(estimator, method)(X)
    raise TypeError(f"{type(estimator).__name__} has no output method")


def _finite(out, n_rows: int) -> str | None:
    """None if ``out`` is a finite answer for ``n_rows`` spectra, else why."""
    arr = out[0] if isinstance(out, tuple) else out
    arr = np.asarray(arr)
    if arr.shape[:1] != (n_rows,):
        return f"output has shape {arr.shape} for {n_rows} spectra"
    if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        return "non-finite output"
    return None


def _fit(estimator, X, y):
    return estimator.fit(X) if y is None else estimator.fit(X, y)


def _documented(caught) -> list[str]:
    return [
        f"{w.category.__name__}: {w.message}"
        for w in caught
        if issubclass(w.category, UserWarning)
        and not issubclass(w.category, (DeprecationWarning, FutureWarning))
    ]


def run_case(name: str, factory, case: Case, fitted=None) -> dict:
    """Run one case; return ``{"estimator", "case", "outcome", "detail"}``."""
    X, targets = good_data()
    estimator = clone(factory())
    kind = target_kind(estimator)
    y = None if kind is None else targets[kind]
    record = {"estimator": name, "case": case.name}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if case.stage == "predict":
                model = fitted if fitted is not None else _fit(estimator, X, y)
                caught.clear()  # only what the bad input itself brings
                X_bad = case.make_X(X)
                problem = _finite(_output(model, X_bad), len(X_bad))
            else:
                X_bad = case.make_X(X)
                y_bad = y if case.make_y is None else case.make_y(y, kind)
                if case.make_y is None and y is not None:
                    # as many targets as spectra, so the refusal is about X
                    y_bad = y[: len(X_bad)] if np.ndim(X_bad) == 2 else y[:1]
                model = _fit(estimator, X_bad, y_bad)
                X_out = X if case.make_y is not None else X_bad
                problem = _finite(_output(model, X_out), len(X_out))
        except Exception as exc:  # noqa: BLE001 - classified below
            message = f"{type(exc).__name__}: {exc}".strip()
            clear = re.search(case.keyword, message, re.IGNORECASE)
            record["outcome"] = "refused" if clear else "wrong"
            record["detail"] = message if clear else f"unclear error: {message}"
            return record
    warned = _documented(caught)
    if warned:
        record["outcome"], record["detail"] = "warned", warned[0]
    elif problem is not None:
        record["outcome"], record["detail"] = "wrong", problem
    elif case.name in MUST_WARN.get(name, ()):
        record["outcome"] = "wrong"
        record["detail"] = "accepted without the documented warning"
    elif case.may_accept:
        record["outcome"], record["detail"] = "accepted", "finite output"
    elif case.name in ACCEPTED_BY_DESIGN.get(name, {}):
        record["outcome"] = "accepted"
        record["detail"] = ACCEPTED_BY_DESIGN[name][case.name]
    else:
        record["outcome"] = "wrong"
        record["detail"] = "accepted silently"
    return record


def run_estimator(name: str, factory) -> list[dict]:
    """Every applicable case for one estimator (fitted once for predict cases)."""
    X, targets = good_data()
    probe = factory()
    kind = target_kind(probe)
    fitted = None
    records = []
    for case in CASES:
        if not applies(case, probe):
            continue
        if case.stage == "predict" and fitted is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fitted = _fit(clone(probe), X, None if kind is None else targets[kind])
        records.append(run_case(name, factory, case, fitted=fitted))
    return records


def short(message: str, width: int = 160) -> str:
    """First line of ``message``, cut at ``width`` characters."""
    line = str(message).strip().splitlines()[0] if str(message).strip() else ""
    return line if len(line) <= width else line[: width - 3] + "..."
