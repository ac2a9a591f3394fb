"""What every plotting function shares: lazy matplotlib, axes, unit labels."""

import subprocess
import sys

import numpy as np
import pytest

from sklspec import plotting
from sklspec.plotting._base import axis_label

pytest.importorskip("matplotlib")


def test_importing_the_module_does_not_import_matplotlib():
    # nor torch: drawing needs neither (band_importance's saliency imports it)
    code = (
        "import sys, sklspec.plotting; "
        "print([m for m in ('matplotlib', 'torch') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_without_matplotlib_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "sklspec\[plot\]"'):
        plotting.plot_spectra(np.zeros((2, 5)))


@pytest.mark.parametrize(
    "unit, known, label",
    [
        ("nm", True, "Wavelength (nm)"),
        ("um", True, "Wavelength (µm)"),
        ("cm-1", True, "Wavenumber (cm⁻¹)"),
        ("raman_shift", True, "Raman shift (cm⁻¹)"),
        ("m/z", True, "m/z"),
        ("keV", True, "Energy (keV)"),
        ("furlong", True, "Spectral axis (furlong)"),
        (None, True, "Spectral axis"),
        (None, False, "Point index"),
    ],
)
def test_axis_labels(unit, known, label):
    assert axis_label(unit, known) == label


def test_every_function_draws_on_the_given_axes_and_returns_it():
    import matplotlib.pyplot as plt

    from tests.plotting._data import regression

    X, y = regression(30)
    _, ax = plt.subplots()
    calls = {
        "plot_spectra": lambda ax: plotting.plot_spectra(X, ax=ax),
        "plot_reconstruction": lambda ax: plotting.plot_reconstruction(X, X, ax=ax),
        "plot_embedding": lambda ax: plotting.plot_embedding(X, y, ax=ax),
        "plot_predicted_vs_measured": lambda ax: plotting.plot_predicted_vs_measured(
            y, y, ax=ax
        ),
    }
    for name, call in calls.items():
        _, ax = plt.subplots()
        assert call(ax) is ax, name
    assert sorted(plotting.__all__) == plotting.__all__
