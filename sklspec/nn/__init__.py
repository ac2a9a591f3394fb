"""Pure torch modules: encoders, heads and losses.

This subpackage never imports scikit-learn or skorch; the sklearn estimators
around these modules live in :mod:`sklspec.embedders` and
:mod:`sklspec.finetune`.
"""

from ._cnn import CNNEncoder, TransformRecognitionNet
from ._heads import (
    POOLINGS,
    ClassificationHead,
    ConfigMixin,
    EncoderWithHead,
    MLPHead,
    RecognitionHead,
    RegressionHead,
    pool_features,
    pooled_size,
)
from ._layers import ScaledNet, SpectrumScaler
from ._losses import ForwardLoss, MultiTaskBCELoss
from ._mae import MAEEncoder, MAELoss, MaskedAutoencoder1d, SpectrumNormalizer
from ._vae import (
    LatentConverterNet,
    SpectralVAE,
    VAEMeanEncoder,
    WavelengthScaler,
    gaussian_kl,
)

__all__ = [
    "ForwardLoss",
    "LatentConverterNet",
    "SpectralVAE",
    "VAEMeanEncoder",
    "WavelengthScaler",
    "gaussian_kl",
    "MAEEncoder",
    "MAELoss",
    "MaskedAutoencoder1d",
    "SpectrumNormalizer",
    "POOLINGS",
    "CNNEncoder",
    "ClassificationHead",
    "ConfigMixin",
    "EncoderWithHead",
    "MLPHead",
    "MultiTaskBCELoss",
    "RecognitionHead",
    "RegressionHead",
    "ScaledNet",
    "SpectrumScaler",
    "TransformRecognitionNet",
    "pool_features",
    "pooled_size",
]
