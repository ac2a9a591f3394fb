"""Tests of MultiplicativeScatterCorrection."""

import numpy as np
import pytest

from sklspec.preprocessing import MSC, MultiplicativeScatterCorrection


def _msc_by_polyfit(X, ref):
    out = np.empty_like(X)
    for i, row in enumerate(X):
        b, a = np.polyfit(ref, row, deg=1)
        out[i] = (row - a) / b
    return out


def test_alias():
    assert MSC is MultiplicativeScatterCorrection


def test_msc_matches_polyfit_loop_with_mean_reference(spectra):
    X, _ = spectra
    msc = MultiplicativeScatterCorrection().fit(X)
    np.testing.assert_allclose(msc.reference_, X.mean(axis=0))
    np.testing.assert_allclose(
        msc.transform(X), _msc_by_polyfit(X, X.mean(axis=0)), rtol=1e-9, atol=1e-12
    )


def test_msc_matches_polyfit_loop_with_given_reference(spectra):
    X, _ = spectra
    ref = X[3]
    msc = MultiplicativeScatterCorrection(reference=ref).fit(X[:10])
    np.testing.assert_allclose(
        msc.transform(X[10:]), _msc_by_polyfit(X[10:], ref), rtol=1e-9, atol=1e-12
    )
    # The reference itself maps onto itself.
    np.testing.assert_allclose(msc.transform(ref[None, :])[0], ref)


def test_msc_undoes_affine_scatter(spectra):
    X, _ = spectra
    ref = X[0]
    scattered = np.vstack([2.0 + 0.5 * ref, -1.0 + 3.0 * ref])
    Xt = MultiplicativeScatterCorrection(reference=ref).fit(X).transform(scattered)
    np.testing.assert_allclose(Xt, np.vstack([ref, ref]))


def test_msc_constant_spectrum_gives_zeros(spectra):
    X, _ = spectra
    Xt = MultiplicativeScatterCorrection().fit(X).transform(np.full((1, 101), 4.2))
    np.testing.assert_allclose(Xt, 0.0, atol=1e-12)


@pytest.mark.parametrize("scale", [1.0, 1e-6, 1e6])
def test_msc_row_without_slope_is_x_minus_a_in_its_own_units(scale):
    # orthogonal to the centred reference: no slope, the row is only centred
    ref = np.array([0.0, 1.0, 0.0, 1.0])
    x = scale * np.array([[1.0, 1.0, 3.0, 3.0]])
    Xt = MultiplicativeScatterCorrection(reference=ref).fit(x).transform(x)
    np.testing.assert_allclose(Xt, x - x.mean(), rtol=1e-12)


@pytest.mark.parametrize(
    "reference, match",
    [
        (np.ones(5), "reference must be a 1-D array of length 101"),
        (np.ones((2, 101)), "reference must be a 1-D array of length 101"),
        (np.r_[np.nan, np.ones(100)], "reference contains NaN"),
        (np.full(101, 2.0), "reference spectrum is constant"),
    ],
)
def test_msc_bad_reference(spectra, reference, match):
    X, _ = spectra
    with pytest.raises(ValueError, match=match):
        MultiplicativeScatterCorrection(reference=reference).fit(X)


def test_msc_needs_two_points():
    with pytest.raises(ValueError, match=r"1 feature\(s\)"):
        MultiplicativeScatterCorrection().fit(np.ones((3, 1)))


def test_msc_output_does_not_depend_on_row_scale(spectra):
    X, _ = spectra
    msc = MultiplicativeScatterCorrection().fit(X)
    expected = msc.transform(X[:2])
    for factor in (1e300, 1e-300, -3.0):
        np.testing.assert_allclose(msc.transform(factor * X[:2]), expected)
