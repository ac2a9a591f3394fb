"""sklspec: scikit-learn compatible self-supervised learning for spectra.

Subpackages
-----------
preprocessing
    SNV, MSC, Savitzky-Golay, detrending, range cut, resampling.
augmentation
    Spectral transformations for pretext tasks and data augmentation.
baselines
    PLS-DA, ELM, MiniRocket.
zoo
    The one registry of named models (baselines and SSL pipelines).
transfer
    Calibration transfer between instruments: DS, PDS, Kennard-Stone.
domain
    Applicability domain: T² / Q on PCA or PLS, embedding distances,
    reconstruction error, thresholds at a false-alarm rate.
nn
    Pure torch modules (encoders, heads, losses); every pretraining network
    follows the :class:`~sklspec.nn.PretrainingModule` protocol.
embedders
    scikit-learn transformers around the neural encoders (device, seeding,
    training and inference through the one torch core, ``sklspec._torch``).
finetune
    Fine-tuned classifiers and regressors on pretrained encoders.
evaluation
    ``compare``, label-fraction curves, spectroscopy scorers.
datasets
    Synthetic generators (incl. the spectral prior) and loaders for the npz /
    CSV schema and folders of instrument files.
io
    Readers for instrument files (OPUS, JCAMP-DX, SPC, ASD, WDF; extra ``io``).
conformal
    Conformal prediction intervals and sets around any pipeline (MAPIE; extra
    ``conformal``).
plotting
    Spectra, reconstructions, leaderboards, label-fraction curves, embedding
    maps, band importance, predicted vs measured (matplotlib; extra ``plot``).
"""

from ._version import __version__

__all__ = ["__version__"]
