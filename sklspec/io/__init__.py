"""Instrument files in: Bruker OPUS, JCAMP-DX, SPC, ASD FieldSpec, Renishaw WDF.

- :func:`read_spectrum`: one file to the Bunch of
  :func:`sklspec.datasets.load_spectra` (``X``, ``wavelengths``,
  ``wavelength_unit``, ``feature_names``...), plus the measurement ``kind``
  and per-spectrum ``metadata``.
- :func:`read_spectra`: several files, a folder or a glob into one table,
  refusing files on different axes unless asked to resample them.
- :func:`supported_formats`: the formats and their reader packages.

Each format is read by its own maintained package, installed with the ``io``
extra (``pip install "sklspec[io]"``): brukeropus, jcamp, spc-io, pyASDReader,
renishawWiRE. sklspec itself imports none of them until a file needs one.
"""

from ._core import read_spectra, read_spectrum, supported_formats
from ._errors import AxisMismatchError, SpectrumFileError

__all__ = [
    "AxisMismatchError",
    "SpectrumFileError",
    "read_spectra",
    "read_spectrum",
    "supported_formats",
]
