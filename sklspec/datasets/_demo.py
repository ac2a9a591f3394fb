"""The demo scene: a non-linear class chemistry hidden under scatter, few labels."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ._synthetic import (
    _axis,
    _check_nonneg,
    _check_positive_int,
    _feature_names,
    _measure,
    _pseudo_voigt,
)

__all__ = ["make_demo_scene"]

# The chemistry of the scene, fixed (``random_state`` draws the samples, not
# the constituents): NIR-like bands (centre nm, FWHM nm, relative height) of
# four major constituents, one minor nuisance and the two key constituents
# whose contents set the class. Every band of a key constituent lies under a
# band of a major one (water 1450/1940, lipid C-H 1725/2310, protein N-H
# 2050/2180, starch O-H + C-O 2100/2280).
# fmt: off
_BANDS: dict[str, tuple[tuple[float, float, float], ...]] = {
    "water": ((1190, 70, 0.12), (1450, 95, 0.55), (1940, 110, 1.0)),
    "protein": ((1510, 70, 0.35), (1980, 60, 0.3), (2055, 70, 0.65),
                (2180, 60, 0.75), (2300, 60, 0.35)),
    "lipid": ((1210, 40, 0.35), (1725, 35, 0.6), (1765, 35, 0.45),
              (2310, 40, 1.0), (2350, 40, 0.8)),
    "starch": ((1200, 60, 0.2), (1450, 90, 0.4), (1930, 80, 0.5),
               (2100, 80, 1.0), (2280, 60, 0.5)),
    "fibre": ((1490, 80, 0.3), (2090, 90, 0.6), (2270, 60, 0.5),
              (2340, 70, 0.7)),
    "key_a": ((1210, 50, 0.3), (1465, 70, 0.6), (1740, 45, 0.4),
              (2140, 60, 1.0), (2295, 50, 0.7)),
    "key_b": ((1180, 60, 0.3), (1520, 60, 0.5), (1705, 45, 0.6),
              (2065, 60, 1.0), (2265, 55, 0.6)),
}
# fmt: on
_COMPONENTS = tuple(_BANDS)
_N_MAJOR = 4
_TARGET_NAMES = ("in_ratio_low", "in_ratio_high", "off_ratio")

# Contents of the key constituents: independent log-normal mass fractions
# (median 10 %, log sd 0.5); the reference method reads them with a 4 %
# relative error, and the class rule is applied to the reference values.
_KEY_MEDIAN, _KEY_LOG_SD, _REF_ERROR = 0.10, 0.5, 0.04
# log(a / b) ~ N(0, 0.71): it lies above log(1.61) for a quarter of the
# samples and below log(0.376) for a twelfth, together a third (off-ratio);
# within the ratio window, a + b above its median (20.3 %) splits the rest in
# halves. The three classes are then about equally frequent.
_RATIO_WINDOW, _TOTAL_LIMIT = (0.376, 1.61), 0.203
# Dirichlet concentration of the shares of the majors (large: majors vary by
# about +-2 % around 19 %, as in a product of fixed recipe).
_MAJOR_ALPHA = 60.0


def _pure_spectra(axis: np.ndarray) -> np.ndarray:
    """The absorptivities (n_components, n_points), each scaled to a maximum of 1."""
    counts = [len(b) for b in _BANDS.values()]
    bands = np.asarray([band for b in _BANDS.values() for band in b], dtype=float)
    profiles = _pseudo_voigt(axis[None, :], bands[:, :1], bands[:, 1:2], 0.2)
    owner = np.repeat(np.arange(len(counts)), counts)
    pure = np.zeros((len(counts), axis.shape[0]))
    np.add.at(pure, owner, bands[:, 2:3] * profiles)
    return pure / pure.max(axis=1, keepdims=True)


def _scene_concentrations(rng, n: int):
    """Mass fractions (n, n_components) and class labels of ``n`` samples."""
    keys = _KEY_MEDIAN * np.exp(rng.normal(0.0, _KEY_LOG_SD, (n, 2)))
    nuisance = rng.lognormal(np.log(0.04), 0.4, n)
    rest = np.clip(1.0 - keys.sum(axis=1) - nuisance, 0.0, None)
    majors = rng.dirichlet(np.full(_N_MAJOR, _MAJOR_ALPHA), n) * rest[:, None]
    C = np.column_stack([majors, nuisance, keys])
    # the class rule, on reference values of the key contents:
    # off-ratio if a / b is outside the window, else low or high a + b
    ref = keys * np.exp(rng.normal(0.0, _REF_ERROR, (n, 2)))
    ratio = ref[:, 0] / ref[:, 1]
    off = (ratio < _RATIO_WINDOW[0]) | (ratio > _RATIO_WINDOW[1])
    high = ref.sum(axis=1) > _TOTAL_LIMIT
    y = np.where(off, 2, np.where(high, 1, 0))
    return C, y


def _balanced(rng, n: int):
    """``n`` samples of the process with (as nearly as possible) equal classes.

    Candidates are drawn in one batch and the first ``n // 3`` (or one more)
    of each class kept, in their drawn order: a stratified selection of the
    labelled set, as a reference laboratory would make it.
    """
    quota = np.full(3, n // 3) + (np.arange(3) < n % 3)
    while True:  # one pass in all but a vanishing fraction of the calls
        C, y = _scene_concentrations(rng, 2 * n + 60)
        order = np.argsort(y, kind="stable")
        start = np.searchsorted(y[order], np.arange(3))
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size) - start[y[order]]
        keep = rank < quota[y]
        if keep.sum() == n:
            return C[keep], y[keep]


def make_demo_scene(
    n_labeled: int = 120,
    n_unlabeled: int = 3000,
    n_wavelengths: int = 256,
    *,
    scatter: float = 0.05,
    noise: float = 0.002,
    shift: float = 1.5,
    random_state=None,
):
    """Generate the demo scene of ``sklspec demo``: few labels, a large pool.

    A product whose class is set by a *non-linear* rule on two key
    constituents, measured by a NIR-like instrument with strong scatter:

    - **Chemistry** (fixed, the same for every ``random_state``): seven
      constituents with NIR-like pseudo-Voigt bands between 1100 and
      2500 nm: four majors (water, protein, lipid, starch; Dirichlet shares
      of what the others leave), a minor nuisance (fibre, about 4 %) and two
      *key* constituents ``key_a`` and ``key_b`` (independent log-normal
      contents, median 10 %, log sd 0.5), every band of which lies under a
      band of a major constituent.
    - **Class rule**, applied to reference values of the key contents (4 %
      relative reference error, so even an ideal model is not perfect):
      ``off_ratio`` (class 2) where the ratio ``key_a / key_b`` lies outside
      0.376-1.61, either way; otherwise ``in_ratio_low`` (0) or
      ``in_ratio_high`` (1) by whether ``key_a + key_b`` is below or above
      20.3 %. The off-ratio class lies on both sides of the in-ratio ones, so
      no linear boundary isolates it: on the true contents an RBF SVM is far
      more accurate than a linear model.
    - **Instrument** (as :func:`make_spectra`): Beer-Lambert mixing, a
      per-sample wavelength shift (sd ``shift`` nm), multiplicative scatter
      (log-normal gain, sd ``scatter``), additive offset, slope and
      curvature (sd ``scatter``, ``scatter/2``, ``scatter/4``) and
      heteroscedastic noise ``noise * (1 + |A|)``: the gain alone moves a
      spectrum more than the key constituents do.
    - **Labels**: ``n_labeled`` labelled spectra, balanced (a stratified
      selection, so chance, the majority-class rate, is 1/3), and an
      unlabelled pool of ``n_unlabeled`` spectra drawn from the same process
      (about a third of each class; its classes are not returned).

    With the defaults, every family of the ``sklspec demo`` baselines learns
    something and none solves it: ``benchmarks/demo_scene.py`` measures
    their 5-fold cross-validated accuracy on the raw spectra (nested grids,
    four seeds) and that of a linear and an RBF model on the true contents
    (``benchmarks/results/demo_scene.md``; the table is in the user guide).

    Parameters
    ----------
    n_labeled : int, default=120
        Number of labelled spectra (``X``, ``y``).
    n_unlabeled : int, default=3000
        Number of unlabelled spectra (``X_unlabeled``); may be 0.
    n_wavelengths : int, default=256
        Number of points of the 1100-2500 nm axis.
    scatter : float, default=0.05
        Strength of the multiplicative and additive scatter and baseline.
    noise : float, default=0.002
        Noise level (absorbance units at zero absorbance).
    shift : float, default=1.5
        Standard deviation of the per-sample wavelength shift, in nm.
    random_state : int, RandomState instance or None, default=None
        Seeds the samples (contents, classes, instrument effects, noise).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X`` (n_labeled, n_wavelengths) float64 labelled spectra, ``y``
        (n_labeled,) int class labels, ``X_unlabeled`` (n_unlabeled,
        n_wavelengths) float64, ``wavelengths`` (nm), ``wavelength_unit``,
        ``feature_names`` (wavelengths as strings), ``target_names``,
        ``concentrations`` (n_labeled, 7) mass fractions of the labelled
        samples, ``component_names``, ``pure_spectra`` (7, n_wavelengths)
        and ``DESCR``.

    See Also
    --------
    make_spectra : Mixtures whose classes are set linearly by two minor analytes.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.datasets import make_demo_scene
    >>> scene = make_demo_scene(n_labeled=60, n_unlabeled=500, random_state=0)
    >>> scene.X.shape, scene.y.shape, scene.X_unlabeled.shape
    ((60, 256), (60,), (500, 256))
    >>> scene.wavelengths[[0, -1]].tolist()
    [1100.0, 2500.0]
    >>> scene.target_names.tolist()
    ['in_ratio_low', 'in_ratio_high', 'off_ratio']
    >>> np.unique(scene.y).tolist()
    [0, 1, 2]
    """
    _check_positive_int(n_labeled, "n_labeled")
    _check_positive_int(n_unlabeled, "n_unlabeled", 0)
    _check_positive_int(n_wavelengths, "n_wavelengths", 2)
    for value, name in ((scatter, "scatter"), (noise, "noise"), (shift, "shift")):
        _check_nonneg(value, name)
    rng = check_random_state(random_state)
    wavelengths = _axis(1100.0, 2500.0, n_wavelengths)
    pure = _pure_spectra(wavelengths)
    # one stream for the labelled set and one for the pool, so that the
    # labelled spectra do not depend on the size of the pool
    streams = [np.random.RandomState(seed) for seed in rng.randint(2**31 - 1, size=2)]
    C, y = _balanced(streams[0], n_labeled)
    C_pool, _ = _scene_concentrations(streams[1], n_unlabeled)
    options = dict(noise=noise, scatter=scatter, shift=shift)
    X = _measure(streams[0], C, pure, wavelengths, **options)
    X_pool = _measure(streams[1], C_pool, pure, wavelengths, **options)
    counts = np.bincount(y, minlength=3)
    descr = (
        "Demo scene of sklspec (sklspec.datasets.make_demo_scene)\n"
        f"{n_labeled} labelled + {n_unlabeled} unlabelled NIR-like spectra x "
        f"{n_wavelengths} points (1100-2500 nm); 3 classes "
        f"({', '.join(f'{c} {k}' for c, k in zip(counts, _TARGET_NAMES))}).\n"
        "Class rule on two key constituents (median 10 % each, bands under "
        "those of the 4 major constituents): off_ratio where key_a / key_b is "
        "outside 0.376-1.61, else in_ratio_low / in_ratio_high by key_a + key_b "
        "below / above 20.3 % (4 % reference error).\n"
        f"Instrument: shift sd {shift:g} nm, scatter {scatter:g}, "
        f"noise {noise:g} x (1 + |A|)."
    )
    return Bunch(
        X=X,
        y=y,
        X_unlabeled=X_pool,
        wavelengths=wavelengths,
        wavelength_unit="nm",
        feature_names=_feature_names(wavelengths),
        target_names=np.asarray(_TARGET_NAMES),
        concentrations=C,
        component_names=np.asarray(_COMPONENTS),
        pure_spectra=pure,
        DESCR=descr,
    )
