"""Utilities shared across sklspec (validation of spectra and wavelength axes)."""

from ._validation import check_wavelengths, get_data_home, wavelengths_from_X

__all__ = ["check_wavelengths", "get_data_home", "wavelengths_from_X"]
