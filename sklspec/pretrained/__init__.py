"""Encoders pretrained at scale that ship inside sklspec.

``sklspec-base`` is a masked-autoencoder (MAE) encoder pretrained on the
synthetic spectral prior
(:class:`sklspec.datasets.SpectralPrior`); it maps spectra of any width and
wavelength axis onto its canonical grid, so it embeds any instrument's
spectra offline::

    from sklspec.pretrained import load_pretrained
    encoder = load_pretrained("sklspec-base")   # a fitted embedder
    Z = encoder.transform(X)                   # any width in

:func:`pretrain` (and ``sklspec pretrain``) is the script that made it:
streaming pretraining on the prior with checkpoints and exact resume.
"""

from ._registry import SHIPPED, list_pretrained, pretrained_path

__all__ = [
    "OBJECTIVES",
    "SHIPPED",
    "list_pretrained",
    "load_pretrained",
    "load_real_spectra",
    "pretrain",
    "pretrained_path",
    "write_model_card",
]


def load_pretrained(name):
    """Load a shipped encoder (or any saved embedder directory) by name.

    Parameters
    ----------
    name : str or path-like
        A name of :func:`list_pretrained` (e.g. ``"sklspec-base"``) or a
        directory written by ``save_pretrained``.

    Returns
    -------
    embedder : sklspec.embedders.BaseEmbedder
        The fitted embedder (its ``max_epochs`` is 0: ``fit`` reloads the
        weights; ``set_params(max_epochs=N).fit(X)`` continues pretraining
        on ``X``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.pretrained import load_pretrained
    >>> encoder = load_pretrained("sklspec-base")
    >>> X = np.random.default_rng(0).normal(size=(3, 700)).cumsum(axis=1)
    >>> encoder.transform(X).shape[0]
    3
    """
    from ..embedders import load_pretrained as _load

    return _load(name)


def __getattr__(name):
    # the pretraining code imports the embedders, which import this package's
    # registry: load it on first use
    if name in (
        "pretrain",
        "OBJECTIVES",
        "REAL_SOURCES",
        "load_real_spectra",
        "write_model_card",
    ):
        from . import _pretrain

        return getattr(_pretrain, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
