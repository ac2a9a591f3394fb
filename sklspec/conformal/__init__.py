"""Conformal prediction intervals and sets for any sklspec pipeline (on MAPIE).

- :class:`ConformalRegressor`: ``predict_interval`` gives distribution-free
  intervals around any regressor (PLSR, an embedder pipeline, ...), by split
  conformal or CV+.
- :class:`ConformalClassifier`: ``predict_set`` gives sets of classes that
  hold the true class at the chosen rate.
- :func:`coverage_table`: empirical coverage and mean width (set size) on
  held-out data over repeated splits (:class:`CoverageResult`).
- :func:`min_calibration_size`: the fewest calibration samples a level needs.

The conformal computations are MAPIE's (BSD-3, ``mapie>=1.0``), an optional
dependency: ``pip install "sklspec[conformal]"``.
"""

from ._coverage import CoverageResult, coverage_table
from ._estimators import ConformalClassifier, ConformalRegressor, min_calibration_size

__all__ = [
    "ConformalClassifier",
    "ConformalRegressor",
    "CoverageResult",
    "coverage_table",
    "min_calibration_size",
]
