"""Applicability domain: is a new spectrum like the calibration spectra?

Outlier detectors with scikit-learn's outlier API (``fit``, ``predict`` -> +1
inside / -1 outside, ``score_samples`` higher for typical spectra,
``decision_function`` negative outside) and a threshold set from
out-of-sample calibration statistics at the false-alarm rate ``alpha``:

- :class:`PCAOutlierDetector`, :class:`PLSOutlierDetector`: Hotelling T² and
  Q-residuals (SPE) on PCA or PLS scores, each or combined;
- :class:`EmbeddingDistanceDetector`: Mahalanobis (Ledoit-Wolf) or k-NN
  distance to the calibration cloud in any embedding;
- :class:`EmbeddingPCADetector`: T² and Q-residuals in a PCA of any
  embedding (autoscaled, with the embedder's offset / scale columns as a
  block of their own);
- :class:`ReconstructionErrorDetector`: the reconstruction error of an MAE
  or VAE embedder.
"""

from ._embedding import EmbeddingDistanceDetector, EmbeddingPCADetector
from ._latent import PCAOutlierDetector, PLSOutlierDetector
from ._reconstruction import ReconstructionErrorDetector

__all__ = [
    "EmbeddingDistanceDetector",
    "EmbeddingPCADetector",
    "PCAOutlierDetector",
    "PLSOutlierDetector",
    "ReconstructionErrorDetector",
]
