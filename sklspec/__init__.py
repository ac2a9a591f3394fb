"""sklspec: scikit-learn compatible self-supervised learning for spectra.

Subpackages
-----------
preprocessing
    SNV, MSC, Savitzky-Golay, detrending, range cut, resampling.
augmentation
    Spectral transformations for pretext tasks and data augmentation.
baselines
    PLS-DA, ELM, MiniRocket and the registry of baseline pipelines.
nn
    Pure torch modules (encoders, heads, losses).
embedders
    scikit-learn transformers around the neural encoders.
finetune
    Fine-tuned classifiers and regressors on pretrained encoders.
evaluation
    ``compare``, label-fraction curves, spectroscopy scorers.
datasets
    Synthetic generators and loaders for the npz / CSV schema.
"""

from ._version import __version__

__all__ = ["__version__"]
