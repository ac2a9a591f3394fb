"""Spectral transformations of Zhao et al. (2025), §3.1.1.1, in numpy.

Every function takes a batch ``X`` of shape ``(n_samples, n_features)`` and
returns a new array of the same shape and floating dtype; randomness comes from
a seeded :class:`numpy.random.Generator`, and nothing loops over spectra.

Several amplitudes are expressed, as in the paper, relative to "the standard
deviation of the training set": the ``reference_std`` argument. When it is
None it is the standard deviation of all values of ``X`` (``np.std(X)``), the
batch standing for the training set. Pass the training-set value explicitly
(:class:`SpectralAugmenter` does so from ``fit``) when transforming small
batches.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence

import numpy as np

__all__ = [
    "PRETEXT_TASKS",
    "TRANSFORMATIONS",
    "add_gaussian_noise",
    "add_offset",
    "check_generator",
    "flip_horizontal",
    "flip_vertical",
    "make_pretext_dataset",
    "multiply",
    "permute_segments",
]


def check_generator(random_state=None) -> np.random.Generator:
    """Turn ``random_state`` into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        None: a fresh, unseeded generator. int: ``np.random.default_rng(int)``.
        Generator: returned as is (its state advances). RandomState: a new
        generator seeded by one draw from it (its state advances, as with
        sklearn's ``check_random_state``).

    Returns
    -------
    rng : numpy.random.Generator

    Examples
    --------
    >>> rng = check_generator(0)
    >>> check_generator(rng) is rng
    True
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(
            random_state.randint(np.iinfo(np.int64).max, dtype=np.int64)
        )
    if isinstance(random_state, numbers.Integral) and not isinstance(
        random_state, bool
    ):
        return np.random.default_rng(int(random_state))
    raise ValueError(
        "random_state must be None, an int, a numpy Generator or a RandomState, "
        f"got {random_state!r}."
    )


def _check_X(X) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(
            "X must be a 2-D array of shape (n_samples, n_features), got an array "
            f"of shape {X.shape}. Use X.reshape(1, -1) for a single spectrum."
        )
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(np.float64)
    return X


def _reference_std(X: np.ndarray, reference_std: float | None) -> float:
    if reference_std is None:
        return float(np.std(X)) if X.size else 0.0
    reference_std = float(reference_std)
    if not np.isfinite(reference_std) or reference_std < 0:
        raise ValueError(
            f"reference_std must be finite and non-negative, got {reference_std}."
        )
    return reference_std


def _check_scale(name: str, scale: float) -> float:
    scale = float(scale)
    if not np.isfinite(scale) or scale < 0:
        raise ValueError(f"{name} must be finite and non-negative, got {scale}.")
    return scale


def add_gaussian_noise(
    X,
    *,
    scale: float = 0.05,
    reference_std: float | None = None,
    random_state=None,
) -> np.ndarray:
    """Add i.i.d. Gaussian noise (transformation 1, "add noise").

    ``X + N(0, (scale * reference_std)**2)`` at every point. The paper gives
    no amplitude; we express it, like its offsets, relative to the standard
    deviation of the training set, with ``scale=0.05`` by default.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Spectra.
    scale : float, default=0.05
        Noise standard deviation as a fraction of ``reference_std``.
    reference_std : float, optional
        Training-set standard deviation; default ``np.std(X)``.
    random_state : None, int, Generator or RandomState, default=None
        Seed or generator (see :func:`check_generator`).

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_features)

    Examples
    --------
    >>> X = np.zeros((2, 5))
    >>> add_gaussian_noise(X, reference_std=1.0, random_state=0).shape
    (2, 5)
    """
    X = _check_X(X)
    sigma = _check_scale("scale", scale) * _reference_std(X, reference_std)
    rng = check_generator(random_state)
    noise = rng.standard_normal(X.shape)
    return (X + sigma * noise).astype(X.dtype, copy=False)


def add_offset(
    X,
    *,
    scale: float = 0.1,
    reference_std: float | None = None,
    random_state=None,
) -> np.ndarray:
    """Shift each spectrum along the vertical axis (transformation 2, "offsets").

    ``X_i + b_i`` with one ``b_i ~ U(-scale * s, scale * s)`` per spectrum,
    ``s = reference_std``. §3.1.1.1: the offset "is determined by a factor of
    0.1 times the standard deviation of the training set", each value
    changing "by up to 10 %" of it; we read "up to" as a uniform draw of
    either sign.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Spectra.
    scale : float, default=0.1
        Largest offset as a fraction of ``reference_std``.
    reference_std : float, optional
        Training-set standard deviation; default ``np.std(X)``.
    random_state : None, int, Generator or RandomState, default=None
        Seed or generator (see :func:`check_generator`).

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_features)

    Examples
    --------
    >>> X = np.zeros((2, 3))
    >>> Xo = add_offset(X, reference_std=1.0, random_state=0)
    >>> bool(np.all(Xo == Xo[:, :1])) and bool(np.all(np.abs(Xo) <= 0.1))
    True
    """
    X = _check_X(X)
    bound = _check_scale("scale", scale) * _reference_std(X, reference_std)
    rng = check_generator(random_state)
    offsets = rng.uniform(-bound, bound, size=(X.shape[0], 1))
    return (X + offsets).astype(X.dtype, copy=False)


def multiply(
    X,
    *,
    factor_range: tuple[float, float] = (0.9, 1.1),
    random_state=None,
) -> np.ndarray:
    """Stretch or compress each spectrum (transformation 3, "multiplication").

    ``f_i * X_i`` with one factor ``f_i ~ U(*factor_range)`` per spectrum.
    §3.1.1.1 says the multiplication "is performed at 1 ± 10.1 times the
    standard deviation of the training set", garbled and dimensionally odd (a
    factor in units of absorbance); we read it as factors ``1 ± 0.1``, i.e.
    ``factor_range=(0.9, 1.1)``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Spectra.
    factor_range : (float, float), default=(0.9, 1.1)
        Bounds ``(low, high)`` of the uniform factor, ``low <= high``.
    random_state : None, int, Generator or RandomState, default=None
        Seed or generator (see :func:`check_generator`).

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_features)

    Examples
    --------
    >>> X = np.ones((3, 4))
    >>> Xm = multiply(X, factor_range=(2.0, 2.0))
    >>> float(Xm.max())
    2.0
    """
    X = _check_X(X)
    low, high = _check_range(factor_range)
    rng = check_generator(random_state)
    factors = rng.uniform(low, high, size=(X.shape[0], 1))
    return (X * factors).astype(X.dtype, copy=False)


def _check_range(factor_range) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in factor_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"factor_range must be a pair (low, high), got {factor_range!r}."
        ) from None
    if not (np.isfinite(low) and np.isfinite(high)) or low > high:
        raise ValueError(
            f"factor_range must be finite with low <= high, got {factor_range!r}."
        )
    return low, high


def flip_horizontal(X, *, center: str = "zero") -> np.ndarray:
    """Mirror each spectrum about a horizontal line (transformation 4).

    §3.1.1.1: "flipped according to the horizontal line", i.e. mirrored
    top-to-bottom. ``center="zero"`` (default) mirrors about the wavelength
    axis ``y = 0``: ``-X`` (the "negation" of the time-series SSL literature
    the paper builds on). ``center="mean"`` mirrors each spectrum about its
    own mean, ``2 * mean(x) - x``, which keeps the level and only inverts the
    shape (a harder pretext task for all-positive spectra). Both coincide for
    mean-centred (e.g. SNV) spectra.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Spectra.
    center : {"zero", "mean"}, default="zero"
        The horizontal line to mirror about.

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_features)

    Examples
    --------
    >>> X = np.array([[1.0, 2.0, 6.0]])
    >>> flip_horizontal(X)
    array([[-1., -2., -6.]])
    >>> flip_horizontal(X, center="mean")
    array([[5., 4., 0.]])
    """
    X = _check_X(X)
    if center == "zero":
        return -X
    if center == "mean":
        return 2.0 * X.mean(axis=1, keepdims=True) - X
    raise ValueError(f"center must be 'zero' or 'mean', got {center!r}.")


def flip_vertical(X) -> np.ndarray:
    """Reverse each spectrum along the wavelength axis (transformation 5).

    §3.1.1.1: "flipped according to the vertical line", i.e. mirrored
    left-to-right: ``X[:, ::-1]``. Applying it twice gives back ``X``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Spectra.

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_features)

    Examples
    --------
    >>> flip_vertical(np.array([[1.0, 2.0, 3.0]]))
    array([[3., 2., 1.]])
    """
    X = _check_X(X)
    return X[:, ::-1].copy()


def _segment_ids(n_features: int, n_segments: int) -> np.ndarray:
    """Segment of each column; sizes as ``np.array_split`` (first ones longer)."""
    sizes = np.full(n_segments, n_features // n_segments)
    sizes[: n_features % n_segments] += 1
    return np.repeat(np.arange(n_segments), sizes)


def _non_identity_permutations(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    """``n`` uniform random permutations of ``range(m)``, none the identity."""
    identity = np.arange(m)
    perms = np.argsort(rng.random((n, m)), axis=1)
    # Rejection sampling keeps the draw uniform over the m! - 1 non-identity
    # permutations; each round redraws only the identity rows (probability 1/m!).
    for _ in range(64):
        bad = np.flatnonzero(np.all(perms == identity, axis=1))
        if bad.size == 0:
            return perms
        perms[bad] = np.argsort(rng.random((bad.size, m)), axis=1)
    # Practically unreachable; a cyclic shift is never the identity.
    bad = np.flatnonzero(np.all(perms == identity, axis=1))
    shifts = rng.integers(1, m, size=bad.size)
    perms[bad] = (identity[None, :] + shifts[:, None]) % m
    return perms


def permute_segments(X, *, n_segments: int = 4, random_state=None) -> np.ndarray:
    """Cut each spectrum into segments and shuffle them (transformation 6).

    §3.1.1.1: "the raw NIR spectroscopy is evenly divided into m segments and
    shuffled". The paper does not give ``m``; we use 4 by default. When
    ``n_features`` is not a multiple of ``n_segments`` the segments differ in
    length by at most one point (as ``np.array_split``). Every spectrum gets
    its own uniformly drawn permutation of the segments, never the identity
    (so a spectrum always changes unless its segments are equal).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Spectra.
    n_segments : int, default=4
        Number of segments ``m``, ``2 <= m <= n_features``.
    random_state : None, int, Generator or RandomState, default=None
        Seed or generator (see :func:`check_generator`).

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_features)

    Examples
    --------
    >>> X = np.arange(4.0).reshape(1, 4)
    >>> permute_segments(X, n_segments=2)
    array([[2., 3., 0., 1.]])
    """
    X = _check_X(X)
    n, p = X.shape
    if (
        isinstance(n_segments, bool)
        or not isinstance(n_segments, numbers.Integral)
        or not 2 <= n_segments <= p
    ):
        raise ValueError(
            f"n_segments must be an integer in [2, n_features={p}], got {n_segments!r}."
        )
    rng = check_generator(random_state)
    m = int(n_segments)
    perms = _non_identity_permutations(rng, n, m)  # perms[i, k]: k-th segment
    rank = np.argsort(perms, axis=1)  # rank[i, s]: new position of segment s
    seg = _segment_ids(p, m)
    # Sort the columns of each row by (new position of their segment, column).
    key = rank[:, seg] * p + np.arange(p)
    order = np.argsort(key, axis=1, kind="stable")
    return np.take_along_axis(X, order, axis=1)


#: The six transformations of §3.1.1.1, in the paper's order (task ids 1..6).
TRANSFORMATIONS: dict[str, Callable[..., np.ndarray]] = {
    "noise": add_gaussian_noise,
    "offset": add_offset,
    "multiply": multiply,
    "flip_horizontal": flip_horizontal,
    "flip_vertical": flip_vertical,
    "permute": permute_segments,
}

#: Names of the seven binary pretext tasks (task 0 is the raw spectrum).
PRETEXT_TASKS: tuple[str, ...] = ("original", *TRANSFORMATIONS)


def _apply(
    name: str,
    X: np.ndarray,
    rng: np.random.Generator,
    *,
    noise_scale: float,
    offset_scale: float,
    factor_range: tuple[float, float],
    flip_center: str,
    n_segments: int,
    reference_std: float,
) -> np.ndarray:
    """Apply the built-in transformation ``name`` with its parameters."""
    if name == "noise":
        return add_gaussian_noise(
            X, scale=noise_scale, reference_std=reference_std, random_state=rng
        )
    if name == "offset":
        return add_offset(
            X, scale=offset_scale, reference_std=reference_std, random_state=rng
        )
    if name == "multiply":
        return multiply(X, factor_range=factor_range, random_state=rng)
    if name == "flip_horizontal":
        return flip_horizontal(X, center=flip_center)
    if name == "flip_vertical":
        return flip_vertical(X)
    if name == "permute":
        return permute_segments(X, n_segments=n_segments, random_state=rng)
    raise ValueError(
        f"Unknown transformation {name!r}; choose among {list(TRANSFORMATIONS)}."
    )


def _check_names(transformations) -> list[str]:
    if isinstance(transformations, str):
        transformations = [transformations]
    names = list(transformations)
    unknown = [t for t in names if t not in TRANSFORMATIONS]
    if unknown:
        raise ValueError(
            f"Unknown transformation(s) {unknown}; choose among "
            f"{list(TRANSFORMATIONS)}."
        )
    if len(set(names)) != len(names):
        raise ValueError(f"transformations must not repeat names, got {names}.")
    return names


def make_pretext_dataset(
    X,
    *,
    transformations: Sequence[str] | Mapping[str, Callable] | None = None,
    random_state=None,
    noise_scale: float = 0.05,
    offset_scale: float = 0.1,
    factor_range: tuple[float, float] = (0.9, 1.1),
    flip_center: str = "zero",
    n_segments: int = 4,
    reference_std: float | None = None,
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Build the pseudo-labelled set of the transformation-recognition task.

    Zhao et al. (2025) §3.1.1.1-§3.1.1.2: every spectrum gives ``1 + T``
    examples, itself (task 0, "original") and one copy per transformation
    (tasks ``1..T``), each copy made with exactly one transformation; ``7 n``
    examples for the six transformations. The target row of an example is
    one-hot over the ``1 + T`` binary branches: branch ``j`` is 1 when the
    example was made by task ``j``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Unlabelled spectra.
    transformations : sequence of str or mapping, optional
        Names from :data:`TRANSFORMATIONS` (default: all six, in order), or a
        mapping ``name -> callable(X, random_state=rng)`` for custom
        transformations (a value of None selects the built-in of that name).
    random_state : None, int, Generator or RandomState, default=None
        Seed or generator (see :func:`check_generator`); one generator is
        used by the transformations in turn.
    noise_scale, offset_scale : float, default=0.05, 0.1
        ``scale`` of :func:`add_gaussian_noise` and :func:`add_offset`.
    factor_range : (float, float), default=(0.9, 1.1)
        See :func:`multiply`.
    flip_center : {"zero", "mean"}, default="zero"
        ``center`` of :func:`flip_horizontal`.
    n_segments : int, default=4
        See :func:`permute_segments`.
    reference_std : float, optional
        Training-set standard deviation; default ``np.std(X)``, computed once
        for all transformations.

    Returns
    -------
    X_pretext : ndarray of shape ((1 + T) * n_samples, n_features)
        Blocks of ``n_samples`` rows: the originals, then one block per
        transformation in order (row ``k * n + i`` is spectrum ``i`` under
        task ``k``).
    Y : ndarray of shape ((1 + T) * n_samples, 1 + T)
        One-hot float targets for the ``1 + T`` binary branches.
    task_names : tuple of str
        ``("original", *transformations)``.

    Examples
    --------
    >>> X = np.random.default_rng(0).random((5, 16))
    >>> Xp, Y, names = make_pretext_dataset(X, random_state=0)
    >>> Xp.shape, Y.shape, names[:2]
    ((35, 16), (35, 7), ('original', 'noise'))
    >>> Y[[0, 5, 34]].argmax(axis=1)
    array([0, 1, 6])
    """
    X = _check_X(X)
    if transformations is None:
        transformations = list(TRANSFORMATIONS)
    if isinstance(transformations, Mapping):
        custom = dict(transformations)
        builtin = [k for k, v in custom.items() if v is None]
        _check_names(builtin)
        names = list(custom)
    else:
        names = _check_names(transformations)
        custom = dict.fromkeys(names)
    if not names:
        raise ValueError("transformations must not be empty.")
    if "original" in names:
        raise ValueError("'original' is task 0 and is not a transformation name.")
    std = _reference_std(X, reference_std)
    rng = check_generator(random_state)
    blocks = [X]
    for name in names:
        func = custom[name]
        if func is None:
            out = _apply(
                name,
                X,
                rng,
                noise_scale=noise_scale,
                offset_scale=offset_scale,
                factor_range=factor_range,
                flip_center=flip_center,
                n_segments=n_segments,
                reference_std=std,
            )
        else:
            out = np.asarray(func(X, random_state=rng), dtype=X.dtype)
            if out.shape != X.shape:
                raise ValueError(
                    f"Transformation {name!r} returned shape {out.shape}, "
                    f"expected {X.shape}."
                )
        blocks.append(out)
    n_tasks = len(blocks)
    X_pretext = np.concatenate(blocks, axis=0)
    Y = np.repeat(np.eye(n_tasks, dtype=X.dtype), X.shape[0], axis=0)
    return X_pretext, Y, ("original", *names)
