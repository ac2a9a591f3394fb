"""Synthetic spectra: Beer-Lambert mixtures seen through a realistic instrument."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import Bunch, check_random_state

__all__ = ["make_paired_spectra", "make_spectra"]


# =========================================================================== helpers
def _feature_names(wavelengths: np.ndarray) -> np.ndarray:
    """Shortest round-tripping string of each axis value (``"1100"``, ``"7398.3"``)."""
    return np.asarray(
        [np.format_float_positional(float(w), trim="-") for w in wavelengths],
        dtype=object,
    )


def _axis(lo: float, hi: float, n: int) -> np.ndarray:
    """Evenly spaced axis, rounded to 0.01 where that keeps it strictly monotonic."""
    w = np.linspace(lo, hi, n)
    r = np.round(w, 2)
    return r if n < 2 or np.all(np.diff(r) > 0) else w


def _pseudo_voigt(x, centre, fwhm, eta):
    """Peak-normalised pseudo-Voigt bands, broadcasting over leading axes."""
    z2 = ((x - centre) / fwhm) ** 2
    gauss = np.exp(-4.0 * np.log(2.0) * z2)
    lorentz = 1.0 / (1.0 + 4.0 * z2)
    return eta * lorentz + (1.0 - eta) * gauss


def _pure_spectra(
    rng,
    axis: np.ndarray,
    n_components: int,
    *,
    n_bands: tuple[int, int],
    fwhm: tuple[float, float],
    hide_analyte: bool,
) -> np.ndarray:
    """Pure-component absorptivities of shape (n_components, n_points).

    Every component is a sum of ``n_bands`` overlapping pseudo-Voigt bands with
    widths drawn in ``fwhm`` (fractions of the axis span) and is scaled to a
    maximum of 1. The last two components are the analytes, the first
    ``n_components - 3`` the majors; with ``hide_analyte`` the analytes'
    bands sit under bands of the majors.
    """
    lo, hi = float(np.min(axis)), float(np.max(axis))
    span = hi - lo
    max_bands = n_bands[1]
    counts = rng.randint(n_bands[0], n_bands[1] + 1, size=n_components)
    present = np.arange(max_bands)[None, :] < counts[:, None]
    centres = rng.uniform(lo + 0.03 * span, hi - 0.03 * span, (n_components, max_bands))
    widths = span * rng.uniform(fwhm[0], fwhm[1], (n_components, max_bands))
    amps = rng.uniform(0.2, 1.0, (n_components, max_bands)) * present
    eta = rng.uniform(0.0, 0.6, (n_components, max_bands))
    if hide_analyte:
        major_centres = centres[:-3][present[:-3]]
        picks = rng.choice(major_centres, size=(2, max_bands))
        centres[-2:] = picks + rng.normal(0.0, 0.015 * span, (2, max_bands))
    bands = _pseudo_voigt(
        axis[None, None, :],
        centres[:, :, None],
        widths[:, :, None],
        eta[:, :, None],
    )
    pure = np.einsum("kb,kbp->kp", amps, bands)
    return pure / pure.max(axis=1, keepdims=True)


def _measure(
    rng,
    concentrations: np.ndarray,
    pure: np.ndarray,
    axis: np.ndarray,
    *,
    noise: float,
    scatter: float,
    shift: float,
    scatter_draws: np.ndarray | None = None,
) -> np.ndarray:
    """Spectra of the mixtures through an instrument (all samples at once).

    Beer-Lambert mixture ``C @ E``, a per-sample fractional axis shift (linear
    interpolation), multiplicative scatter (gain), additive scatter (offset),
    a smooth quadratic baseline, and heteroscedastic Gaussian noise whose
    standard deviation grows with the absorbance. ``scatter_draws`` (n, 4)
    standard normals fix the per-sample gain and baseline draws, so that two
    instruments can see the same sample presentation.
    """
    n, p = concentrations.shape[0], axis.shape[0]
    clean = concentrations @ pure  # (n, p)
    # wavelength shift, in points, applied by linear interpolation
    step = abs(float(axis[-1] - axis[0])) / max(p - 1, 1)
    s = rng.normal(0.0, shift, n) / step if step > 0 else np.zeros(n)
    pos = np.clip(np.arange(p)[None, :] - s[:, None], 0, p - 1)
    i0 = np.floor(pos).astype(np.intp)
    i1 = np.minimum(i0 + 1, p - 1)
    frac = pos - i0
    shifted = (
        np.take_along_axis(clean, i0, axis=1) * (1.0 - frac)
        + np.take_along_axis(clean, i1, axis=1) * frac
    )
    # scatter: gain (path length / particle size) and smooth baseline
    if scatter_draws is None:
        g, z = rng.normal(0.0, 1.0, (n, 1)), rng.normal(0.0, 1.0, (n, 3))
    else:
        g, z = scatter_draws[:, :1], scatter_draws[:, 1:4]
    gain = np.exp(scatter * g)
    u = np.linspace(-1.0, 1.0, p)[None, :]
    coef = z * np.array([scatter, scatter / 2, scatter / 4])
    baseline = coef[:, [0]] + coef[:, [1]] * u + coef[:, [2]] * (u**2 - 1.0 / 3.0)
    signal = gain * shifted
    sd = noise * (1.0 + np.abs(signal))
    return signal + baseline + rng.normal(0.0, 1.0, (n, p)) * sd


def _check_positive_int(value, name: str, minimum: int = 1) -> int:
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or value < minimum
    ):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def _check_nonneg(value, name: str) -> float:
    if not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}.")
    return float(value)


def _check_task(task) -> str:
    if task not in ("classification", "regression"):
        raise ValueError(
            f"task must be 'classification' or 'regression', got {task!r}."
        )
    return task


_ANALYTE_SD = 0.003  # within-class sd of the analyte concentration (mass fraction)
_CLASS_RADIUS = 2.0  # distance of the class means from their centre, in _ANALYTE_SD


def _concentrations(rng, n_samples, n_components, task, n_classes, class_sep):
    """Concentrations (n_samples, n_components), target, target names.

    Components ``0 .. K-4`` are major constituents (Dirichlet shares of what
    the minor ones leave), ``K-3`` is a minor nuisance constituent, ``K-2``
    and ``K-1`` the two minor analytes that drive the target.
    """
    n_major = n_components - 3
    nuisance = rng.lognormal(np.log(0.03), 0.4, n_samples)
    if task == "classification":
        y = rng.permutation(np.arange(n_samples) % n_classes)
        # class means on a circle in the plane of the two analytes
        angle = 2.0 * np.pi * y / n_classes
        radius = _CLASS_RADIUS * _ANALYTE_SD * class_sep
        analytes = (
            0.03
            + radius * np.column_stack([np.cos(angle), np.sin(angle)])
            + rng.normal(0.0, _ANALYTE_SD, (n_samples, 2))
        )
        analytes = np.clip(analytes, 0.0, None)
        target_names = np.asarray([f"class_{k}" for k in range(n_classes)])
    else:
        analytes = rng.lognormal(np.log(0.03), 0.35, (n_samples, 2))
        # reference-method error of about 3 % of the spread of the target
        y = 100.0 * analytes[:, 0] + rng.normal(0.0, 0.03, n_samples)
        target_names = np.asarray(["analyte_pct"])
    rest = np.clip(1.0 - analytes.sum(axis=1) - nuisance, 0.0, None)
    majors = rng.dirichlet(np.full(n_major, 4.0), n_samples) * rest[:, None]
    C = np.column_stack([majors, nuisance, analytes])
    return C, y, target_names


def _component_names(n_components: int) -> np.ndarray:
    return np.asarray(
        [f"major_{k}" for k in range(n_components - 3)]
        + ["nuisance", "analyte_a", "analyte_b"]
    )


def _check_common(n_samples, n_components, task, n_classes, class_sep):
    _check_positive_int(n_samples, "n_samples")
    _check_positive_int(n_components, "n_components", 4)
    _check_task(task)
    if task == "classification":
        _check_positive_int(n_classes, "n_classes", 2)
        if n_samples < n_classes:
            raise ValueError(
                f"n_samples={n_samples} is smaller than n_classes={n_classes}."
            )
    _check_nonneg(class_sep, "class_sep")


# =========================================================================== public
def make_spectra(
    n_samples: int = 300,
    n_wavelengths: int = 256,
    *,
    task: str = "classification",
    n_classes: int = 3,
    n_components: int = 6,
    noise: float = 0.002,
    scatter: float = 0.05,
    shift: float = 1.0,
    class_sep: float = 1.0,
    random_state=None,
    wavelength_range: tuple[float, float] = (1000.0, 2500.0),
    return_X_y: bool = False,
    as_frame: bool = False,
):
    """Generate NIR-like absorbance spectra of mixtures.

    The generative model, fully vectorised:

    - ``n_components`` pure-component spectra, each a sum of 3-6 broad,
      overlapping pseudo-Voigt (Gaussian/Lorentzian) bands, scaled to a
      maximum absorptivity of 1;
    - concentrations per sample: ``n_components - 3`` major constituents
      (Dirichlet shares of what the minor ones leave), one minor nuisance
      constituent (log-normal, about 3 %) and two minor *analytes* (about
      3 % each) whose bands lie under bands of the major constituents;
    - the target depends on the analytes only: for classification, the
      class means of the two analyte contents lie on a circle of radius
      ``0.6 % * class_sep`` around 3 % (balanced classes), with a
      within-class standard deviation of 0.3 %, so classes overlap and even
      an ideal model is not perfect (about 91 % for 3 classes); for
      regression ``y`` is the content of the first analyte in % (log-normal
      around 3 %) plus a small reference-method error;
    - Beer-Lambert mixing ``X = C @ E``, then a per-sample wavelength shift
      (standard deviation ``shift``, applied by fractional linear
      interpolation), multiplicative scatter (log-normal gain, sd
      ``scatter``), additive scatter and a smooth quadratic baseline (sd
      ``scatter``, ``scatter/2``, ``scatter/4``), and heteroscedastic noise of
      standard deviation ``noise * (1 + |absorbance|)``.

    With the defaults, PLS-DA (10 latent variables) on the raw spectra
    reaches about 78-90 % 5-fold accuracy: learnable, but not solved without
    care (too few latent variables stay near chance).

    Parameters
    ----------
    n_samples : int, default=300
        Number of spectra.
    n_wavelengths : int, default=256
        Number of spectral points.
    task : {"classification", "regression"}, default="classification"
        Kind of target.
    n_classes : int, default=3
        Number of classes (classification only).
    n_components : int, default=6
        Number of chemical constituents (at least 4: majors, a nuisance and
        two analytes).
    noise : float, default=0.002
        Noise level (absorbance units at zero absorbance).
    scatter : float, default=0.05
        Strength of multiplicative and additive scatter and baseline.
    shift : float, default=1.0
        Standard deviation of the per-sample wavelength shift, in the axis
        unit (nm).
    class_sep : float, default=1.0
        Multiplies the spacing of the class means of the analyte; larger is
        easier.
    random_state : int, RandomState instance or None, default=None
        Seeds everything (pure spectra, concentrations, instrument effects).
    wavelength_range : tuple of float, default=(1000.0, 2500.0)
        First and last wavelength, in nm.
    return_X_y : bool, default=False
        Return ``(X, y)`` instead of a Bunch.
    as_frame : bool, default=False
        ``X`` as a pandas DataFrame with the wavelengths as string column
        names (and ``y`` as a Series); the Bunch then also has ``frame``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X`` (n_samples, n_wavelengths) float64, ``y`` (int class labels or
        float analyte %), ``wavelengths`` (nm), ``wavelength_unit``,
        ``target_names``, ``feature_names`` (wavelengths as strings),
        ``concentrations`` (n_samples, n_components), ``component_names``,
        ``pure_spectra`` (n_components, n_wavelengths) and ``DESCR``.
    (X, y) : tuple
        With ``return_X_y=True``.

    Examples
    --------
    >>> from sklspec.datasets import make_spectra
    >>> data = make_spectra(n_samples=60, n_wavelengths=100, random_state=0)
    >>> data.X.shape, data.y.shape, data.wavelengths[[0, -1]].tolist()
    ((60, 100), (60,), [1000.0, 2500.0])
    >>> data.feature_names[:2].tolist()
    ['1000', '1015.15']
    """
    _check_common(n_samples, n_components, task, n_classes, class_sep)
    _check_positive_int(n_wavelengths, "n_wavelengths", 2)
    for value, name in ((noise, "noise"), (scatter, "scatter"), (shift, "shift")):
        _check_nonneg(value, name)
    lo, hi = (float(v) for v in wavelength_range)
    if not hi > lo:
        raise ValueError(
            f"wavelength_range must be (low, high) with high > low, got "
            f"{wavelength_range!r}."
        )
    rng = check_random_state(random_state)
    wavelengths = _axis(lo, hi, n_wavelengths)
    pure = _pure_spectra(
        rng,
        wavelengths,
        n_components,
        n_bands=(3, 6),
        fwhm=(0.04, 0.14),
        hide_analyte=True,
    )
    C, y, target_names = _concentrations(
        rng, n_samples, n_components, task, n_classes, class_sep
    )
    X = _measure(rng, C, pure, wavelengths, noise=noise, scatter=scatter, shift=shift)
    feature_names = _feature_names(wavelengths)
    descr = (
        "Synthetic NIR-like spectra (sklspec.datasets.make_spectra)\n"
        f"{n_samples} samples x {n_wavelengths} wavelengths "
        f"({lo:g}-{hi:g} nm); task={task}"
        + (f", {n_classes} balanced classes" if task == "classification" else "")
        + f".\nBeer-Lambert mixtures of {n_components} constituents "
        f"({n_components - 3} major, 1 minor nuisance, 2 minor analytes hidden "
        "under major bands); the target depends on the analytes only.\n"
        f"Instrument: shift sd {shift:g} nm, scatter {scatter:g}, "
        f"noise {noise:g} x (1 + |A|)."
    )
    if as_frame:
        X, y, frame = _as_frame(X, y, feature_names, task)
    else:
        frame = None
    if return_X_y:
        return X, y
    bunch = Bunch(
        X=X,
        y=y,
        wavelengths=wavelengths,
        wavelength_unit="nm",
        target_names=target_names,
        feature_names=feature_names,
        concentrations=C,
        component_names=_component_names(n_components),
        pure_spectra=pure,
        DESCR=descr,
    )
    if frame is not None:
        bunch.frame = frame
    return bunch


def _as_frame(X, y, feature_names, task):
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover
        raise ImportError(
            "as_frame=True needs pandas: `pip install pandas` (or sklspec[pandas])."
        ) from exc
    X = pd.DataFrame(X, columns=[str(c) for c in feature_names])
    y = pd.Series(y, name="target" if task == "classification" else "analyte_pct")
    return X, y, pd.concat([X, y], axis=1)


def make_paired_spectra(
    n_samples: int = 200,
    *,
    n_wavelengths_low: int = 128,
    n_wavelengths_high: int = 512,
    task: str = "regression",
    n_classes: int = 3,
    n_components: int = 6,
    noise_low: float = 0.002,
    noise_high: float = 0.001,
    scatter: float = 0.05,
    class_sep: float = 1.0,
    random_state=None,
):
    """Generate the same samples measured by a NIR-like and a MIR-like instrument.

    One set of latent concentrations (as in :func:`make_spectra`: major
    constituents, a minor nuisance, two minor analytes driving ``y``) is seen
    by two instruments with their own pure-component spectra, axis shifts
    and noise. The scatter (multiplicative gain and smooth baseline, drawn
    per sample) is shared: both instruments see the same sample presentation,
    so the high-fidelity spectrum is predictable from the low-fidelity one up
    to noise and shift:

    - *low* (NIR-like): 1100-1700 nm, ``n_wavelengths_low`` points, broad
      overtone bands (analyte hidden under major bands), more noise
      (``noise_low``);
    - *high* (MIR-like): 600-4000 cm⁻¹ wavenumbers, ``n_wavelengths_high``
      points, many sharp fundamental bands, less noise (``noise_high``).

    Useful for cross-modal (NIR -> MIR) representation learning and transfer.

    Parameters
    ----------
    n_samples : int, default=200
        Number of samples (each measured by both instruments).
    n_wavelengths_low : int, default=128
        Points of the NIR-like spectra.
    n_wavelengths_high : int, default=512
        Points of the MIR-like spectra.
    task : {"regression", "classification"}, default="regression"
        Kind of target (analyte % or analyte-driven classes).
    n_classes : int, default=3
        Number of classes (classification only).
    n_components : int, default=6
        Number of constituents (at least 4).
    noise_low, noise_high : float, default=0.002, 0.001
        Noise levels of the two instruments.
    scatter : float, default=0.05
        Scatter and baseline strength; the per-sample draws are shared by
        both instruments.
    class_sep : float, default=1.0
        Spacing of the class means (classification only).
    random_state : int, RandomState instance or None, default=None
        Seeds everything.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X_low`` (n_samples, n_wavelengths_low), ``X_high`` (n_samples,
        n_wavelengths_high), ``wavelengths_low`` (nm), ``wavelengths_high``
        (cm⁻¹), ``wavelength_unit_low``, ``wavelength_unit_high``,
        ``feature_names_low``, ``feature_names_high``, ``y``,
        ``target_names``, ``concentrations``, ``component_names``,
        ``DESCR``, and ``X`` / ``wavelengths`` / ``feature_names`` equal to
        the low-resolution view.

    Examples
    --------
    >>> from sklspec.datasets import make_paired_spectra
    >>> d = make_paired_spectra(n_samples=50, random_state=0)
    >>> d.X_low.shape, d.X_high.shape, d.y.shape
    ((50, 128), (50, 512), (50,))
    """
    _check_common(n_samples, n_components, task, n_classes, class_sep)
    _check_positive_int(n_wavelengths_low, "n_wavelengths_low", 2)
    _check_positive_int(n_wavelengths_high, "n_wavelengths_high", 2)
    for value, name in (
        (noise_low, "noise_low"),
        (noise_high, "noise_high"),
        (scatter, "scatter"),
    ):
        _check_nonneg(value, name)
    rng = check_random_state(random_state)
    C, y, target_names = _concentrations(
        rng, n_samples, n_components, task, n_classes, class_sep
    )
    w_low = _axis(1100.0, 1700.0, n_wavelengths_low)
    w_high = _axis(600.0, 4000.0, n_wavelengths_high)
    pure_low = _pure_spectra(
        rng,
        w_low,
        n_components,
        n_bands=(3, 6),
        fwhm=(0.05, 0.18),
        hide_analyte=True,
    )
    pure_high = _pure_spectra(
        rng,
        w_high,
        n_components,
        n_bands=(8, 15),
        fwhm=(0.003, 0.012),
        hide_analyte=False,
    )
    draws = rng.normal(0.0, 1.0, (n_samples, 4))
    X_low = _measure(
        rng,
        C,
        pure_low,
        w_low,
        noise=noise_low,
        scatter=scatter,
        shift=2.0,
        scatter_draws=draws,
    )
    X_high = _measure(
        rng,
        C,
        pure_high,
        w_high,
        noise=noise_high,
        scatter=scatter,
        shift=0.5,
        scatter_draws=draws,
    )
    names_low = _feature_names(w_low)
    descr = (
        "Paired synthetic spectra (sklspec.datasets.make_paired_spectra)\n"
        f"{n_samples} samples measured twice: NIR-like 1100-1700 nm "
        f"({n_wavelengths_low} points, broad bands, noise {noise_low:g}) and "
        f"MIR-like 600-4000 cm-1 ({n_wavelengths_high} points, sharp bands, "
        f"noise {noise_high:g}); the same concentrations of {n_components} "
        f"constituents underlie both; task={task}."
    )
    return Bunch(
        X_low=X_low,
        X_high=X_high,
        wavelengths_low=w_low,
        wavelengths_high=w_high,
        wavelength_unit_low="nm",
        wavelength_unit_high="cm-1",
        feature_names_low=names_low,
        feature_names_high=_feature_names(w_high),
        y=y,
        target_names=target_names,
        concentrations=C,
        component_names=_component_names(n_components),
        X=X_low,
        wavelengths=w_low,
        feature_names=names_low,
        DESCR=descr,
    )
