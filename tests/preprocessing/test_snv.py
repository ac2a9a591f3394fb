"""Tests of StandardNormalVariate."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sklspec.preprocessing import SNV, StandardNormalVariate


def _snv_by_hand(X):
    out = []
    for row in X:
        m = sum(row) / len(row)
        s = (sum((v - m) ** 2 for v in row) / len(row)) ** 0.5  # ddof=0
        out.append([(v - m) / s for v in row])
    return np.array(out)


def test_alias():
    assert SNV is StandardNormalVariate


def test_snv_matches_hand_computation(spectra):
    X, _ = spectra
    np.testing.assert_allclose(
        StandardNormalVariate().fit_transform(X),
        _snv_by_hand(X),
        rtol=1e-10,
        atol=1e-13,
    )


def test_snv_uses_population_std():
    X = np.array([[1.0, 2.0, 3.0, 4.0]])
    Xt = StandardNormalVariate().fit_transform(X)
    np.testing.assert_allclose(Xt.std(axis=1), 1.0)
    assert not np.allclose(Xt.std(axis=1, ddof=1), 1.0)


def test_snv_constant_rows_give_zeros():
    X = np.array([[3.0, 3.0, 3.0], [0.0, 0.0, 0.0], [0.1] * 3, [1.0, 2.0, 4.0]])
    Xt = StandardNormalVariate().fit_transform(X)
    assert np.all(np.isfinite(Xt))
    np.testing.assert_array_equal(Xt[:3], 0.0)
    np.testing.assert_allclose(Xt[3], _snv_by_hand(X[3:])[0])


def test_snv_tiny_scale_is_not_constant():
    X = 1e-20 * np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(
        StandardNormalVariate().fit_transform(X),
        [[-1.22474487, 0.0, 1.22474487]],
        atol=1e-12,
    )


def test_snv_preserves_float32(spectra):
    X, _ = spectra
    Xt = StandardNormalVariate().fit_transform(X.astype(np.float32))
    assert Xt.dtype == np.float32
    np.testing.assert_allclose(Xt, _snv_by_hand(X), atol=1e-5)


def test_snv_is_invariant_to_offset_and_scale(spectra):
    X, _ = spectra
    snv = StandardNormalVariate().fit(X)
    np.testing.assert_allclose(snv.transform(3.0 * X - 7.0), snv.transform(X))


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 5), st.integers(2, 30)),
        elements=st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    )
)
def test_snv_rows_have_zero_mean_unit_std(X):
    Xt = StandardNormalVariate().fit_transform(X)
    assert np.all(np.isfinite(Xt))
    std = Xt.std(axis=1)
    np.testing.assert_allclose(Xt.mean(axis=1), 0.0, atol=1e-7)
    # Unit std, or an all-zero row for a (numerically) constant spectrum.
    assert np.all(np.isclose(std, 1.0, atol=1e-7) | (std == 0.0))


def test_snv_extreme_magnitudes_neither_overflow_nor_underflow():
    base = np.array([[1.0, 2.0, 3.0]])
    expected = StandardNormalVariate().fit_transform(base)
    for factor in (1e300, 1e-300):
        np.testing.assert_allclose(
            StandardNormalVariate().fit_transform(factor * base), expected
        )
