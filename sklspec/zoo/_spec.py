"""The record of one named model of the zoo."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field

TASKS = ("classification", "regression")
KINDS = ("baseline", "ssl")

#: Optional dependency of each model that needs one: name -> (module, extra).
_EXTRAS = {"MiniRocket": ("aeon", "rocket"), "Cubist": ("cubist", "cubist")}


def _has_module(name: str) -> bool:
    """Whether ``name`` can be imported, without importing it."""
    return importlib.util.find_spec(name) is not None


@dataclass(frozen=True)
class ModelSpec:
    """A named model of the zoo: what it is, and how to build it.

    Building is left to :func:`sklspec.zoo.get_model`; a spec itself holds
    no estimator, so listing specs constructs nothing.

    Parameters
    ----------
    name : str
        The name accepted by :func:`~sklspec.zoo.get_model` and
        :func:`~sklspec.zoo.make_models`.
    tasks : tuple of str
        The tasks it supports, among ``"classification"`` and
        ``"regression"``.
    kind : {"baseline", "ssl"}
        ``"baseline"`` for the supervised comparators, ``"ssl"`` for the
        models built on a self-supervised embedder.
    description : str
        One line saying what the pipeline is.
    factory : callable
        ``factory(task, random_state, **options) -> (pipeline, param_grid)``.
        Baselines take no option; self-supervised models take ``quick`` and
        ``pretrained`` (a fitted embedder to freeze, or None).
    module : str or None, default=None
        The optional module it needs, if any.
    extra : str or None, default=None
        The sklspec extra that installs ``module``.
    embedder : str or None, default=None
        For ``kind="ssl"``: the name of the embedder class it is built on.
        Models sharing an embedder share one pretraining in
        :func:`~sklspec.zoo.make_models`.
    """

    name: str
    tasks: tuple[str, ...]
    kind: str
    description: str
    factory: Callable = field(repr=False, compare=False)
    module: str | None = None
    extra: str | None = None
    embedder: str | None = None

    @property
    def available(self) -> bool:
        """Whether its optional dependency, if any, is installed."""
        return _is_available(self)

    def install_hint(self) -> str:
        """The ``pip install`` line for its missing dependency."""
        return f'{self.name} needs {self.module}: pip install "sklspec[{self.extra}]"'


def _is_available(spec: ModelSpec, has_module: Callable | None = None) -> bool:
    if spec.module is None:
        return True
    # Looked up at call time so that tests can monkeypatch ``_has_module``.
    return (has_module or _has_module)(spec.module)


def _spec(name, tasks, kind, description, factory, **kwargs) -> ModelSpec:
    module, extra = _EXTRAS.get(name, (None, None))
    return ModelSpec(
        name,
        tuple(tasks),
        kind,
        description,
        factory,
        module=module,
        extra=extra,
        **kwargs,
    )
