"""Tests of SavitzkyGolay."""

import numpy as np
import pytest
from scipy.signal import savgol_filter

from sklspec.preprocessing import SavitzkyGolay


@pytest.mark.parametrize(
    "window_length, polyorder, deriv, mode",
    [
        (11, 2, 0, "interp"),
        (5, 2, 1, "interp"),
        (15, 3, 2, "interp"),
        (7, 1, 0, "mirror"),
        (9, 4, 1, "nearest"),
        (8, 2, 0, "wrap"),
        (3, 2, 3, "interp"),
    ],
)
def test_savgol_matches_scipy(spectra, window_length, polyorder, deriv, mode):
    X, w = spectra
    delta = w[1] - w[0]
    sg = SavitzkyGolay(
        window_length, polyorder, deriv=deriv, delta=delta, mode=mode
    ).fit(X)
    expected = np.vstack(
        [
            savgol_filter(row, window_length, polyorder, deriv, delta, mode=mode)
            for row in X
        ]
    )
    np.testing.assert_allclose(sg.transform(X), expected, rtol=1e-10, atol=1e-12)


def test_savgol_constant_mode_uses_cval(spectra):
    X, _ = spectra
    sg = SavitzkyGolay(5, 2, mode="constant", cval=3.0).fit(X)
    np.testing.assert_allclose(
        sg.transform(X), savgol_filter(X, 5, 2, mode="constant", cval=3.0, axis=1)
    )


def test_window_longer_than_spectrum_names_the_fix():
    with pytest.raises(
        ValueError, match=r"window_length=11 .* Choose window_length <= 7"
    ):
        SavitzkyGolay().fit(np.ones((2, 7)))


def test_polyorder_must_be_below_window_length(spectra):
    X, _ = spectra
    with pytest.raises(
        ValueError, match="polyorder=5 must be less than window_length=5"
    ):
        SavitzkyGolay(window_length=5, polyorder=5).fit(X)
