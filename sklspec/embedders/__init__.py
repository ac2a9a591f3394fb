"""scikit-learn transformers around the neural encoders of :mod:`sklspec.nn`.

Every embedder derives from :class:`BaseEmbedder`: built in ``fit``, trained
with skorch, saved with ``save_pretrained`` and loaded with
``from_pretrained`` / :func:`load_pretrained`.
"""

from ._base import BaseEmbedder, load_pretrained, read_config
from ._converter import NIRtoMIRConverter
from ._mae import MAEEmbedder
from ._transform_recog import TransformRecogEmbedder
from ._vae import VAEEmbedder, repeat_pairs

__all__ = [
    "BaseEmbedder",
    "MAEEmbedder",
    "NIRtoMIRConverter",
    "VAEEmbedder",
    "repeat_pairs",
    "TransformRecogEmbedder",
    "load_pretrained",
    "read_config",
]
