"""Spectral transformations for pretext tasks and data augmentation (numpy).

The six transformations of Zhao et al. (2025, §3.1.1.1), the pseudo-labelled
set of their transformation-recognition task, and a scikit-learn transformer
for random augmentation.
"""

from ._transformer import SpectralAugmenter
from ._transforms import (
    PRETEXT_TASKS,
    TRANSFORMATIONS,
    add_gaussian_noise,
    add_offset,
    check_generator,
    flip_horizontal,
    flip_vertical,
    make_pretext_dataset,
    multiply,
    permute_segments,
)

__all__ = [
    "PRETEXT_TASKS",
    "TRANSFORMATIONS",
    "SpectralAugmenter",
    "add_gaussian_noise",
    "add_offset",
    "check_generator",
    "flip_horizontal",
    "flip_vertical",
    "make_pretext_dataset",
    "multiply",
    "permute_segments",
]
