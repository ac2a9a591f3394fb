"""Evaluation: spectroscopy metrics and scorers, model comparison, label curves.

- Metrics with scikit-learn's signature: :func:`rmse`, :func:`rpd`,
  :func:`rpiq`, :func:`lins_ccc`, :func:`bias`; :func:`clustering_accuracy`.
- Scorers ``rpd_scorer``, ``rpiq_scorer``, ``lins_ccc_scorer``,
  ``bias_scorer``, ``neg_abs_bias_scorer``, also by name through
  :func:`get_scorer` (which knows every scikit-learn name too).
- :func:`compare`: cross-validate several estimators on the same splits and
  get a leaderboard (:class:`ComparisonResult`).
- :func:`label_fraction_curve`: scores versus the fraction of labelled
  samples, with unlabelled spectra for semi-/self-supervised estimators
  (:class:`LabelFractionResult`).
"""

from . import _metrics
from ._compare import ComparisonResult, compare
from ._label_fraction import (
    LabelFractionResult,
    accepts_unlabeled,
    label_fraction_curve,
)
from ._metrics import *  # noqa: F403 (the metrics and scorers: _metrics.__all__)
from ._multifidelity import MultiFidelityResult, multifidelity_table

__all__ = [
    "MultiFidelityResult",
    "multifidelity_table",
    "ComparisonResult",
    "LabelFractionResult",
    "accepts_unlabeled",
    "compare",
    "label_fraction_curve",
    *_metrics.__all__,
]
