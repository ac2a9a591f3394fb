"""Tests of Resample."""

import numpy as np
import pytest
from scipy.interpolate import CubicSpline

from sklspec.preprocessing import Resample


@pytest.mark.parametrize("kind", ["linear", "cubic"])
def test_identity_on_same_axis(spectra, kind):
    X, w = spectra
    res = Resample(target_wavelengths=w, wavelengths=w, kind=kind).fit(X)
    np.testing.assert_allclose(res.transform(X), X, rtol=1e-12)


def test_default_target_is_even_grid_with_same_count(spectra):
    X, w = spectra
    w_irregular = w + np.r_[0.0, np.full(99, 0.3), 0.0]
    res = Resample(wavelengths=w_irregular).fit(X)
    np.testing.assert_allclose(res.wavelengths_out_, w)
    # On an evenly spaced input the default is the identity.
    np.testing.assert_allclose(Resample(wavelengths=w).fit_transform(X), X)


def test_int_target(spectra):
    X, w = spectra
    res = Resample(target_wavelengths=11, wavelengths=w).fit(X)
    np.testing.assert_allclose(res.wavelengths_out_, np.linspace(1000, 2000, 11))
    np.testing.assert_allclose(res.transform(X), X[:, ::10])


@pytest.mark.parametrize("kind", ["linear", "cubic"])
def test_exact_on_linear_signals(kind):
    w = np.sort(np.random.default_rng(0).uniform(1000, 2000, 50))
    X = np.vstack([2.0 + 0.003 * w, -1.0 - 0.01 * w])
    target = np.linspace(w[0], w[-1], 37)
    Xt = Resample(target, wavelengths=w, kind=kind).fit_transform(X)
    expected = np.vstack([2.0 + 0.003 * target, -1.0 - 0.01 * target])
    np.testing.assert_allclose(Xt, expected, rtol=1e-10)


def test_linear_matches_np_interp(spectra):
    X, w = spectra
    target = np.linspace(1003.3, 1996.1, 57)
    Xt = Resample(target, wavelengths=w).fit_transform(X)
    expected = np.vstack([np.interp(target, w, row) for row in X])
    np.testing.assert_allclose(Xt, expected, rtol=1e-12)


def test_cubic_matches_not_a_knot_spline(spectra):
    X, w = spectra
    target = np.linspace(1003.3, 1996.1, 57)
    Xt = Resample(target, wavelengths=w, kind="cubic").fit_transform(X)
    expected = CubicSpline(w, X, axis=1, bc_type="not-a-knot")(target)
    np.testing.assert_allclose(Xt, expected, rtol=1e-10)


def test_decreasing_input_axis(spectra):
    X, w = spectra
    target = np.array([1500.0, 1250.0, 1010.0])
    Xt = Resample(target, wavelengths=w[::-1]).fit_transform(X[:, ::-1])
    expected = np.vstack([np.interp(target, w, row) for row in X])
    np.testing.assert_allclose(Xt, expected, rtol=1e-12)


def test_refuses_extrapolation(spectra):
    X, w = spectra
    with pytest.raises(ValueError, match=r"outside the input wavelengths, which run "):
        Resample([900.0, 1500.0], wavelengths=w).fit(X)


def test_refuses_extrapolation_without_axis_mentions_index(spectra):
    X, _ = spectra
    with pytest.raises(ValueError, match="column indices .* pass `wavelengths`"):
        Resample([1000.0, 1500.0]).fit(X)


def test_feature_names_are_formatted_targets(spectra):
    X, w = spectra
    res = Resample([1000.0, 1250.5, 2000.0], wavelengths=w).fit(X)
    assert list(res.get_feature_names_out()) == ["1000", "1250.5", "2000"]
    # The names read back to the same floats.
    np.testing.assert_array_equal(
        [float(n) for n in res.get_feature_names_out()], res.wavelengths_out_
    )


def test_output_dataframe_feeds_the_next_step(spectra):
    pd = pytest.importorskip("pandas")
    X, w = spectra
    target = np.linspace(1100.0, 1900.0, 9)
    out = (
        Resample(target, wavelengths=w).set_output(transform="pandas").fit_transform(X)
    )
    assert isinstance(out, pd.DataFrame)
    np.testing.assert_array_equal([float(c) for c in out.columns], target)
    again = Resample(target[::2]).fit(out)  # axis read from the column names
    np.testing.assert_array_equal(again.wavelengths_in_, target)


def test_bad_target(spectra):
    X, w = spectra
    with pytest.raises(ValueError, match="strictly increasing or strictly decreasing"):
        Resample([1200.0, 1100.0, 1300.0], wavelengths=w).fit(X)


def test_cubic_needs_four_points():
    with pytest.raises(ValueError, match=r"3 feature\(s\).*minimum of 4"):
        Resample(kind="cubic").fit(np.ones((2, 3)))
