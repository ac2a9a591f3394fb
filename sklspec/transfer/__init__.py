"""Calibration transfer between instruments.

A calibration model built on spectra of one instrument (the *master*, or
reference) usually fails on spectra of another (the *slave*, or secondary):
wavelength shifts, resolution and background differ. The transformers here
learn, from a few *transfer samples* scanned on both instruments, a linear
map that turns slave spectra into master-like spectra, so the master's model
applies unchanged:

- :class:`DirectStandardization` (DS): one global linear model.
- :class:`PiecewiseDirectStandardization` (PDS): local PLS models on a window
  around each point, giving a banded map.
- :func:`kennard_stone`: choose representative transfer samples.

Both transformers are fitted with ``fit(X_slave, X_master)``. For a
non-linear transfer through a variational autoencoder see
:class:`sklspec.embedders.NIRtoMIRConverter`.
"""

from ._selection import kennard_stone
from ._standardization import DirectStandardization, PiecewiseDirectStandardization

__all__ = [
    "DirectStandardization",
    "PiecewiseDirectStandardization",
    "kennard_stone",
]
