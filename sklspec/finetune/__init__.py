"""Classifiers and regressors fine-tuned on the encoder of a pretrained embedder."""

from ._base import FineTunedClassifier, FineTunedRegressor
from ._models import make_ssl_models

__all__ = ["FineTunedClassifier", "FineTunedRegressor", "make_ssl_models"]
