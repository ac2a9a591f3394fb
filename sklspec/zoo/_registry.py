"""The registry of named models: list them, get one, make many."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

from . import _baselines, _ssl
from ._spec import KINDS, TASKS, ModelSpec, _is_available

__all__ = ["get_model", "list_models", "make_models"]

#: Every model of the zoo by name, in registry order: the baselines, then the
#: self-supervised models.
_MODELS: dict[str, ModelSpec] = {
    spec.name: spec for spec in (*_baselines.SPECS, *_ssl.SPECS)
}


def _check_task(task) -> None:
    if task not in TASKS:
        raise ValueError(f"task must be one of {list(TASKS)}, got {task!r}.")


def _check_kind(kind) -> None:
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be None or one of {list(KINDS)}, got {kind!r}.")


def _lookup(name) -> ModelSpec:
    """The spec of ``name``; an unknown name raises a ValueError with a hint."""
    if name in _MODELS:
        return _MODELS[name]
    lower = {known.lower(): known for known in _MODELS}
    close = difflib.get_close_matches(str(name).lower(), list(lower), n=1)
    hint = f" Did you mean {lower[close[0]]!r}?" if close else ""
    raise ValueError(
        f"Unknown model {name!r}.{hint} Known models: {', '.join(_MODELS)}."
    )


def _lookup_for(name, task: str) -> ModelSpec:
    spec = _lookup(name)
    if task not in spec.tasks:
        raise ValueError(
            f"{name!r} is a {' and '.join(spec.tasks)} model, not a {task} one; "
            f"{task} models: {', '.join(list_models(task))}."
        )
    return spec


def _as_list(names) -> list:
    return [names] if isinstance(names, str) else list(names)


def _select(
    task: str,
    include: Iterable[str] | str | None = None,
    exclude: Iterable[str] | str | None = None,
    *,
    kind: str | None = None,
    has_module: Callable | None = None,
) -> list[ModelSpec]:
    """The specs that :func:`make_models` builds, in registry order."""
    _check_task(task)
    _check_kind(kind)
    if include is None:
        specs = [
            spec
            for spec in _MODELS.values()
            if task in spec.tasks
            and (kind is None or spec.kind == kind)
            and _is_available(spec, has_module)
        ]
    else:
        wanted = {_lookup_for(name, task).name for name in _as_list(include)}
        specs = [spec for spec in _MODELS.values() if spec.name in wanted]
        missing = [spec for spec in specs if not _is_available(spec, has_module)]
        if missing:
            raise ImportError("; ".join(spec.install_hint() for spec in missing) + ".")
    if exclude is not None:
        drop = {_lookup(name).name for name in _as_list(exclude)}
        specs = [spec for spec in specs if spec.name not in drop]
    return specs


def _build(specs, task, *, random_state, quick, X_unlabeled, verbose):
    """Build ``specs``, pretraining each embedder they need once on the pool."""
    pretrained = {}
    embedders = list(dict.fromkeys(s.embedder for s in specs if s.embedder))
    if X_unlabeled is not None and embedders:
        from ..preprocessing import SNV

        X_snv = SNV().fit_transform(X_unlabeled)
        for name in embedders:
            pretrained[name] = _ssl.pretrain(
                name, X_snv, quick=quick, random_state=random_state, verbose=verbose
            )
    models = {}
    for spec in specs:
        options = {}
        if spec.embedder is not None:
            options = {"quick": quick, "pretrained": pretrained.get(spec.embedder)}
        models[spec.name] = spec.factory(task, random_state, **options)
    return models


def list_models(
    task: str | None = None,
    *,
    kind: str | None = None,
    available_only: bool = False,
    details: bool = False,
) -> list:
    """List the models of the zoo, without building any of them.

    Parameters
    ----------
    task : {"classification", "regression"} or None, default=None
        Keep the models that support this task; None keeps them all.
    kind : {"baseline", "ssl"} or None, default=None
        Keep the baselines (``"baseline"``: PLS, SVM, kNN, random forests,
        ELM, MLP, Cubist, MiniRocket) or the models built on a
        self-supervised embedder (``"ssl"``); None keeps both.
    available_only : bool, default=False
        Leave out the models whose optional dependency is missing:
        ``"MiniRocket"`` needs ``aeon`` (``pip install "sklspec[rocket]"``)
        and ``"Cubist"`` needs ``cubist`` (``pip install "sklspec[cubist]"``,
        GPL-3).
    details : bool, default=False
        Return :class:`ModelSpec` records (name, tasks, kind, optional
        dependency and extra, one-line description) instead of names.

    Returns
    -------
    models : list of str or list of ModelSpec
        In registry order: the baselines, then the self-supervised models.

    Raises
    ------
    ValueError
        If ``task`` or ``kind`` is unknown.

    See Also
    --------
    get_model : Build one model by name.
    make_models : Build several models, in registry order.

    Examples
    --------
    >>> from sklspec.zoo import list_models
    >>> list_models("classification", kind="baseline")
    ['PLS-DA', 'SVM', 'kNN', 'RF', 'ELM', 'BPNN', 'MiniRocket']
    >>> list_models("regression", kind="ssl")[:2]
    ['SSL-CNN fine-tuned', 'SSL-CNN embedding + linear']
    >>> spec = list_models(kind="baseline", details=True)[-2]
    >>> spec.name, spec.tasks, spec.extra
    ('Cubist', ('regression',), 'cubist')
    """
    if task is not None:
        _check_task(task)
    _check_kind(kind)
    specs = [
        spec
        for spec in _MODELS.values()
        if (task is None or task in spec.tasks)
        and (kind is None or spec.kind == kind)
        and (not available_only or spec.available)
    ]
    return specs if details else [spec.name for spec in specs]


def get_model(
    name: str,
    task: str,
    *,
    random_state=None,
    quick: bool = True,
    X_unlabeled=None,
    verbose: int = 0,
):
    """Build one model of the zoo by name.

    Parameters
    ----------
    name : str
        A name of :func:`list_models` (exact spelling).
    task : {"classification", "regression"}
        The task; ``name`` must support it.
    random_state : int, RandomState instance or None, default=None
        Passed to every stochastic component of the model.
    quick : bool, default=True
        Self-supervised models only: the short schedule on a narrower network
        instead of the paper's 100 / 250 epochs. Ignored by baselines.
    X_unlabeled : array-like of shape (n_unlabeled, n_points), optional
        Self-supervised models only: unlabelled spectra on which the embedder
        is pretrained here, once (after SNV), and then reused frozen through
        :class:`~sklearn.frozen.FrozenEstimator`. Without it, the model
        pretrains its embedder in ``fit``, on the training spectra. Ignored by
        baselines.
    verbose : int, default=0
        1 prints the pretraining time.

    Returns
    -------
    pipeline : Pipeline
        The unfitted model; its last step is named ``"model"``.
    param_grid : dict
        A small grid for :class:`~sklearn.model_selection.GridSearchCV`
        (possibly empty), whose keys are parameters of ``pipeline``.

    Raises
    ------
    ValueError
        If ``name`` is unknown (the message suggests a close name and lists
        the known ones) or does not support ``task``.
    ImportError
        If the optional dependency of ``name`` is missing; the message gives
        the ``pip install "sklspec[...]"`` line.

    See Also
    --------
    list_models : The names, without building anything.
    make_models : Build several models at once, sharing pretraining.

    Examples
    --------
    >>> from sklspec.zoo import get_model
    >>> pipe, grid = get_model("PLS-DA", "classification")
    >>> pipe
    Pipeline(steps=[('model', PLSDAClassifier())])
    >>> grid
    {'model__n_components': [2, 5, 10, 15, 20]}
    >>> get_model("PLS_DA", "classification")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Unknown model 'PLS_DA'. Did you mean 'PLS-DA'? Known models: ...
    """
    _check_task(task)
    (spec,) = _select(task, include=[name])
    models = _build(
        [spec],
        task,
        random_state=random_state,
        quick=quick,
        X_unlabeled=X_unlabeled,
        verbose=verbose,
    )
    return models[spec.name]


def make_models(
    task: str,
    *,
    include: Iterable[str] | str | None = None,
    exclude: Iterable[str] | str | None = None,
    random_state=None,
    X_unlabeled=None,
    quick: bool = True,
    verbose: int = 0,
) -> dict:
    """Build several models of the zoo: name -> (pipeline, param_grid).

    Parameters
    ----------
    task : {"classification", "regression"}
        The task.
    include : list of str or str, optional
        Names to build. By default every model of ``task`` whose optional
        dependency is installed (``list_models(task, available_only=True)``).
    exclude : list of str or str, optional
        Names to leave out (any name of the zoo, whatever its task).
    random_state : int, RandomState instance or None, default=None
        Passed to every stochastic component of every model.
    X_unlabeled : array-like of shape (n_unlabeled, n_points), optional
        Unlabelled spectra for the self-supervised models. Each embedder that
        an included model needs is pretrained **once** on this pool (after
        SNV), and the models built on it reuse it through
        :class:`~sklearn.frozen.FrozenEstimator` (fine-tuning copies the
        encoder; the pretrained embedder itself is never modified). Without
        it, every self-supervised model pretrains its own embedder inside
        ``fit``, on the training spectra of the current fold only. Either way
        test spectra never reach pretraining.
    quick : bool, default=True
        Short schedules of the self-supervised models (see :func:`get_model`).
    verbose : int, default=0
        1 prints the pretraining time of each embedder.

    Returns
    -------
    models : dict of str to (Pipeline, dict)
        Name to ``(unfitted pipeline, param_grid)``, in registry order
        (whatever the order of ``include``).

    Raises
    ------
    ValueError
        If ``task`` or a name is unknown, or an included model does not
        support ``task``.
    ImportError
        If ``include`` names a model whose optional dependency is missing.

    See Also
    --------
    list_models : The names, without building anything.
    sklspec.evaluation.compare : Cross-validate the models on the same folds.

    Examples
    --------
    >>> from sklspec.zoo import make_models
    >>> models = make_models("regression", include=["kNN", "PLSR"], random_state=0)
    >>> list(models)
    ['PLSR', 'kNN']
    >>> pipe, grid = models["kNN"]
    >>> list(grid)
    ['model__n_neighbors']
    """
    specs = _select(task, include, exclude)
    return _build(
        specs,
        task,
        random_state=random_state,
        quick=quick,
        X_unlabeled=X_unlabeled,
        verbose=verbose,
    )
