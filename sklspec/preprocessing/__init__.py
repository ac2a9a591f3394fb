"""Preprocessing of spectra: scatter correction, smoothing, baselines, ranges.

Every transformer follows the scikit-learn API and takes spectra as rows of a
2-D array. The wavelength axis is read from the string column names of a pandas
DataFrame (``"1100.5"``) or from a ``wavelengths`` parameter where the transformer
needs one (:class:`Detrend`, :class:`RangeCut`, :class:`Resample`).
:class:`CanonicalGrid` maps spectra of any width and axis onto one grid.
"""

from ._base import format_wavelengths
from ._canonical import CanonicalGrid
from ._detrend import Detrend
from ._msc import MSC, MultiplicativeScatterCorrection
from ._rangecut import RangeCut
from ._resample import Resample
from ._savgol import SavitzkyGolay
from ._snv import SNV, StandardNormalVariate

__all__ = [
    "MSC",
    "SNV",
    "CanonicalGrid",
    "Detrend",
    "MultiplicativeScatterCorrection",
    "RangeCut",
    "Resample",
    "SavitzkyGolay",
    "StandardNormalVariate",
    "format_wavelengths",
]
