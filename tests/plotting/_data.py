"""Fixed data of the plotting tests (no generator of the package, so the
baselines change only when the plots do)."""

import numpy as np

#: A NIR-like axis: 80 points from 1000 to 2500 nm.
WAVELENGTHS = np.linspace(1000.0, 2500.0, 80)


def bands(centres, widths, heights, w=WAVELENGTHS):
    """Sum of Gaussian bands on axis ``w``."""
    c, s, h = (np.asarray(v, dtype=float)[:, None] for v in (centres, widths, heights))
    return (h * np.exp(-0.5 * ((w - c) / s) ** 2)).sum(axis=0)


def spectra(n_per_class: int = 8, seed: int = 0):
    """Three classes of spectra (class 2 has a band the others lack) and a
    continuous target; ``(X, classes, values)``."""
    rng = np.random.default_rng(seed)
    base = bands([1200, 1700, 2100, 2300], [60, 80, 70, 40], [0.5, 0.8, 0.6, 0.3])
    extra = bands([1450], [30], [0.25])
    X, classes, values = [], [], []
    for k in range(3):
        for _ in range(n_per_class):
            amount = rng.uniform(0.2, 1.0)
            x = base * rng.uniform(0.9, 1.1) + (k == 2) * extra + amount * extra / 3
            x += rng.normal(0, 0.01, x.shape) + rng.uniform(-0.03, 0.03)
            X.append(x)
            classes.append(k)
            values.append(amount * 10)
    return np.asarray(X), np.asarray(classes), np.asarray(values)


def regression(n: int = 60, seed: int = 0):
    """Spectra whose target is the height of the band at 1450 nm."""
    rng = np.random.default_rng(seed)
    y = rng.uniform(0, 1, n)
    base = bands([1200, 1700, 2100], [60, 80, 70], [0.5, 0.8, 0.6])
    X = (
        base[None, :] * rng.uniform(0.9, 1.1, (n, 1))
        + y[:, None] * bands([1450], [30], [0.3])[None, :]
        + rng.normal(0, 0.01, (n, len(WAVELENGTHS)))
    )
    return X, y
