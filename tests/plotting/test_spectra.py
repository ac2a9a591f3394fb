"""plot_spectra and plot_reconstruction: images against baselines, errors.

Baselines: tests/plotting/baseline/*.png; regenerate them with
``SKLSPEC_UPDATE_BASELINES=1 python -m pytest tests/plotting`` (see
conftest.py).
"""

import numpy as np
import pytest

from sklspec.plotting import plot_reconstruction, plot_spectra
from tests.plotting._data import WAVELENGTHS, bands, spectra

X, CLASSES, VALUES = spectra()


def test_spectra_by_class(check_image):
    ax = plot_spectra(X, CLASSES, wavelengths=WAVELENGTHS, unit="nm")
    assert ax.get_xlabel() == "Wavelength (nm)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0", "1", "2"]
    check_image(ax, "spectra_classes")


def test_spectra_mean_std_by_class(check_image):
    ax = plot_spectra(X, CLASSES, wavelengths=WAVELENGTHS, kind="mean_std")
    assert ax.get_legend().get_texts()[0].get_text() == "0 (n = 8)"
    check_image(ax, "spectra_mean_std")


def test_spectra_coloured_by_a_value_on_a_descending_wavenumber_axis(check_image):
    wavenumbers = 1e7 / WAVELENGTHS  # 10000 -> 4000 cm-1, descending
    ax = plot_spectra(X, VALUES, wavelengths=wavenumbers, unit="cm-1")
    assert ax.get_xlabel() == "Wavenumber (cm⁻¹)"
    assert ax.xaxis_inverted()  # drawn high to low, as stored
    assert len(ax.figure.axes) == 2  # the colorbar
    check_image(ax, "spectra_values_wavenumbers")


def test_spectra_without_y_from_a_dataframe(check_image):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X[:5], columns=[f"{w:g}" for w in WAVELENGTHS])
    ax = plot_spectra(frame, color="black", linewidth=1)
    assert ax.get_xlabel() == "Spectral axis"  # an axis, no unit given
    assert ax.get_xlim() == (1000.0, 2500.0)
    check_image(ax, "spectra_frame")


def test_spectra_on_given_axes_and_point_index():
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2)
    assert plot_spectra(X[0], ax=b) is b
    assert b.get_xlabel() == "Point index"
    assert b.get_xlim() == (0.0, X.shape[1] - 1)
    assert not a.lines and not a.collections


def test_reconstruction(check_image):
    rng = np.random.default_rng(1)
    clean = bands([1200, 1700, 2100], [60, 80, 70], [0.5, 0.8, 0.6])[None, :]
    noisy = clean + rng.normal(0, 0.03, clean.shape)
    rec = clean + 0.02 * np.sin(WAVELENGTHS / 60)[None, :]
    ax = plot_reconstruction(noisy, rec, X_clean=clean, wavelengths=WAVELENGTHS)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    rmse = np.sqrt(np.mean((rec - clean) ** 2))
    assert texts == ["input", "clean", f"reconstruction (RMSE {rmse:.3g} vs clean)"]
    check_image(ax, "reconstruction")


def test_reconstruction_without_clean_picks_the_row():
    ax = plot_reconstruction(X, X * 0.5, index=-1)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), X[-1])
    assert "vs input" in ax.get_legend().get_texts()[-1].get_text()


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"wavelengths": WAVELENGTHS[:-1]}, ValueError, "79 values but the spectra"),
        ({"kind": "bands"}, ValueError, "kind must be one of 'lines', 'mean_std'"),
        ({"y": CLASSES[:-1]}, ValueError, "y has 23 values but there are 24"),
        ({"y": VALUES, "kind": "mean_std"}, ValueError, "continuous values"),
        ({"y": CLASSES, "color": "red"}, ValueError, "color= is set by y"),
        ({"ax": "left"}, TypeError, "ax must be a matplotlib Axes"),
    ],
)
def test_spectra_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_spectra(X, **kwargs)


def test_spectra_refuse_non_spectra():
    with pytest.raises(ValueError, match="must be 2-D"):
        plot_spectra(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="must hold numbers"):
        plot_spectra([["a", "b"]])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"X_reconstructed": X[:, :40]}, ValueError, "reconstructs on its grid"),
        ({"X_clean": X[:3]}, ValueError, "X_clean has shape"),
        ({"index": 24}, IndexError, "index 24 is out of range for 24 spectra"),
        ({"index": 1.0}, TypeError, "index must be an int"),
    ],
)
def test_reconstruction_errors(kwargs, error, match):
    args = {"X_reconstructed": X, **kwargs}
    rec = args.pop("X_reconstructed")
    with pytest.raises(error, match=match):
        plot_reconstruction(X, rec, **args)
