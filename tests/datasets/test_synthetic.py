"""Tests of the synthetic spectra generators."""

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.preprocessing import LabelBinarizer

from sklspec.datasets import make_paired_spectra, make_spectra
from sklspec.utils import check_wavelengths


def test_make_spectra_shapes_and_metadata():
    d = make_spectra(n_samples=50, n_wavelengths=70, random_state=0)
    assert d.X.shape == (50, 70) and d.X.dtype == np.float64
    assert d.y.shape == (50,)
    assert d.concentrations.shape == (50, 6)
    assert d.pure_spectra.shape == (6, 70)
    assert len(d.component_names) == 6
    check_wavelengths(d.wavelengths, 70)
    assert d.wavelengths[0] == 1000.0 and d.wavelengths[-1] == 2500.0
    assert [float(f) for f in d.feature_names] == pytest.approx(d.wavelengths)
    assert d.target_names.tolist() == ["class_0", "class_1", "class_2"]
    assert np.all(np.isfinite(d.X)) and "Beer-Lambert" in d.DESCR
    # Beer-Lambert: concentrations are mass fractions
    np.testing.assert_allclose(d.concentrations.sum(axis=1), 1.0, atol=1e-12)
    X, y = make_spectra(n_samples=10, n_wavelengths=20, return_X_y=True)
    assert X.shape == (10, 20) and y.shape == (10,)


def test_make_spectra_reproducible_and_balanced():
    a = make_spectra(n_samples=61, n_wavelengths=30, n_classes=4, random_state=3)
    b = make_spectra(n_samples=61, n_wavelengths=30, n_classes=4, random_state=3)
    c = make_spectra(n_samples=61, n_wavelengths=30, n_classes=4, random_state=4)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.allclose(a.X, c.X)
    counts = np.bincount(a.y)
    assert counts.tolist() == [16, 15, 15, 15]


def test_make_spectra_regression_and_frame():
    d = make_spectra(n_samples=40, n_wavelengths=30, task="regression", random_state=0)
    assert d.y.dtype == np.float64
    # y is the first analyte content in % plus a small reference error
    assert np.corrcoef(d.y, d.concentrations[:, -2])[0, 1] > 0.99
    f = make_spectra(n_samples=20, n_wavelengths=15, as_frame=True, random_state=0)
    assert list(f.X.columns) == list(f.feature_names)
    assert f.frame.shape == (20, 16)


def test_plsda_learnable_but_not_perfect():
    d = make_spectra(random_state=0)
    Y = LabelBinarizer().fit_transform(d.y)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    splits = list(cv.split(d.X, d.y))
    pred = cross_val_predict(PLSRegression(n_components=10), d.X, Y, cv=splits)
    acc = np.mean(pred.argmax(axis=1) == d.y)
    assert 0.6 <= acc <= 0.97


def test_make_spectra_bad_inputs():
    with pytest.raises(ValueError, match="task must be"):
        make_spectra(task="clustering")
    with pytest.raises(ValueError, match="n_components must be an integer >= 4"):
        make_spectra(n_components=2)
    with pytest.raises(ValueError, match="n_classes must be"):
        make_spectra(n_classes=1)
    with pytest.raises(ValueError, match="noise must be a non-negative"):
        make_spectra(noise=-1.0)
    with pytest.raises(ValueError, match="wavelength_range"):
        make_spectra(wavelength_range=(2500.0, 1000.0))


def test_make_paired_spectra():
    d = make_paired_spectra(n_samples=120, random_state=0)
    assert d.X_low.shape == (120, 128) and d.X_high.shape == (120, 512)
    assert d.X is d.X_low and d.y.shape == (120,)
    check_wavelengths(d.wavelengths_low, 128)
    check_wavelengths(d.wavelengths_high, 512)
    assert d.wavelength_unit_high == "cm-1"
    e = make_paired_spectra(n_samples=120, random_state=0)
    np.testing.assert_array_equal(d.X_high, e.X_high)
    # both views see the same concentrations: each predicts a major constituent
    # and the two predictions agree
    c = d.concentrations[:, 0]
    p_low = cross_val_predict(PLSRegression(8), d.X_low, c, cv=4)
    p_high = cross_val_predict(PLSRegression(8), d.X_high, c, cv=4)
    assert np.corrcoef(p_low, p_high)[0, 1] > 0.9
    cls = make_paired_spectra(n_samples=30, task="classification", random_state=0)
    assert set(cls.y) == {0, 1, 2}


def test_make_paired_spectra_shares_scatter():
    # the same sample presentation on both instruments: with strong scatter,
    # the per-sample baseline tilt of one view follows the other's
    d = make_paired_spectra(n_samples=300, scatter=0.3, random_state=0)

    def tilt(X):
        return X[:, :5].mean(axis=1) - X[:, -5:].mean(axis=1)

    assert np.corrcoef(tilt(d.X_low), tilt(d.X_high))[0, 1] > 0.8
