"""Spectra that do not fit in memory: libraries read block by block.

An embedder's ``fit`` takes, besides an in-memory array, a library that is
read a block at a time (:func:`is_stream` says which inputs are):

* a :class:`numpy.memmap` (``np.load(path, mmap_mode="r")`` of an ``.npy``);
* an h5py ``Dataset`` or a zarr ``Array`` (extra ``stream``);
* an iterable of 2-D batches whose ``__iter__`` starts over each time it is
  called (an object with ``__iter__``, or a function that returns an
  iterator wrapped in :class:`BatchIterable`; a list or tuple is in-memory
  spectra, as everywhere in scikit-learn).

:class:`SpectraSource` validates such an input block by block (width,
NaN / inf) without ever holding more than a block;
:func:`stream_moments` computes in one pass the statistics the modules need
(per-point mean and variance, merged as in Chan et al.), and
:class:`sklspec._torch.BatchStream` is the torch ``IterableDataset`` that
training reads (this module needs no torch, so ``sklspec.utils`` and
``sklspec.plotting`` import without it):
the order of the blocks and the rows inside a shuffle buffer are drawn from
torch's generator at the start of every epoch (which
:func:`sklspec._torch.train_module` seeds from the epoch number), and the
pretext data of each batch are made afresh from those rows, so no copy of
the library is ever materialised and memory does not grow with its size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "BatchIterable",
    "FeatureMoments",
    "SpectraSource",
    "is_stream",
    "stream_moments",
]

#: Rows read from an on-disk array at a time (and the shuffle buffer).
BLOCK_ROWS = 8192


def _is_disk_array(X) -> bool:
    """A file-backed memmap, an h5py Dataset or a zarr Array (read by slices).

    A memmap made by indexing one with an index array is a copy in memory
    (its ``filename`` is None): it is an ordinary array, so the same spectra
    give the same model whether or not joblib memory-mapped them for a worker
    and a cross-validation indexed them.
    """
    if isinstance(X, np.memmap):
        return getattr(X, "filename", None) is not None
    module = type(X).__module__ or ""
    return module.split(".")[0] in ("h5py", "zarr") and hasattr(X, "shape")


def is_stream(X) -> bool:
    """Whether `X` is a library to stream rather than an in-memory array.

    True for a file-backed :class:`numpy.memmap` (``np.load(path,
    mmap_mode="r")``), an h5py ``Dataset``, a zarr ``Array``,
    a :class:`BatchIterable`, and any other iterable that is not array-like
    (no ``shape``, ``__array__`` or ``__len__``: a generator, a custom
    iterable of batches). Lists, tuples, arrays, DataFrames and tensors are
    in-memory spectra, as everywhere in scikit-learn.

    Parameters
    ----------
    X : object
        The ``X`` of ``fit``.

    Returns
    -------
    bool
    """
    if _is_disk_array(X) or isinstance(X, BatchIterable):
        return True
    if isinstance(X, (np.ndarray, list, tuple, str, bytes, dict)):
        return False
    if hasattr(X, "shape") or hasattr(X, "__array__") or hasattr(X, "__len__"):
        return False
    return hasattr(X, "__iter__")


class BatchIterable:
    """An iterable of spectrum batches made by a function, for streaming fit.

    ``fit`` reads a streamed library at least twice (one pass for the input
    statistics, then one per epoch), so it needs an iterable that starts over;
    a generator does not. Wrap the function that makes the generator.

    Parameters
    ----------
    make_iterator : callable
        ``make_iterator()`` returns a fresh iterator of 2-D arrays
        ``(n_batch_rows, n_points)``, all of the same width.

    Examples
    --------
    >>> import numpy as np
    >>> def batches():
    ...     rng = np.random.default_rng(0)
    ...     for _ in range(3):
    ...         yield rng.normal(size=(10, 32))
    >>> library = BatchIterable(batches)
    >>> sum(len(b) for b in library), sum(len(b) for b in library)
    (30, 30)
    """

    def __init__(self, make_iterator: Callable[[], Iterable]):
        if not callable(make_iterator):
            raise TypeError(
                "BatchIterable takes a function that returns an iterator of "
                f"batches, got {type(make_iterator).__name__}."
            )
        self.make_iterator = make_iterator

    def __iter__(self) -> Iterator:
        return iter(self.make_iterator())

    def __repr__(self) -> str:
        return f"BatchIterable({getattr(self.make_iterator, '__name__', '...')})"


class SpectraSource:
    """A streamed library of spectra, validated block by block.

    Parameters
    ----------
    X : memmap, h5py Dataset, zarr Array or iterable of 2-D arrays
        The library (see :func:`is_stream`).
    name : str, default="the estimator"
        Named in error messages.
    network_input : bool, default=True
        The blocks go to a float32 network as they are: they come as
        float32, and magnitudes outside
        :data:`~sklspec.utils._validation.FLOAT32_MAGNITUDE_RANGE` are refused.
        False for blocks that a preprocessing (the canonical grid, which
        rescales every row) maps first: they keep their floating
        dtype (integers come as float64) and any finite magnitude.

    Attributes
    ----------
    n_features : int or None
        Points per spectrum (None for an iterable until it is first read).
    n_rows : int or None
        Spectra in the library (None for an iterable until it is first read).
    """

    def __init__(self, X, *, name: str = "the estimator", network_input: bool = True):
        self.name = name
        self.network_input = network_input
        self.X = X
        self._on_disk = _is_disk_array(X)
        if self._on_disk:
            shape = tuple(X.shape)
            if len(shape) != 2:
                raise ValueError(
                    f"{name} streams a 2-D library (n_spectra, n_points); got "
                    f"an on-disk array of shape {shape}. Store one spectrum "
                    "per row."
                )
            self.n_rows, self.n_features = int(shape[0]), int(shape[1])
            if not np.issubdtype(np.dtype(X.dtype), np.number):
                raise ValueError(
                    f"{name} needs numeric spectra; the on-disk array holds "
                    f"dtype {X.dtype}."
                )
        else:
            if iter(X) is X:
                raise TypeError(
                    f"{name} reads a streamed library at least twice (input "
                    "statistics, then every epoch), but X is a one-shot "
                    f"iterator ({type(X).__name__}). Pass an iterable that "
                    "starts over, e.g. sklspec.utils.BatchIterable(f) with f "
                    "a function returning the generator, or an on-disk array "
                    "(np.load(path, mmap_mode='r'), h5py, zarr)."
                )
            self.n_rows, self.n_features = None, None

    @property
    def on_disk(self) -> bool:
        """Whether the library is an array read by slices (else an iterable)."""
        return self._on_disk

    def _check(self, block, start: int) -> np.ndarray:
        block = np.asarray(block)
        stop = start + (len(block) if block.ndim else 0)
        where = f"rows {start}..{stop - 1} of the streamed library"
        if block.ndim != 2:
            raise ValueError(
                f"{self.name} streams 2-D batches (n_spectra, n_points); "
                f"{where} came as an array of shape {block.shape}."
            )
        if not np.issubdtype(block.dtype, np.number):
            raise ValueError(
                f"{self.name} needs numeric spectra; {where} have dtype {block.dtype}."
            )
        if self.n_features is None:
            self.n_features = int(block.shape[1])
        elif block.shape[1] != self.n_features:
            raise ValueError(
                f"{self.name}: {where} have {block.shape[1]} points but the "
                f"library's spectra have {self.n_features}. Resample every "
                "batch onto one axis (sklspec.preprocessing.Resample) first."
            )
        # integers as float64: -min does not wrap around, the values stay exact
        values = block if block.dtype.kind == "f" else block.astype(np.float64)
        if self.network_input and block.size:
            with np.errstate(invalid="ignore"):  # NaN is refused below
                big = max(
                    float(np.nanmax(values, initial=-np.inf)),
                    -float(np.nanmin(values, initial=np.inf)),
                )
            from .utils._validation import FLOAT32_MAGNITUDE_RANGE  # no cycle

            low, high = FLOAT32_MAGNITUDE_RANGE
            if np.isfinite(big) and (big > high or 0 < big < low):
                raise ValueError(
                    f"{self.name}: {where} hold values of largest magnitude "
                    f"{big:.3g}, outside what float32 networks train on "
                    f"({low:g} to {high:g}: beyond it they see inf, or zeros). "
                    "Rescale the library (e.g. to absorbance or reflectance "
                    "units) first."
                )
        block = block.astype(np.float32, copy=False) if self.network_input else values
        finite = np.isfinite(block).all(axis=1)
        if not finite.all():
            bad = start + int(np.flatnonzero(~finite)[0])
            raise ValueError(
                f"{self.name}: the streamed library holds NaN or infinite "
                f"values (first in row {bad}). Impute them or drop those "
                "spectra before fitting."
            )
        return block

    def blocks(self, rng: np.random.Generator | None = None, block_rows=BLOCK_ROWS):
        """Yield the library as validated blocks (float32 for a network).

        Parameters
        ----------
        rng : numpy Generator or None
            When given, an on-disk array's blocks come in a random order
            (an iterable's batches always come as it gives them).
        block_rows : int
            Rows per block read from an on-disk array.

        Yields
        ------
        block : ndarray of shape (n_block_rows, n_features)
        """
        if self.on_disk:
            starts = np.arange(0, self.n_rows, block_rows)
            if rng is not None:
                starts = rng.permutation(starts)
            for start in starts:
                start = int(start)
                yield self._check(self.X[start : start + block_rows], start)
            return
        seen = 0
        for batch in self.X:
            block = self._check(batch, seen)
            seen += len(block)
            yield block
        if self.n_rows is None:
            self.n_rows = seen
        if seen == 0:
            raise ValueError(f"{self.name}: the streamed library yielded no spectra.")


@dataclass
class FeatureMoments:
    """Per-point count, mean and sum of squared deviations of a library.

    Merged block by block with the pairwise update of Chan, Golub & LeVeque
    (1979), in float64, so the result equals the in-memory statistics to
    rounding.
    """

    n: int
    mean: np.ndarray
    m2: np.ndarray
    constant: list = field(default_factory=list)

    @property
    def var(self) -> np.ndarray:
        """Population variance of every point."""
        return self.m2 / max(self.n, 1)

    @property
    def global_mean(self) -> float:
        """Mean of all values."""
        return float(self.mean.mean())

    @property
    def global_std(self) -> float:
        """Standard deviation of all values (law of total variance)."""
        total = self.var.mean() + ((self.mean - self.mean.mean()) ** 2).mean()
        return float(np.sqrt(total))

    def update(self, block: np.ndarray) -> None:
        """Merge the moments of a block of rows."""
        from .utils._warnings import constant_rows  # sklspec.utils imports us

        block = np.asarray(block, dtype=np.float64)
        nb = len(block)
        if nb == 0:
            return
        constant = constant_rows(block)
        mean_b = block.mean(axis=0)
        m2_b = ((block - mean_b) ** 2).sum(axis=0)
        n = self.n + nb
        delta = mean_b - self.mean
        self.mean = self.mean + delta * (nb / n)
        self.m2 = self.m2 + m2_b + delta**2 * (self.n * nb / n)
        self.constant.extend((self.n + np.flatnonzero(constant)).tolist())
        self.n = n


def stream_moments(
    source: SpectraSource, preprocess: Callable | None = None
) -> FeatureMoments:
    """One pass over a streamed library: its per-point moments.

    Parameters
    ----------
    source : SpectraSource
        The library.
    preprocess : callable or None
        Applied to every block first (e.g. the canonical grid).

    Returns
    -------
    moments : FeatureMoments
    """
    moments = None
    for block in source.blocks():
        if preprocess is not None:
            block = preprocess(block)
        if moments is None:
            width = block.shape[1]
            moments = FeatureMoments(0, np.zeros(width), np.zeros(width))
        moments.update(block)
    return moments
