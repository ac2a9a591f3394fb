"""The encoders that ship inside the package, by name."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SHIPPED", "list_pretrained", "pretrained_path", "resolve_weights"]

#: Directory holding one sub-directory per shipped encoder (``config.json``,
#: ``model.safetensors``, ``MODEL_CARD.md``), written by
#: ``benchmarks/pretrained.py --ship`` / ``sklspec pretrain --ship``.
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"

#: Shipped encoders: name -> one-line description (the card says the rest).
SHIPPED: dict[str, str] = {
    "sklspec-base": (
        "masked-autoencoder encoder pretrained on the synthetic NIR/MIR/Raman "
        "prior (sklspec.datasets.SpectralPrior); any width and axis in"
    ),
}


def list_pretrained() -> list[str]:
    """Names of the encoders shipped with this installation.

    Returns
    -------
    names : list of str
        Names accepted by ``from_pretrained(name)`` and ``weights=name``;
        only those whose files are present.

    Examples
    --------
    >>> from sklspec.pretrained import list_pretrained
    >>> "sklspec-base" in list_pretrained()
    True
    """
    return [name for name in SHIPPED if (WEIGHTS_DIR / name / "config.json").is_file()]


def pretrained_path(name: str) -> Path:
    """Directory of the shipped encoder `name`.

    Parameters
    ----------
    name : str
        One of :func:`list_pretrained`.

    Returns
    -------
    path : pathlib.Path

    Raises
    ------
    ValueError
        If no encoder of that name ships with this installation.
    """
    if name not in SHIPPED:
        raise ValueError(
            f"Unknown pretrained encoder {name!r}; shipped encoders: "
            f"{', '.join(SHIPPED)} (sklspec.pretrained.list_pretrained())."
        )
    path = WEIGHTS_DIR / name
    if not (path / "config.json").is_file():
        raise FileNotFoundError(
            f"The files of the shipped encoder {name!r} are missing from "
            f"{str(path)!r}; the installation is incomplete: reinstall sklspec "
            "(pip install --force-reinstall sklspec)."
        )
    return path


def resolve_weights(weights) -> Path:
    """Turn a ``weights`` value (a shipped name or a directory) into a directory.

    A string naming a shipped encoder (and no existing directory) resolves to
    its package directory; anything else is taken as a path.

    Parameters
    ----------
    weights : str or path-like

    Returns
    -------
    path : pathlib.Path
    """
    path = Path(weights)
    if isinstance(weights, str) and weights in SHIPPED and not path.is_dir():
        return pretrained_path(weights)
    return path
