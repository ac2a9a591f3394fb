"""Baseline models for spectra: PLS-DA, ELM, MiniRocket and the baseline registry.

:func:`make_baselines` builds the comparators that every sklspec benchmark
reports next to a new method (PLS-DA/PLSR, SVM, kNN, random forest, ELM, MLP,
Cubist and MiniRocket), each as an unfitted pipeline with a small grid.
"""

from ._elm import ELMClassifier, ELMRegressor
from ._minirocket import MiniRocketTransformer
from ._plsda import PLSDAClassifier
from ._registry import available_baselines, make_baselines

__all__ = [
    "ELMClassifier",
    "ELMRegressor",
    "MiniRocketTransformer",
    "PLSDAClassifier",
    "available_baselines",
    "make_baselines",
]
