"""Spectral transformations for pretext tasks and data augmentation (numpy).

The six transformations of Zhao et al. (2025, §3.1.1.1), the pseudo-labelled
set of their transformation-recognition task, and a scikit-learn transformer
for random augmentation.
"""

from . import _transforms
from ._transformer import SpectralAugmenter
from ._transforms import *  # noqa: F403 (the transformations: _transforms.__all__)

__all__ = ["SpectralAugmenter", *_transforms.__all__]
