"""Shared fixtures of the preprocessing tests."""

import numpy as np
import pytest


@pytest.fixture
def spectra():
    """Smooth synthetic NIR-like spectra: 20 spectra on 1000..2000 nm, 101 points."""
    rng = np.random.default_rng(0)
    w = np.linspace(1000.0, 2000.0, 101)
    peaks = np.exp(-(((w[None, :] - rng.uniform(1200, 1800, (20, 1))) / 80.0) ** 2))
    offset = rng.uniform(-0.5, 0.5, (20, 1))
    scale = rng.uniform(0.5, 2.0, (20, 1))
    X = offset + scale * (1.0 + peaks + 0.3 * np.sin(w / 150.0)[None, :])
    return X, w
