"""Utilities shared across sklspec (validation of spectra and wavelength axes,
libraries streamed from disk)."""

from .._stream import BatchIterable, is_stream
from ._validation import check_wavelengths, get_data_home, wavelengths_from_X

__all__ = [
    "BatchIterable",
    "check_wavelengths",
    "get_data_home",
    "is_stream",
    "wavelengths_from_X",
]
