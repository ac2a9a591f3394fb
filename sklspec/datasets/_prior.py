"""A physics-based spectral prior: NIR, MIR/FTIR and Raman spectra at scale.

The generative model of :class:`SpectralPrior`, all of it vectorised over the
spectra of a batch (the only Python loops run over the three regimes):

1. **Libraries.** The batch is cut into blocks of `spectra_per_library`
   spectra. Each block draws a regime (NIR, MIR or Raman, with
   `regime_weights`) and a random library of 2 to `max_components`
   pure-component spectra, each a sum of bands with centres (partly near the
   regime's usual group frequencies), intrinsic widths and a Lorentzian
   fraction drawn from the regime's ranges.
2. **Concentrations.** Per spectrum, Dirichlet shares (or independent
   log-normal contents) of the block's components; Beer-Lambert mixing
   ``A = C @ E``.
3. **Instrument**, per block and per view: a spectral range (a random window
   of the regime's range), a native point density (`point_density` times
   `n_points`) and a resolution (the FWHM of a Gaussian instrument line
   shape). The line shape is applied *analytically*: a Voigt band convolved
   with a Gaussian is a Voigt band whose Gaussian width adds in quadrature,
   so the library is evaluated once per block, already broadened, on the
   block's native grid. Bands are Thompson-Cox-Hastings pseudo-Voigt
   profiles (the Voigt FWHM from the Olivero-Longbothum formula and the
   Gaussian/Lorentzian mixing weight ``eta`` from Thompson, Cox & Hastings
   1987, within about 1 % of the true Voigt profile), area-normalised, so
   broadening conserves the integrated absorbance and lowers the peaks.
4. **Measurement**, per spectrum: a wavelength shift and stretch (the
   nominal axis reported by the instrument differs from the true one), read
   by linear interpolation from the native grid onto `n_points` evenly
   spaced points over the nominal range; EMSC-like scatter (log-normal gain,
   additive offset, slope and a curved quadratic baseline); for Raman a
   broad fluorescence background; and heteroscedastic detector noise of
   standard deviation ``sigma0 + sigma1 * |signal|``.

Paired views (``paired=True``) measure the same samples (same library, same
concentrations) on two independently drawn instruments: other range, point
density, resolution, shift, scatter and noise.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import Bunch

from ._synthetic import _check_positive_int as _int

__all__ = ["REGIMES", "SpectralPrior", "make_prior_spectra"]

_LN2 = np.log(2.0)
_G0 = np.sqrt(4.0 * _LN2 / np.pi)  # peak of an area-1 Gaussian of FWHM 1

# Each regime: axis unit, the full axis range, the number of bands per
# component, intrinsic band FWHM (log-uniform, axis units), Lorentzian
# fraction of the intrinsic width, instrument resolution FWHM (log-uniform),
# group-frequency anchors (band centres fall within ``anchor_sd`` of one with
# probability ``anchor_prob``), scatter sds (gain in log units, offset, slope,
# curvature), noise (sigma0 log-uniform range, sigma1), shift sd (axis units),
# stretch sd (relative) and, for Raman, the fluorescence amplitude range.
# One row per parameter, one column per regime (nir, mir, raman).
# fmt: off
_REGIME_TABLE: tuple[tuple, ...] = (
    ("unit", "nm", "cm-1", "cm-1"),
    ("axis", (800.0, 2500.0), (400.0, 4000.0), (150.0, 3400.0)),
    ("n_bands", (3, 8), (4, 14), (3, 12)),
    ("fwhm", (25.0, 120.0), (6.0, 40.0), (3.0, 18.0)),
    ("lorentz", (0.0, 0.4), (0.3, 0.9), (0.8, 1.0)),
    ("resolution", (2.0, 16.0), (1.0, 8.0), (2.0, 10.0)),
    ("anchors",
     (1200.0, 1450.0, 1730.0, 1940.0, 2100.0, 2310.0),
     (3350.0, 2930.0, 2860.0, 1740.0, 1650.0, 1450.0, 1050.0),
     (520.0, 1000.0, 1300.0, 1450.0, 1600.0, 2900.0)),
    ("anchor_sd", 50.0, 40.0, 30.0),
    ("anchor_prob", 0.7, 0.5, 0.4),
    ("scatter", (0.15, 0.1, 0.1, 0.05), (0.1, 0.02, 0.03, 0.02),
     (0.3, 0.01, 0.01, 0.01)),
    ("sigma0", (2e-4, 2e-3), (2e-4, 2e-3), (2e-3, 1e-2)),
    ("sigma1", 0.003, 0.003, 0.01),
    ("shift", 1.0, 0.5, 1.5),
    ("stretch", 5e-4, 2e-4, 3e-4),
    ("fluorescence", (0.0, 0.0), (0.0, 0.0), (0.5, 20.0)),
)
# fmt: on
REGIMES: dict[str, dict] = {
    name: {row[0]: row[i] for row in _REGIME_TABLE}
    for i, name in enumerate(("nir", "mir", "raman"), start=1)
}
_REGIME_NAMES = tuple(REGIMES)


# =========================================================================== helpers
def _generator(random_state) -> np.random.Generator:
    """A numpy Generator from None, an int, a SeedSequence, a RandomState or a
    Generator (a RandomState seeds a new Generator from one draw of it)."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    if random_state is None or isinstance(
        random_state, (numbers.Integral, np.random.SeedSequence)
    ):
        if isinstance(random_state, bool):
            raise ValueError(f"random_state must not be a bool, got {random_state!r}.")
        return np.random.default_rng(random_state)
    raise ValueError(
        "random_state must be None, an int, a numpy SeedSequence, RandomState or "
        f"Generator, got {random_state!r}."
    )


def _nonneg(value, name: str) -> float:
    if (
        not isinstance(value, numbers.Real)
        or isinstance(value, bool)
        or not np.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    return float(value)


def _interval(value, name: str, low: float, high: float) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high), got {value!r}.") from None
    if not (low <= a <= b <= high):
        raise ValueError(
            f"{name} must be a pair (low, high) with {low:g} <= low <= high <= "
            f"{high:g}, got {value!r}."
        )
    return a, b


def _voigt_tch(f_gauss, f_lorentz):
    """Voigt FWHM and pseudo-Voigt mixing weight (Thompson-Cox-Hastings)."""
    fg, fl = f_gauss, f_lorentz
    f = (
        fg**5
        + 2.69269 * fg**4 * fl
        + 2.42843 * fg**3 * fl**2
        + 4.47163 * fg**2 * fl**3
        + 0.07842 * fg * fl**4
        + fl**5
    ) ** 0.2
    r = fl / f
    eta = 1.36603 * r - 0.47719 * r**2 + 0.11116 * r**3
    return f, np.clip(eta, 0.0, 1.0)


def _peak_density(eta, fwhm):
    """Peak value of an area-1 pseudo-Voigt of mixing ``eta`` and width ``fwhm``."""
    return (eta * 2.0 / np.pi + (1.0 - eta) * _G0) / fwhm


# =========================================================================== prior
class SpectralPrior:
    """A seeded, vectorised, streaming prior of NIR, MIR/FTIR and Raman spectra.

    The generative model, vectorised over the spectra of a batch: per block
    of `spectra_per_library` spectra a regime and a random library of
    Thompson-Cox-Hastings pseudo-Voigt bands; Dirichlet (or log-normal)
    concentrations and Beer-Lambert mixing; per instrument (and per view) a
    range, a native point density and a Gaussian line shape applied
    analytically to the band widths; per spectrum a shift and stretch,
    EMSC-like scatter (gain, offset, slope, curvature; fluorescence for
    Raman) and heteroscedastic noise. The user guide (Data sets) gives the
    details. Every spectrum of a batch comes
    out on `n_points` evenly spaced points over its own nominal range,
    reported in ``axis_range`` with its ``unit`` (nm for NIR, cm-1 for MIR and
    Raman).

    Parameters
    ----------
    n_points : int, default=256
        Points of every output spectrum (at least 8).
    regime_weights : dict or sequence of 3 floats, default=None
        Probability of each regime, as ``{"nir": w, "mir": w, "raman": w}``
        (missing keys weigh 0) or a sequence in the order nir, mir, raman;
        normalised to sum 1. None weighs the three regimes equally.
    spectra_per_library : int, default=128
        Spectra sharing one pure-component library (and one regime and one
        instrument per view). Smaller is more diverse and slower; 1 gives
        every spectrum its own library.
    max_components : int, default=6
        Largest number of pure components of a library (each library draws
        2 to `max_components`; at least 2).
    concentrations : {"dirichlet", "lognormal"}, default="dirichlet"
        Dirichlet shares of the components (they sum to 1, closure), or
        independent log-normal contents (median 1/K, log-sd 0.5).
    dirichlet_alpha : float, default=1.0
        Concentration parameter of the Dirichlet shares.
    point_density : tuple of float, default=(0.5, 2.0)
        Range of the native point count of an instrument, relative to
        `n_points` (log-uniform): below 1 a coarse instrument interpolated up,
        above 1 a fine one sampled down.
    range_fraction : tuple of float, default=(0.35, 1.0)
        Range of the fraction of the regime's axis an instrument covers.
    resolution : float, default=1.0
        Multiplies the instrument line-shape widths of the regimes (0: no
        broadening).
    scatter : float, default=1.0
        Multiplies the scatter (gain, offset, slope, curvature) and the Raman
        fluorescence (0: pure Beer-Lambert absorbance).
    shift : float, default=1.0
        Multiplies the wavelength shift and stretch (0: the nominal axis is
        exact).
    noise : float, default=1.0
        Multiplies the detector noise (0: noise-free).
    dtype : {numpy.float32, numpy.float64}, default=numpy.float32
        Floating type of the spectra.
    random_state : int, numpy Generator/RandomState/SeedSequence or None, \
default=None
        Seeds the prior's own stream: successive :meth:`sample` calls without
        a `random_state` continue that stream (reproducibly from
        construction).

    Attributes
    ----------
    regime_probabilities_ : ndarray of shape (3,)
        Normalised regime weights in the order of :data:`REGIMES`.

    See Also
    --------
    make_prior_spectra : One batch as a function.
    make_spectra : A small NIR-like data set with a supervised target.

    Notes
    -----
    Throughput on 2 CPU cores: see ``benchmarks/results/prior.md``
    (``python benchmarks/prior.py``). :meth:`stream` yields batches without
    keeping any, so memory stays flat however long it runs.

    Examples
    --------
    >>> from sklspec.datasets import SpectralPrior
    >>> prior = SpectralPrior(n_points=128, random_state=0)
    >>> batch = prior.sample(1000)
    >>> batch.X.shape, batch.X.dtype, batch.axis_range.shape
    ((1000, 128), dtype('float32'), (1000, 2))
    >>> sorted(set(batch.unit))
    ['cm-1', 'nm']
    >>> pair = prior.sample(500, paired=True)
    >>> pair.X1.shape == pair.X2.shape == (500, 128)
    True
    """

    def __init__(
        self,
        n_points: int = 256,
        *,
        regime_weights=None,
        spectra_per_library: int = 128,
        max_components: int = 6,
        concentrations: str = "dirichlet",
        dirichlet_alpha: float = 1.0,
        point_density=(0.5, 2.0),
        range_fraction=(0.35, 1.0),
        resolution: float = 1.0,
        scatter: float = 1.0,
        shift: float = 1.0,
        noise: float = 1.0,
        dtype=np.float32,
        random_state=None,
    ) -> None:
        self.n_points = _int(n_points, "n_points", 8)
        self.regime_probabilities_ = self._check_weights(regime_weights)
        self.regime_weights = regime_weights
        self.spectra_per_library = _int(spectra_per_library, "spectra_per_library")
        self.max_components = _int(max_components, "max_components", 2)
        if concentrations not in ("dirichlet", "lognormal"):
            raise ValueError(
                "concentrations must be 'dirichlet' or 'lognormal', got "
                f"{concentrations!r}."
            )
        self.concentrations = concentrations
        self.dirichlet_alpha = _nonneg(dirichlet_alpha, "dirichlet_alpha")
        if self.dirichlet_alpha == 0:
            raise ValueError("dirichlet_alpha must be > 0, got 0.")
        self.point_density = _interval(point_density, "point_density", 0.05, 20.0)
        if self.point_density[0] * self.n_points < 4:
            raise ValueError(
                f"point_density[0] * n_points = "
                f"{self.point_density[0] * self.n_points:g} is below 4 native "
                "points; raise point_density or n_points."
            )
        self.range_fraction = _interval(range_fraction, "range_fraction", 0.01, 1.0)
        if self.range_fraction[0] <= 0:
            raise ValueError("range_fraction must be > 0.")
        self.resolution = _nonneg(resolution, "resolution")
        self.scatter = _nonneg(scatter, "scatter")
        self.shift = _nonneg(shift, "shift")
        self.noise = _nonneg(noise, "noise")
        dt = np.dtype(dtype)
        if dt not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype!r}.")
        self.dtype = dt
        self.random_state = random_state
        self._rng = _generator(random_state)
        self._tables()

    # ------------------------------------------------------------------ setup
    @staticmethod
    def _check_weights(weights) -> np.ndarray:
        if weights is None:
            w = np.ones(len(_REGIME_NAMES))
        elif isinstance(weights, dict):
            unknown = set(weights) - set(_REGIME_NAMES)
            if unknown:
                raise ValueError(
                    f"Unknown regime(s) {sorted(unknown)} in regime_weights; the "
                    f"regimes are {list(_REGIME_NAMES)}."
                )
            w = np.asarray([float(weights.get(k, 0.0)) for k in _REGIME_NAMES])
        else:
            try:
                w = np.asarray(weights, dtype=float).ravel()
            except (TypeError, ValueError):
                raise ValueError(
                    "regime_weights must be a dict or a sequence of 3 numbers, "
                    f"got {weights!r}."
                ) from None
            if w.shape != (len(_REGIME_NAMES),):
                raise ValueError(
                    "regime_weights as a sequence needs 3 numbers (nir, mir, "
                    f"raman), got {weights!r}."
                )
        if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise ValueError(
                f"regime_weights must be finite, >= 0 and not all 0, got {weights!r}."
            )
        return w / w.sum()

    def _tables(self) -> None:
        """Per-regime parameters as arrays indexed by regime code."""
        R = [REGIMES[k] for k in _REGIME_NAMES]
        t = {}
        for key in ("axis", "n_bands", "fwhm", "lorentz", "resolution", "sigma0"):
            t[key] = np.asarray([r[key] for r in R], dtype=float)
        t["fluorescence"] = np.asarray([r["fluorescence"] for r in R], dtype=float)
        t["scatter"] = np.asarray([r["scatter"] for r in R], dtype=float)
        for key in ("anchor_sd", "anchor_prob", "sigma1", "shift", "stretch"):
            t[key] = np.asarray([r[key] for r in R], dtype=float)
        n_anchor = max(len(r["anchors"]) for r in R)
        anchors = np.zeros((len(R), n_anchor))
        counts = np.zeros(len(R), dtype=np.intp)
        for i, r in enumerate(R):
            anchors[i, : len(r["anchors"])] = r["anchors"]
            counts[i] = len(r["anchors"])
        t["anchors"], t["anchor_count"] = anchors, counts
        t["unit"] = np.asarray([r["unit"] for r in R], dtype=object)
        self._t = t

    # ------------------------------------------------------------------ public
    def sample(self, n_samples: int, *, paired: bool = False, random_state=None):
        """Draw a batch of spectra.

        Parameters
        ----------
        n_samples : int
            Number of spectra (of samples, with `paired`).
        paired : bool, default=False
            Measure every sample on two independently drawn instruments.
        random_state : int, numpy Generator/RandomState/SeedSequence or None, \
default=None
            Seeds this batch alone; None continues the prior's own stream.

        Returns
        -------
        batch : :class:`~sklearn.utils.Bunch`
            ``X`` (n_samples, n_points) in `dtype`; ``y`` the concentration of
            component 0 (n_samples,); ``concentrations`` (n_samples,
            max_components), zero for components a library lacks;
            ``regime`` and ``unit`` (n_samples,) strings; ``axis_range``
            (n_samples, 2) float64, the nominal first and last axis value
            (the spectrum's axis is ``numpy.linspace(*axis_range[i],
            n_points)``); ``resolution`` (n_samples,) the instrument FWHM in
            axis units; ``library_index`` (n_samples,) int;
            ``pure_spectra`` (n_libraries, max_components, n_points), each
            library's broadened pure spectra on its instrument's nominal
            grid (without shift, scatter and noise ``X[i] ==
            concentrations[i] @ pure_spectra[library_index[i]]``).
            With `paired`: ``X1``/``X2``, ``axis_range1``/``axis_range2``,
            ``resolution1``/``resolution2``, ``pure_spectra1``/
            ``pure_spectra2`` for the two views, and ``X``, ``axis_range``,
            ``resolution``, ``pure_spectra`` equal to view 1.
        """
        n = _int(n_samples, "n_samples")
        rng = self._rng if random_state is None else _generator(random_state)
        return self._batch(rng, n, bool(paired), library=True)

    def stream(
        self, batch_size: int = 4096, *, paired: bool = False, random_state=None
    ):
        """Yield batches forever (flat memory: nothing is kept between batches).

        Parameters
        ----------
        batch_size : int, default=4096
            Spectra per batch.
        paired : bool, default=False
            Paired views, as in :meth:`sample`.
        random_state : int, numpy Generator/RandomState/SeedSequence or None, \
default=None
            Seeds the stream; None continues the prior's own stream.

        Yields
        ------
        batch : :class:`~sklearn.utils.Bunch`
            As :meth:`sample`, without ``pure_spectra``.
        """
        n = _int(batch_size, "batch_size")
        rng = self._rng if random_state is None else _generator(random_state)
        paired = bool(paired)
        while True:
            yield self._batch(rng, n, paired, library=False)

    # ------------------------------------------------------------------ model
    def _batch(self, rng, n: int, paired: bool, library: bool) -> Bunch:
        t = self._t
        k = self.spectra_per_library
        n_lib = -(-n // k)
        regime = rng.choice(
            len(_REGIME_NAMES), size=n_lib, p=self.regime_probabilities_
        )
        lib = self._library(rng, regime)
        C = self._concentrations(rng, n, n_lib, lib["n_comp"])
        lib_index = np.arange(n) // k
        out = Bunch()
        views = []
        for _ in range(2 if paired else 1):
            views.append(self._measure(rng, n, regime, lib, C, lib_index, library))
        out.y = C[:, 0].copy()
        out.concentrations = C
        reg = regime[lib_index]
        out.regime = np.asarray(_REGIME_NAMES, dtype=object)[reg]
        out.unit = t["unit"][reg]
        out.library_index = lib_index
        if paired:
            for i, v in enumerate(views, start=1):
                for key, value in v.items():
                    out[f"{key}{i}"] = value
        for key, value in views[0].items():
            out[key] = value
        out.n_components = lib["n_comp"][lib_index]
        return out

    def _library(self, rng, regime) -> dict:
        """Band parameters of every library (flattened over present bands)."""
        t = self._t
        n_lib = regime.shape[0]
        K = self.max_components
        n_comp = rng.integers(2, K + 1, size=n_lib)
        # bands per (library, component); absent components get 0 bands
        nb_lo, nb_hi = t["n_bands"][regime, 0], t["n_bands"][regime, 1]
        n_bands = rng.integers(
            nb_lo[:, None].astype(np.intp),
            nb_hi[:, None].astype(np.intp) + 1,
            size=(n_lib, K),
        )
        n_bands[np.arange(K)[None, :] >= n_comp[:, None]] = 0
        counts = n_bands.ravel()
        T = int(counts.sum())
        comp_of_band = np.repeat(np.arange(n_lib * K), counts)
        lib_of_band = comp_of_band // K
        reg = regime[lib_of_band]
        lo, hi = t["axis"][reg, 0], t["axis"][reg, 1]
        centre = rng.uniform(lo, hi)
        near = rng.random(T) < t["anchor_prob"][reg]
        pick = (rng.random(T) * t["anchor_count"][reg]).astype(np.intp)
        anchored = (
            t["anchors"][reg, pick] + rng.normal(0.0, 1.0, T) * t["anchor_sd"][reg]
        )
        centre = np.where(near, np.clip(anchored, lo, hi), centre)
        f0 = np.exp(rng.uniform(np.log(t["fwhm"][reg, 0]), np.log(t["fwhm"][reg, 1])))
        rho = rng.uniform(t["lorentz"][reg, 0], t["lorentz"][reg, 1])
        f_l = rho * f0
        f_g = np.sqrt(np.maximum(f0**2 - f_l**2, 0.0))
        # area such that the unbroadened peak height is U(0.1, 1)
        f_v, eta = _voigt_tch(f_g, f_l)
        height = rng.uniform(0.1, 1.0, T)
        area = height / _peak_density(eta, f_v)
        return dict(
            n_comp=n_comp,
            counts=counts,
            lib_of_band=lib_of_band,
            comp_of_band=comp_of_band,
            centre=centre,
            f_g=f_g,
            f_l=f_l,
            area=area,
        )

    def _concentrations(self, rng, n, n_lib, n_comp) -> np.ndarray:
        K = self.max_components
        k = self.spectra_per_library
        present = np.arange(K)[None, :] < np.repeat(n_comp, k)[:n, None]
        if self.concentrations == "dirichlet":
            g = rng.gamma(self.dirichlet_alpha, 1.0, (n, K)) * present
            s = g.sum(axis=1, keepdims=True)
            C = g / np.where(s > 0, s, 1.0)
        else:
            m = present.sum(axis=1, keepdims=True)
            C = np.exp(rng.normal(0.0, 0.5, (n, K))) / m * present
        return C

    def _instrument(self, rng, regime) -> dict:
        """Range, native grid and resolution of one instrument per library."""
        t = self._t
        P = self.n_points
        n_lib = regime.shape[0]
        a_lo, a_hi = t["axis"][regime, 0], t["axis"][regime, 1]
        span_full = a_hi - a_lo
        frac = rng.uniform(*self.range_fraction, n_lib)
        span = frac * span_full
        lo = a_lo + rng.random(n_lib) * (span_full - span)
        hi = lo + span
        d_lo, d_hi = self.point_density
        dens = np.exp(rng.uniform(np.log(d_lo), np.log(d_hi), n_lib))
        n_native = np.maximum(np.rint(dens * P).astype(np.intp), 4)
        step = span / (n_native - 1)
        # margin for the shift and stretch: 5 sd of the worst-case offset
        reach = (
            5.0 * self.shift * (t["shift"][regime] + t["stretch"][regime] * span / 2)
        )
        margin = np.ceil(reach / step).astype(np.intp) + 1
        start = lo - margin * step
        n_grid = n_native + 2 * margin
        if self.resolution > 0:
            res = self.resolution * np.exp(
                rng.uniform(
                    np.log(t["resolution"][regime, 0]),
                    np.log(t["resolution"][regime, 1]),
                )
            )
        else:
            res = np.zeros(n_lib)
        return dict(lo=lo, hi=hi, start=start, step=step, n_grid=n_grid, res=res)

    def _pure(self, lib, inst, N) -> np.ndarray:
        """Broadened pure spectra (n_lib, K, N) on each instrument's grid."""
        K = self.max_components
        n_lib = inst["lo"].shape[0]
        b = lib["lib_of_band"]
        f_g = np.sqrt(lib["f_g"] ** 2 + inst["res"][b] ** 2)
        f_v, eta = _voigt_tch(f_g, lib["f_l"])
        dt = self.dtype
        # band offsets from the grid start, in widths (float32 keeps ~1e-4 of
        # a width of precision here, far below any sampling effect)
        z = ((inst["start"][b] - lib["centre"]) / f_v).astype(dt)[:, None] + (
            inst["step"][b] / f_v
        ).astype(dt)[:, None] * np.arange(N, dtype=dt)[None, :]
        z2 = z * z
        lor = (eta * (2.0 / np.pi)).astype(dt)[:, None] / (1 + 4 * z2)
        z2 *= dt.type(-4.0 * _LN2)
        np.exp(z2, out=z2)
        z2 *= ((1.0 - eta) * _G0).astype(dt)[:, None]
        prof = lor + z2
        prof *= (lib["area"] / f_v).astype(dt)[:, None]
        E = np.zeros((n_lib * K, N), dtype=dt)
        counts = lib["counts"]
        has = counts > 0
        if prof.shape[0]:
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])[has]
            E[has] = np.add.reduceat(prof, starts, axis=0)
        return E.reshape(n_lib, K, N)

    def _measure(self, rng, n, regime, lib, C, lib_index, library) -> dict:
        t = self._t
        P = self.n_points
        k = self.spectra_per_library
        dt = self.dtype
        inst = self._instrument(rng, regime)
        N = int(inst["n_grid"].max())
        E = self._pure(lib, inst, N).astype(dt, copy=False)
        n_lib = E.shape[0]
        # Beer-Lambert mixing, one batched matmul over the libraries
        Cp = np.zeros((n_lib * k, self.max_components), dtype=dt)
        Cp[:n] = C
        A = np.matmul(Cp.reshape(n_lib, k, -1), E).reshape(n_lib * k, N)[:n]
        # nominal axis, then the true positions read on the native grid
        reg = regime[lib_index]
        lo, hi = inst["lo"][lib_index], inst["hi"][lib_index]
        u = np.linspace(-1.0, 1.0, P, dtype=dt)[None, :]
        half = ((hi - lo) / 2).astype(dt)[:, None]
        mid = ((hi + lo) / 2).astype(dt)[:, None]
        s_shift = (rng.standard_normal(n) * self.shift * t["shift"][reg]).astype(dt)
        s_str = (rng.standard_normal(n) * self.shift * t["stretch"][reg]).astype(dt)
        start = inst["start"][lib_index].astype(dt)[:, None]
        step = inst["step"][lib_index].astype(dt)[:, None]
        # true x = mid + half * u * (1 + stretch) + shift
        pos = (
            mid - start + s_shift[:, None] + (half * (1 + s_str[:, None])) * u
        ) / step
        top = (inst["n_grid"][lib_index] - 1).astype(dt)[:, None]
        np.clip(pos, 0, top, out=pos)
        i0 = pos.astype(np.intp)
        np.minimum(i0, N - 2, out=i0)
        frac = pos - i0.astype(dt)  # 1 at the very last point
        i0 += (np.arange(n) * N)[:, None]
        flat = A.ravel()
        a0 = flat[i0]
        X = a0 + (flat[i0 + 1] - a0) * frac
        # EMSC-like scatter, curved baseline and fluorescence
        if self.scatter > 0:
            sd = self.scatter * t["scatter"][reg]  # (n, 4)
            z = rng.standard_normal((n, 4)) * sd
            z = z.astype(dt)
            X *= np.exp(z[:, :1])
            X += z[:, 1:2] + z[:, 2:3] * u + z[:, 3:4] * (u * u - dt.type(1 / 3))
            fl_lo, fl_hi = t["fluorescence"][reg, 0], t["fluorescence"][reg, 1]
            raman = np.flatnonzero(fl_hi > 0)
            if raman.size:
                m = raman.size
                amp = self.scatter * np.exp(
                    rng.uniform(np.log(fl_lo[raman]), np.log(fl_hi[raman]))
                )
                # broad fluorescence, rising towards low Raman shifts
                centre = rng.uniform(-2.5, -0.5, m)
                width = rng.uniform(0.8, 2.5, m)
                bg = np.exp(
                    -0.5
                    * ((u - centre[:, None].astype(dt)) / width[:, None].astype(dt))
                    ** 2
                )
                X[raman] += amp[:, None].astype(dt) * bg
        if self.noise > 0:
            s0 = self.noise * np.exp(
                rng.uniform(np.log(t["sigma0"][reg, 0]), np.log(t["sigma0"][reg, 1]))
            )
            s1 = self.noise * t["sigma1"][reg]
            sd = np.abs(X) * s1.astype(dt)[:, None]
            sd += s0.astype(dt)[:, None]
            X += rng.standard_normal((n, P), dtype=dt) * sd
        view = dict(
            X=X,
            axis_range=np.column_stack([lo, hi]),
            resolution=inst["res"][lib_index],
        )
        if library:
            # the pure spectra on each library's nominal grid (no shift)
            grid = np.linspace(0.0, 1.0, P)[None, :]
            pos_l = ((inst["lo"] - inst["start"]) / inst["step"])[:, None] + grid * (
                (inst["hi"] - inst["lo"]) / inst["step"]
            )[:, None]
            j0 = np.minimum(pos_l.astype(np.intp), N - 2)
            fr = pos_l - j0
            e0 = np.take_along_axis(E, j0[:, None, :], axis=2)
            e1 = np.take_along_axis(E, j0[:, None, :] + 1, axis=2)
            view["pure_spectra"] = (e0 + (e1 - e0) * fr[:, None, :].astype(dt)).astype(
                dt
            )
        return view


def make_prior_spectra(
    n_samples: int = 1000,
    n_points: int = 256,
    *,
    paired: bool = False,
    return_X_y: bool = False,
    random_state=None,
    **prior_params,
):
    """Draw one batch of the spectral prior (:class:`SpectralPrior`).

    Parameters
    ----------
    n_samples : int, default=1000
        Number of spectra (of samples, with `paired`).
    n_points : int, default=256
        Points of every spectrum.
    paired : bool, default=False
        Two views of every sample, on two simulated instruments.
    return_X_y : bool, default=False
        Return ``(X, y)`` (``((X1, X2), y)`` with `paired`) instead of the
        Bunch; ``y`` is the concentration of component 0.
    random_state : int, numpy Generator/RandomState/SeedSequence or None, \
default=None
        Seeds everything.
    **prior_params
        Any other parameter of :class:`SpectralPrior` (``regime_weights``,
        ``spectra_per_library``, ``scatter``, ``noise``, ...).

    Returns
    -------
    batch : :class:`~sklearn.utils.Bunch`
        As :meth:`SpectralPrior.sample`.

    Examples
    --------
    >>> from sklspec.datasets import make_prior_spectra
    >>> X, y = make_prior_spectra(200, 64, random_state=0, return_X_y=True)
    >>> X.shape, y.shape
    ((200, 64), (200,))
    """
    prior = SpectralPrior(n_points, random_state=random_state, **prior_params)
    batch = prior.sample(n_samples, paired=paired)
    if return_X_y:
        return ((batch.X1, batch.X2) if paired else batch.X), batch.y
    return batch
