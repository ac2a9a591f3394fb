"""The model zoo: every named model of sklspec, in one registry.

:func:`list_models` lists the names (or :class:`ModelSpec` records) without
building anything, :func:`get_model` builds one model by name and
:func:`make_models` builds several, ready for
:func:`sklspec.evaluation.compare`. Each model is an unfitted
:class:`~sklearn.pipeline.Pipeline` with a small ``param_grid``: the
baselines of :func:`sklspec.baselines.make_baselines` (``kind="baseline"``)
and the self-supervised models of :func:`sklspec.finetune.make_ssl_models`
(``kind="ssl"``).
"""

from ._registry import get_model, list_models, make_models
from ._spec import ModelSpec

__all__ = ["ModelSpec", "get_model", "list_models", "make_models"]
