"""Helpers shared by the plotting functions: matplotlib, axes, axis, colours."""

from __future__ import annotations

import numpy as np

from ..utils._validation import check_wavelengths, wavelengths_from_X

_INSTALL = 'pip install "sklspec[plot]"'

#: The Okabe-Ito palette (Okabe & Ito 2008), distinguishable with the common
#: colour-vision deficiencies; ordered so the first colours keep contrast on
#: white (yellow comes late, black last).
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Colormap of continuous targets (perceptually uniform, colour-blind safe).
CMAP = "viridis"
#: Neutral colour of reference lines (chance level, identity, inputs).
GREY = "0.35"

#: Axis labels of the units sklspec's readers and CanonicalGrid name.
_UNIT_LABELS = {
    "nm": "Wavelength (nm)",
    "um": "Wavelength (µm)",
    "µm": "Wavelength (µm)",
    "cm-1": "Wavenumber (cm⁻¹)",
    "1/cm": "Wavenumber (cm⁻¹)",
    "raman_shift": "Raman shift (cm⁻¹)",
    "hz": "Frequency (Hz)",
    "ev": "Energy (eV)",
    "kev": "Energy (keV)",
    "m/z": "m/z",
    "points": "Point index",
}


def import_pyplot():
    """Return ``matplotlib.pyplot``, or raise an ImportError saying how to get it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised with a fake import
        raise ImportError(
            f"sklspec.plotting needs matplotlib: {_INSTALL} (or pip install "
            "matplotlib)."
        ) from exc
    return plt


def get_ax(ax, *, figsize=None):
    """``ax`` itself, or the Axes of a new figure (``plt.subplots``).

    A new figure uses the constrained layout, so labels, legends outside the
    axes and colorbars fit in it when it is saved.
    """
    plt = import_pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
        return ax
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes or None, got {type(ax).__name__}."
        )
    return ax


def axis_label(unit: str | None, known: bool) -> str:
    """The x-axis label of a spectral axis in ``unit``.

    Known units get a full label (``"cm-1"`` -> ``"Wavenumber (cm⁻¹)"``);
    other units are shown in brackets; without a unit an axis that is known
    reads "Spectral axis" and an unknown one (point numbers) "Point index".
    """
    if unit is None:
        return "Spectral axis" if known else "Point index"
    unit = str(unit)
    return _UNIT_LABELS.get(unit.lower(), f"Spectral axis ({unit})")


def as_spectra(X, name: str = "X") -> np.ndarray:
    """``X`` as a 2-D float array of spectra (a single spectrum becomes one row)."""
    try:
        arr = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must hold numbers (spectra as rows): {exc}") from None
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (n_spectra, n_points) or a single 1-D spectrum, "
            f"got an array of shape {arr.shape}."
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}).")
    return arr


def spectral_axis(X, n_points: int, wavelengths=None) -> tuple[np.ndarray, bool]:
    """The x values of ``n_points`` spectral points and whether they are known.

    From ``wavelengths`` when given (checked against ``n_points``), else the
    numeric column names of a DataFrame ``X``, else the point index.
    """
    if wavelengths is not None:
        try:
            return check_wavelengths(wavelengths, n_points), True
        except ValueError as exc:
            raise ValueError(str(exc).replace("X has", "the spectra have")) from None
    w = wavelengths_from_X(X)
    if w is not None and len(w) == n_points:
        return w, True
    return np.arange(n_points, dtype=float), False


def finish_spectral_axis(ax, w: np.ndarray, unit, known: bool) -> None:
    """Label the x axis and keep a descending axis in its data order."""
    ax.set_xlabel(axis_label(unit, known))
    if len(w) > 1 and w[0] > w[-1] and not ax.xaxis_inverted():
        # wavenumbers are drawn high to low when the spectra are stored so
        ax.invert_xaxis()


def target_kind(y) -> str:
    """``"classes"`` for class labels, ``"continuous"`` for values."""
    from sklearn.utils.multiclass import type_of_target

    kind = type_of_target(y, input_name="y")
    if kind in ("binary", "multiclass"):
        return "classes"
    if kind == "continuous":
        return "continuous"
    raise ValueError(
        f"y must be one class label or one value per spectrum; got a target of "
        f"type {kind!r}."
    )


def class_colors(n: int) -> list:
    """``n`` distinguishable colours: Okabe-Ito up to 8, viridis beyond."""
    if n <= len(OKABE_ITO):
        return list(OKABE_ITO[:n])
    import matplotlib

    cmap = matplotlib.colormaps[CMAP]
    return [cmap(v) for v in np.linspace(0, 0.95, n)]


def check_y(y, n: int, name: str = "y") -> np.ndarray:
    """``y`` as a 1-D array of ``n`` values."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (one value per spectrum), got shape {arr.shape}."
        )
    if len(arr) != n:
        raise ValueError(f"{name} has {len(arr)} values but there are {n} spectra.")
    return arr


def target_name(y, default: str = "target") -> str:
    """The name of a pandas Series ``y``, else ``default``."""
    name = getattr(y, "name", None)
    return str(name) if name is not None else default


def check_choice(value, name: str, options) -> str:
    if value not in options:
        raise ValueError(
            f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}."
        )
    return value
