"""Exceptions of :mod:`sklspec.io`."""

from __future__ import annotations

__all__ = ["AxisMismatchError", "SpectrumFileError"]


class SpectrumFileError(ValueError):
    """An instrument file that cannot be turned into spectra.

    Raised for truncated, empty or corrupt files, files of another format than
    their name or ``format=`` says, and files a reader returns nothing (or
    something inconsistent) for. The message names the file, the problem and
    what to do about it. A subclass of :class:`ValueError`.

    Attributes
    ----------
    path : str or None
        The file concerned.
    """

    def __init__(self, message: str, path=None):
        super().__init__(message)
        self.path = None if path is None else str(path)


class AxisMismatchError(ValueError):
    """Spectra on different axes (or units, or measurement kinds) were stacked.

    Raised by :func:`sklspec.io.read_spectra` when the files do not share one
    axis and ``resample`` is False, or cannot be brought onto one. A subclass
    of :class:`ValueError`.
    """
