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

import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.utils._param_validation import Interval

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
    stage : {"fit", "predict", "axis"}
        ``fit``: the bad input goes to ``fit`` (and then to the output method
        when fit accepts it); ``predict``: fit on good data, the bad input
        goes to the output method (predict, else transform, else
        score_samples); ``axis``: fit on a DataFrame whose column names are
        a wavelength axis, then the output method gets one on another axis.
    keyword : str
        Regular expression (case-insensitive) a refusal's message must match.
    may_accept : bool
        Whether finite output without a word is a harmless answer.
    make_X : callable
        ``make_X(X) -> X_bad`` from the good spectra.
    make_y : callable or None
        ``make_y(y, kind) -> y_bad`` (target cases only).
    params : tuple of (str, object) pairs
        Constructor parameters set before ``fit`` (the parameter cases of
        :func:`param_cases`); a warning counts only if it matches
        ``keyword`` (it must be about the parameter).
    """

    name: str
    description: str
    stage: str
    keyword: str
    may_accept: bool
    make_X: Callable = lambda X: X
    make_y: Callable | None = None
    params: tuple = ()


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
    Case(
        "wrong_axis",
        "at predict/transform a DataFrame on another wavelength axis (columns "
        "1000-2398 nm after fitting on 1100-2498 nm, same width)",
        "axis",
        r"Resample",
        False,
    ),
]

#: The two wavelength axes of the ``wrong_axis`` case (column names).
FIT_AXIS = np.linspace(1100.0, 2498.0, N_POINTS)
OTHER_AXIS = FIT_AXIS - 100.0

# --------------------------------------------------------------- parameters
#: The value the parameter cases give a data-limited parameter: beyond the
#: 24 spectra and the 64 points of the case data (odd, for filter windows).
BEYOND = 257

#: Integer parameters bounded by the data, found in every estimator's
#: ``_parameter_constraints`` by name, and what bounds them. Each gets a
#: case with the value ``BEYOND``: it must be refused naming the parameter,
#: or clamped with a warning naming it; never silently.
DATA_LIMITED = {
    "n_components": "spectra and points",
    "n_neighbors": "spectra",
    "cv": "spectra",
    "calibration_size": "spectra",
    "window_length": "points",
    "window": "points",
    "patch_size": "points",
    "kernel_size": "points",
    "n_segments": "points",
    "order": "points",
}

#: Integer parameters that the data do not bound, with the reason; every
#: integer parameter of every estimator must be in one of the two tables
#: (``tests/test_bad_input.py`` checks), so a new one is classified on the
#: day it is added.
NOT_DATA_LIMITED = {
    "n_points": "the size of the output grid, which interpolation fills "
    "whatever the input width",
    "min_points": "a refusal threshold itself (input narrower than it is refused)",
    "n_hidden": "the width of a hidden layer",
    "head_hidden": "the widths of the head's hidden layers",
    "latent_dim": "the width of the latent space",
    "embed_dim": "the width of the tokens",
    "decoder_dim": "the width of the decoder's tokens",
    "depth": "the number of transformer blocks",
    "decoder_depth": "the number of decoder blocks",
    "num_heads": "the number of attention heads",
    "decoder_heads": "the number of decoder attention heads",
    "layer": "which encoder layer is read",
    "max_epochs": "the length of the training",
    "warmup_epochs": "the length of the learning-rate warm-up",
    "patience": "the early-stopping patience",
    "batch_size": "a batch larger than the data is the whole data (skorch)",
    "augment": "the number of augmented copies per spectrum",
    "n_augment": "the number of augmented copies per spectrum",
    "max_iter": "an iteration cap",
    "n_kernels": "the number of random kernels",
    "max_dilations_per_kernel": "a cap MiniRocket applies within the width",
    "polyorder": "bounded by window_length, not by the data",
    "deriv": "bounded by polyorder, not by the data",
    "grid": "the size of the canonical grid, which maps any width",
    "target_wavelengths": "the size of the output axis",
}


def integer_params(estimator) -> list[str]:
    """The parameters whose constraints include an integer interval."""
    out = []
    for name, constraints in getattr(estimator, "_parameter_constraints", {}).items():
        if isinstance(constraints, list) and any(
            isinstance(c, Interval) and c.type is Integral for c in constraints
        ):
            out.append(name)
    return out


def param_cases(estimator, value: int = BEYOND) -> list[Case]:
    """One case per data-limited integer parameter of ``estimator``.

    ``value`` must lie beyond the 24 spectra and the 64 points.
    """
    return [
        Case(
            f"{name}_beyond",
            f"{name}={value}, beyond the {DATA_LIMITED[name]} of the data "
            f"({N_SAMPLES} spectra x {N_POINTS} points)",
            "fit",
            rf"\b{name}\b",
            False,
            params=(
                (name, value),
                *PARAM_CONTEXT.get((type(estimator).__name__, name), {}).items(),
            ),
        )
        for name in integer_params(estimator)
        if name in DATA_LIMITED
    ]


#: Cases where an estimator's silent acceptance is harmless by design, with
#: the reason written out (the results file and the docs quote it).
ACCEPTED_BY_DESIGN: dict[str, dict[str, str]] = {
    "CanonicalGrid": {
        "wrong_width": (
            "maps each spectrum onto the grid over its own range, so any width "
            "is accepted by design"
        ),
        "wrong_axis": (
            "reads each input's axis from its column names and maps it onto "
            "the grid, so any axis is accepted by design (that is what the "
            "grid is for)"
        ),
    },
    "PiecewiseDirectStandardization": {
        "n_components_beyond": (
            "n_components above a window's 2 * window + 1 points is the "
            "documented way to ask for the local least-squares fit; beyond "
            "n_samples - 1 it warns (DataLimitWarning)"
        ),
    },
}

#: Parameters that act only together with another setting: the parameter
#: case sets that setting too (``EmbeddingDistanceDetector`` reads
#: ``n_neighbors`` with ``method="knn"`` only, ``SpectralAugmenter`` reads
#: ``n_segments`` for its ``"permute"`` transformation only).
PARAM_CONTEXT: dict[tuple[str, str], dict] = {
    ("EmbeddingDistanceDetector", "n_neighbors"): {"method": "knn"},
    ("SpectralAugmenter", "n_segments"): {"transformations": ("permute",)},
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
#: table to be exact, so a fix must delete its entry).
KNOWN_WRONG: dict[str, dict[str, str]] = {}


def applies(case: Case, estimator) -> bool:
    """Whether ``case`` is meaningful for ``estimator``."""
    kind = target_kind(estimator)
    if case.name == "single_class":
        return kind == "classes"
    if case.name == "nan_target":
        return kind is not None
    return True


def cases_for(estimator) -> list[Case]:
    """The fixed cases that apply to ``estimator``, then its parameter cases."""
    return [c for c in CASES if applies(c, estimator)] + param_cases(estimator)


def case_kinds() -> list[tuple[str, str, str]]:
    """``(name, input, stage)`` of every kind of case, for the docs."""
    rows = [(c.name, c.description, c.stage) for c in CASES]
    rows.append(
        (
            "<param>_beyond",
            f"an integer parameter bounded by the data ({', '.join(DATA_LIMITED)}) "
            f"set to {BEYOND}, beyond the {N_SAMPLES} spectra x {N_POINTS} points",
            "fit",
        )
    )
    return rows


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
    if case.params:
        estimator.set_params(**dict(case.params))
    kind = target_kind(estimator)
    y = None if kind is None else targets[kind]
    record = {"estimator": name, "case": case.name}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if case.stage == "axis":
                import pandas as pd

                frame = pd.DataFrame(X, columns=[f"{w:g}" for w in FIT_AXIS])
                model = _fit(estimator, frame, y)
                caught.clear()
                other = pd.DataFrame(X, columns=[f"{w:g}" for w in OTHER_AXIS])
                problem = _finite(_output(model, other), len(other))
            elif case.stage == "predict":
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
    if case.params:  # a warning about something else does not count
        warned = [w for w in warned if re.search(case.keyword, w, re.IGNORECASE)]
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
    for case in cases_for(probe):
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


# ================================================================ readers
#: The instrument sample files (``SKLSPEC_IO_SAMPLES``, default
#: ``../shared/io-samples`` beside the repository), as ``tests/io`` finds them.
SAMPLES = Path(
    os.environ.get(
        "SKLSPEC_IO_SAMPLES",
        Path(__file__).resolve().parents[1].parent / "shared" / "io-samples",
    )
)

#: A sample file of each format, read cleanly (truncated and renamed copies).
GOOD_SAMPLES = {
    "opus": "test.0000",
    "jcamp": "LABCALC.DX",
    "spc": "sp1.spc",
    "asd": "v7sample00000.asd",
    "wdf": "sp.wdf",
}

#: The first bytes of each format (a file that starts right but ends there).
MAGIC = {
    "opus": b"\x0a\x0a\xfe\xfe",
    "jcamp": b"##TITLE=cut\n##JCAMP-DX=4.24\n##XYDATA=(X++(Y..Y))\n",
    "spc": b"\x00\x4b",
    "asd": b"as7",
    "wdf": b"WDF1",
}


@dataclass(frozen=True)
class FileCase:
    """One kind of bad instrument file.

    Attributes
    ----------
    name, description : str
        As :class:`Case`.
    make : callable
        ``make(folder, fmt, ext) -> (path, reference)``: writes the file (or
        not) in ``folder`` and returns its path and, where the file is a
        renamed or cut copy of a good sample, that sample (a read that gives
        the sample's spectra is a correct answer).
    needs_samples : bool
        Whether ``make`` copies a file of the io samples.
    accepted_because : str
        Why reading the sample's very spectra is right (the docs quote it).
    """

    name: str
    description: str
    make: Callable
    needs_samples: bool = False
    accepted_because: str = ""


def _write(folder, name, data: bytes):
    path = Path(folder) / name
    path.write_bytes(data)
    return path


def _sample(fmt):
    return SAMPLES / GOOD_SAMPLES[fmt]


def _cut(folder, fmt, ext, share):
    src = _sample(fmt)
    data = src.read_bytes()
    return _write(folder, f"cut{ext}", data[: int(len(data) * share)]), src


def _renamed(folder, fmt, ext, other_ext):
    src = _sample(fmt)
    return _write(folder, f"renamed{other_ext}", src.read_bytes()), src


def _other_ext(fmt):
    from sklspec.io._formats import FORMATS

    keys = list(FORMATS)
    return FORMATS[keys[(keys.index(fmt) + 1) % len(keys)]]["extensions"][0]


def _folder(folder, ext):
    path = Path(folder) / f"folder{ext}"
    path.mkdir()
    return path, None


FILE_CASES = [
    FileCase(
        "empty_file",
        "a 0-byte file",
        lambda d, fmt, ext: (_write(d, f"empty{ext}", b""), None),
    ),
    FileCase(
        "magic_only",
        "the format's first bytes, then nothing",
        lambda d, fmt, ext: (_write(d, f"magic{ext}", MAGIC[fmt]), None),
    ),
    FileCase(
        "truncated",
        "the first 10 % of a real file of the format (needs the io samples)",
        lambda d, fmt, ext: _cut(d, fmt, ext, 0.1),
        needs_samples=True,
    ),
    FileCase(
        "half",
        "the first half of a real file of the format (needs the io samples)",
        lambda d, fmt, ext: _cut(d, fmt, ext, 0.5),
        needs_samples=True,
        accepted_because="the spectra lie in the half kept: identical to those "
        "of the whole file",
    ),
    FileCase(
        "garbage",
        "3 kB of random bytes",
        lambda d, fmt, ext: (
            _write(d, f"garbage{ext}", np.random.default_rng(0).bytes(3000)),
            None,
        ),
    ),
    FileCase(
        "text",
        "a short text file (a CSV)",
        lambda d, fmt, ext: (_write(d, f"text{ext}", b"x,y\n1,2\n3,4\n"), None),
    ),
    FileCase(
        "wrong_extension",
        "a real file of the format under the next format's extension (needs "
        "the io samples)",
        lambda d, fmt, ext: _renamed(d, fmt, ext, _other_ext(fmt)),
        needs_samples=True,
        accepted_because="the format is recognised by its first bytes, not by the name",
    ),
    FileCase(
        "unknown_extension",
        "a real file of the format named .xyz (needs the io samples)",
        lambda d, fmt, ext: _renamed(d, fmt, ext, ".xyz"),
        needs_samples=True,
        accepted_because="the format is recognised by its first bytes, not by the name",
    ),
    FileCase(
        "folder", "a folder named like a file", lambda d, fmt, ext: _folder(d, ext)
    ),
    FileCase(
        "missing",
        "a path that does not exist",
        lambda d, fmt, ext: (Path(d) / f"missing{ext}", None),
    ),
]


def readers() -> dict:
    """``{name: function}`` of every reader of :mod:`sklspec.io` (``__all__``)."""
    import sklspec.io

    return {
        name: getattr(sklspec.io, name)
        for name in sklspec.io.__all__
        if name.startswith("read_")
    }


def reader_formats() -> dict[str, str]:
    """``{format: extension}`` of every format of the registry."""
    from sklspec.io import supported_formats
    from sklspec.io._formats import FORMATS

    return {key: FORMATS[key]["extensions"][0] for key in supported_formats()}


def broken_samples() -> list[str]:
    """The deliberately broken files of the io samples (``tests/io``'s list)."""
    from .io.test_readers import REFUSED

    return [name for name, _, _ in REFUSED]


def _same_spectra(data, reference) -> bool:
    from sklspec.io import read_spectrum

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = read_spectrum(reference)
    return (
        np.shape(data.X) == np.shape(ref.X)
        and np.array_equal(data.X, ref.X, equal_nan=True)
        and np.array_equal(data.wavelengths, ref.wavelengths)
    )


def _anonymous(text: str, folder) -> str:
    """The message with the temporary folder and the samples folder hidden."""
    return (
        str(text)
        .replace(str(Path(folder).resolve()), "<tmp>")
        .replace(str(folder), "<tmp>")
        .replace(str(SAMPLES), "<samples>")
    )


def run_file_case(
    reader: str, fmt: str, path, reference, case_name, folder, because=""
) -> dict:
    """Read one bad file; return its record (as :func:`run_case`).

    ``refused``: a :class:`~sklspec.io.SpectrumFileError` (or, for a path
    that is no file, :class:`FileNotFoundError` / :class:`IsADirectoryError`)
    whose message names the file; ``warned``: spectra with a documented
    warning; ``accepted``: the very spectra of the good sample the file was
    made from (the content, not the name, says the format); ``wrong``:
    anything else (another exception, a message without the file, spectra
    read silently from a broken file).
    """
    from sklspec.io import SpectrumFileError

    record = {"estimator": reader, "format": fmt, "case": case_name}
    path = Path(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            data = readers()[reader](path)
        except (SpectrumFileError, FileNotFoundError, IsADirectoryError) as exc:
            message = _anonymous(f"{type(exc).__name__}: {exc}", folder)
            named = path.name in str(exc)
            record["outcome"] = "refused" if named else "wrong"
            record["detail"] = message if named else f"file not named: {message}"
            return record
        except Exception as exc:  # noqa: BLE001 - classified as wrong
            message = _anonymous(f"{type(exc).__name__}: {exc}", folder)
            record["outcome"], record["detail"] = "wrong", f"unclear error: {message}"
            return record
    warned = _documented(caught)
    if warned:
        record["outcome"] = "warned"
        record["detail"] = _anonymous(warned[0], folder)
    elif reference is not None and _same_spectra(data, reference):
        record["outcome"] = "accepted"
        record["detail"] = f"the spectra of {GOOD_SAMPLES[fmt]}: {because}"
    else:
        record["outcome"], record["detail"] = "wrong", "read silently"
    return record


def samples_present() -> bool:
    """Whether the io sample files are there."""
    return (SAMPLES / "expected.json").is_file()


def run_reader(reader: str, folder, samples: bool | None = None) -> list[dict]:
    """The file cases of every installed format for one reader.

    ``samples``: False runs the synthetic cases only, True only those made
    from the io samples (their good files cut or renamed, and their broken
    files), None both where the samples are present.
    """
    from sklspec.io import supported_formats

    if samples is None:
        kinds = {False, True} if samples_present() else {False}
    else:
        kinds = {samples}
    installed = {k for k, v in supported_formats().items() if v["installed"]}
    records = []
    for fmt, ext in reader_formats().items():
        if fmt not in installed:
            continue
        for case in FILE_CASES:
            if case.needs_samples not in kinds:
                continue
            where = Path(folder) / f"{reader}-{fmt}-{case.name}"
            where.mkdir(parents=True)
            path, reference = case.make(where, fmt, ext)
            records.append(
                run_file_case(
                    reader,
                    fmt,
                    path,
                    reference,
                    case.name,
                    folder,
                    case.accepted_because,
                )
            )
    if True in kinds and len(installed) == len(reader_formats()):
        for name in broken_samples():
            where = Path(folder) / f"{reader}-sample-{name}"
            where.mkdir(parents=True)
            path = _write(where, name, (SAMPLES / name).read_bytes())
            records.append(
                run_file_case(reader, "sample", path, None, f"sample:{name}", folder)
            )
    return records


# ======================================================= results and docs
#: Where ``benchmarks/bad_input.py`` stores every outcome, and the page it
#: writes from them (``tests/test_bad_input.py`` holds both to the live run).
RESULTS_JSON = Path(__file__).resolve().parents[1] / "benchmarks/results/bad_input.json"
REFUSALS_PAGE = Path(__file__).resolve().parents[1] / "docs/user_guide/_refusals.rst"
OUTCOMES = ("refused", "warned", "accepted", "wrong")


def comparable(record: dict) -> tuple:
    """What of a record must stay as stored: its key, outcome and message.

    Numbers in the message are masked (a loss or an epoch may differ from
    one machine to the next), the words are not.
    """
    detail = re.sub(r"[-+]?\d[\d.,]*(e[-+]?\d+)?", "#", short(record["detail"], 200))
    key = (record["estimator"], record.get("format", ""), record["case"])
    return key, record["outcome"], detail


def _rst_cell(text: str) -> str:
    return '"' + str(text).replace('"', '""') + '"'


def _count_line(records: list[dict], what: str) -> str:
    counts = {o: sum(r["outcome"] == o for r in records) for o in OUTCOMES}
    return f"{len(records)} {what}: " + ", ".join(f"{counts[o]} {o}" for o in OUTCOMES)


def refusals_page(records: list[dict], reader_records: list[dict]) -> str:
    """The reST fragment of the user guide, from the outcomes alone."""
    n_est = len({r["estimator"] for r in records})
    lines = [
        ".. Generated by benchmarks/bad_input.py from the outcomes it stores in",
        "   benchmarks/results/bad_input.json; tests/test_bad_input.py checks",
        "   both against a live run. Do not edit.",
        "",
        _count_line(records, f"cases on {n_est} estimators") + ".",
        _count_line(reader_records, "cases on the file readers") + ".",
        "",
        ".. csv-table:: The kinds of bad input",
        '   :header: "case", "input", "stage"',
        "",
        *(
            f"   {_rst_cell(name)}, {_rst_cell(text)}, {stage}"
            for name, text, stage in case_kinds()
        ),
        "",
        ".. csv-table:: What each estimator does with them",
        '   :header: "estimator", "case", "outcome", "message (first line)"',
        "   :widths: 18, 12, 8, 62",
        "",
        *(
            f"   {r['estimator']}, {r['case']}, {r['outcome']}, "
            f"{_rst_cell(short(r['detail'], 200))}"
            for r in records
        ),
        "",
        ".. csv-table:: The kinds of bad file (each in every format's extension)",
        '   :header: "case", "file"',
        "",
        *(f"   {c.name}, {_rst_cell(c.description)}" for c in FILE_CASES),
        '   "sample:<name>", "a deliberately broken file of the io samples '
        '(truncated, empty, another format, malformed JCAMP-DX, ragged SPC)"',
        "",
        ".. csv-table:: What each reader does with them",
        '   :header: "reader", "format", "case", "outcome", "message (first line)"',
        "   :widths: 12, 8, 14, 8, 58",
        "",
        *(
            f"   {r['estimator']}, {r['format']}, {r['case']}, {r['outcome']}, "
            f"{_rst_cell(short(r['detail'], 200))}"
            for r in reader_records
        ),
        "",
    ]
    return "\n".join(lines)
