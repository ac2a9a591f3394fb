"""Tests of Detrend."""

import numpy as np
import pytest

from sklspec.preprocessing import Detrend


@pytest.mark.parametrize("order", [0, 1, 2, 3])
def test_detrend_removes_polynomial_baseline_exactly(spectra, order):
    X, w = spectra
    rng = np.random.default_rng(1)
    coef = rng.normal(size=(X.shape[0], order + 1))
    baseline = coef @ np.vander((w - 1500.0) / 500.0, order + 1, increasing=True).T
    det = Detrend(order=order, wavelengths=w).fit(X)
    np.testing.assert_allclose(det.transform(X + baseline), det.transform(X), atol=1e-9)


def test_detrend_output_is_residual_of_polyfit(spectra):
    X, w = spectra
    expected = np.vstack([row - np.polyval(np.polyfit(w, row, 2), w) for row in X])
    Xt = Detrend(order=2, wavelengths=w).fit_transform(X)
    np.testing.assert_allclose(Xt, expected, atol=1e-9)


def test_detrend_pure_baselines_give_zeros(spectra):
    _, w = spectra
    X = np.vstack([3.0 + 0.01 * w, -2.0 + 1e-6 * w**2])
    np.testing.assert_allclose(
        Detrend(order=2, wavelengths=w).fit_transform(X), 0.0, atol=1e-9
    )


def test_detrend_uses_axis_not_index_on_irregular_axis():
    w = np.array([0.0, 1.0, 2.0, 10.0, 11.0])
    X = (2.0 * w + 1.0)[None, :]
    np.testing.assert_allclose(Detrend(wavelengths=w).fit_transform(X), 0.0, atol=1e-12)
    # Against the column index, the same spectrum is not a line.
    assert np.abs(Detrend().fit_transform(X)).max() > 1.0


def test_detrend_reads_axis_from_dataframe(spectra):
    pd = pytest.importorskip("pandas")
    X, w = spectra
    df = pd.DataFrame(X, columns=[str(v) for v in w])
    det = Detrend(order=2).fit(df)
    np.testing.assert_array_equal(det.wavelengths_in_, w)
    np.testing.assert_allclose(
        det.transform(df), Detrend(order=2, wavelengths=w).fit_transform(X)
    )


def test_detrend_too_few_points():
    with pytest.raises(ValueError, match=r"order=3\) needs at least 4 .*X has 2"):
        Detrend(order=3).fit(np.ones((3, 2)))


def test_detrend_wavelengths_of_wrong_length(spectra):
    X, w = spectra
    with pytest.raises(ValueError, match="wavelengths has 100 values but X has 101"):
        Detrend(wavelengths=w[:-1]).fit(X)


def test_detrend_feature_names_from_wavelengths():
    w = np.array([1000.0, 1000.5, 1001.0])
    det = Detrend(wavelengths=w).fit(np.ones((2, 3)))
    assert list(det.get_feature_names_out()) == ["1000", "1000.5", "1001"]
    assert list(Detrend().fit(np.ones((2, 3))).get_feature_names_out()) == [
        "x0",
        "x1",
        "x2",
    ]
