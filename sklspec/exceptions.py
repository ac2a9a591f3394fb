"""Warnings and errors sklspec raises on suspicious input or training.

Like :mod:`sklearn.exceptions`, one module holds the classes so that users can
filter them by type: turn a warning into an error with

>>> import warnings
>>> from sklspec.exceptions import TrainingDivergenceWarning
>>> with warnings.catch_warnings():
...     warnings.simplefilter("error", TrainingDivergenceWarning)
...     pass  # a fit(...) here raises instead of warning

or silence one with ``warnings.simplefilter("ignore", ...)``. The user guide
page :doc:`/user_guide/refusals` lists what sklspec refuses and warns about.
"""

from __future__ import annotations

__all__ = [
    "ConstantSpectraWarning",
    "DataLimitWarning",
    "TrainingDivergenceError",
    "TrainingDivergenceWarning",
]


class TrainingDivergenceWarning(UserWarning):
    """Training of a network diverged while its loss stayed finite.

    Issued by every torch estimator (embedders, fine-tuned models) when the
    training loss rose tenfold above its initial value, exploded a
    hundredfold at some batch, or did not fall at all in 5 epochs or more.
    The message names the learning rate, the epoch and the losses. The
    embeddings or predictions of such a model are usually meaningless:
    lower ``lr`` (by 10x), or standardise the spectra (e.g. SNV) first. Make
    it an error with
    ``warnings.simplefilter("error", TrainingDivergenceWarning)``.
    """


class TrainingDivergenceError(FloatingPointError):
    """Training diverged and the caller asked for an error instead of a warning.

    Raised by :func:`sklspec._torch.train_module` with
    ``on_divergence="raise"``; a subclass of :class:`FloatingPointError`, as
    the error raised for a non-finite loss.
    """


class ConstantSpectraWarning(UserWarning):
    """Some spectra are constant (all points equal), so they carry no shape.

    Issued by :class:`~sklspec.preprocessing.StandardNormalVariate` (which maps
    such a spectrum to zeros) and by the embedders at fit and transform. A
    constant spectrum usually is a dead detector, a saturated or blank
    measurement, or a row of fill values: check or drop those rows.
    """


class DataLimitWarning(UserWarning):
    """A parameter asks for more than the data can give and was reduced.

    For example :class:`~sklspec.baselines.PLSDAClassifier` with more
    components than spectral points (or than training spectra minus one)
    fits ``n_components_`` components, fewer than asked. The message names
    the limit and the value used.
    """
