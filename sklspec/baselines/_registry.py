"""The baseline models that every sklspec benchmark compares with.

Thin wrappers over the model zoo (:mod:`sklspec.zoo`), which holds the
factories: :func:`make_baselines` builds the ``kind="baseline"`` models of
:func:`sklspec.zoo.make_models`, with its historical defaults
(``random_state=0``) and in the order of ``include``. The zoo is imported
inside the functions (it imports the estimators of this package).
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import importlib.util
from collections.abc import Iterable

from sklearn.pipeline import Pipeline

__all__ = ["available_baselines", "make_baselines"]

_TASKS = ("classification", "regression")


def _has_module(name: str) -> bool:
    # The availability test of the optional dependencies (``aeon``,
    # ``cubist``) used here; tests monkeypatch it.
    return importlib.util.find_spec(name) is not None


def _baseline_specs(task: str) -> list:
    from ..zoo import list_models

    if task not in _TASKS:
        raise ValueError(f"task must be one of {list(_TASKS)}, got {task!r}.")
    return list_models(task, kind="baseline", details=True)


def _available(spec) -> bool:
    from ..zoo._spec import _is_available

    return _is_available(spec, _has_module)


def available_baselines(task: str = "classification") -> list[str]:
    """List the baselines of a task that can be built in this environment.

    Parameters
    ----------
    task : {"classification", "regression"}, default="classification"
        The task.

    Returns
    -------
    names : list of str
        Names accepted by :func:`make_baselines`, in its order. Baselines whose
        optional dependency is missing are left out: ``"MiniRocket"`` needs
        ``aeon`` (``pip install "sklspec[rocket]"``) and ``"Cubist"`` (regression
        only) needs ``cubist`` (``pip install "sklspec[cubist]"``, GPL-3).

    Raises
    ------
    ValueError
        If ``task`` is unknown.

    See Also
    --------
    sklspec.zoo.list_models : The same names (``kind="baseline"``), and the
        self-supervised ones.

    Examples
    --------
    >>> from sklspec.baselines import available_baselines
    >>> available_baselines("classification")[:4]
    ['PLS-DA', 'SVM', 'kNN', 'RF']
    """
    return [spec.name for spec in _baseline_specs(task) if _available(spec)]


def make_baselines(
    task: str = "classification",
    *,
    random_state=0,
    include: Iterable[str] | None = None,
) -> dict[str, tuple[Pipeline, dict]]:
    """Build the baseline models that new spectral methods are compared with.

    Each baseline is an unfitted :class:`~sklearn.pipeline.Pipeline` whose last
    step is named ``"model"``, with a small ``param_grid`` (at most 6
    combinations) for :class:`~sklearn.model_selection.GridSearchCV`, so that a
    nested cross-validation of all of them stays cheap.

    Classification baselines:

    ``"PLS-DA"``
        :class:`PLSDAClassifier` (it scales the spectra itself); grid on the
        number of latent variables. The chemometrics reference (Barker & Rayens,
        J. Chemometrics 2003).
    ``"SVM"``
        Standardisation + RBF :class:`~sklearn.svm.SVC`; grid on ``C`` and
        ``gamma`` (``"scale"`` or a near-linear ``1e-4``). Common in NIR
        classification (Devos et al., Chemometr. Intell. Lab. Syst. 2009).
    ``"kNN"``
        Standardisation + :class:`~sklearn.neighbors.KNeighborsClassifier`;
        grid on ``n_neighbors``.
    ``"RF"``
        :class:`~sklearn.ensemble.RandomForestClassifier` with 200 trees
        (Breiman, Machine Learning 2001); grid on ``max_features``.
    ``"ELM"``
        :class:`ELMClassifier` (Huang et al., Neurocomputing 2006); grid on
        ``n_hidden`` and ``alpha``.
    ``"BPNN"``
        Standardisation + :class:`~sklearn.neural_network.MLPClassifier`, the
        back-propagation network of the spectroscopy literature, with early
        stopping and at most 300 epochs; grid on width and ``alpha``.
    ``"MiniRocket"``
        :class:`MiniRocketTransformer` + ``StandardScaler(with_mean=False)`` +
        ``RidgeClassifierCV(alphas=np.logspace(-3, 3, 10))``, the pipeline of
        aeon's ``MiniRocketClassifier`` (Dempster et al., KDD 2021); the ridge
        tunes itself, the grid is empty. Needs ``aeon``.

    Regression baselines: ``"PLSR"`` (:class:`~sklearn.cross_decomposition.\
PLSRegression`; Wold et al., Chemometr. Intell. Lab. Syst. 2001), ``"SVR"``,
    ``"kNN"``, ``"RF"``, ``"ELM"``, ``"BPNN"`` as above, ``"Cubist"``
    (``cubist.Cubist``, rule-based model trees, Quinlan 1992; the usual
    comparator in soil spectroscopy, e.g. Viscarra Rossel & Webster, Eur. J.
    Soil Sci. 2012; grid on committees and neighbours; needs ``cubist``) and
    ``"MiniRocket"`` (with :class:`~sklearn.linear_model.RidgeCV`). ``"SVR"``
    and ``"BPNN"`` standardise the target too, through
    :class:`~sklearn.compose.TransformedTargetRegressor`, so their grid keys
    read ``"model__regressor__C"``; their default ``epsilon``, ``C`` and
    learning rate then do not depend on the units of ``y``.

    Parameters
    ----------
    task : {"classification", "regression"}, default="classification"
        The task.
    random_state : int, RandomState instance or None, default=0
        Passed to every stochastic component (SVC, forests, ELM, MLP, Cubist,
        MiniRocket), so that the baselines are reproducible.
    include : list of str, optional
        Names of the baselines to keep, in the order given. By default all the
        baselines available in this environment (see
        :func:`available_baselines`).

    Returns
    -------
    baselines : dict of str to (Pipeline, dict)
        Name to ``(unfitted pipeline, param_grid)``.

    Raises
    ------
    ValueError
        If ``task`` or a name in ``include`` is unknown.
    ImportError
        If ``include`` names a baseline whose optional dependency is missing.

    See Also
    --------
    sklspec.zoo.list_models : Every model name, without building anything.
    sklspec.zoo.get_model : Build one model by name.

    Notes
    -----
    The grids assume spectra of at least 20 points (``PLSR`` with
    ``n_components=20`` needs 20 features; :class:`PLSDAClassifier` clips its
    number of components instead). Grids are kept small on purpose: they pick a
    reasonable setting, they do not exhaust the model. To make MiniRocket
    cheaper (for example in tests), use
    ``pipe.set_params(minirocket__n_kernels=840)``.

    This is a thin wrapper over :func:`sklspec.zoo.make_models`, which also
    builds the self-supervised models.

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklspec.baselines import make_baselines
    >>> baselines = make_baselines("classification", include=["PLS-DA", "kNN"])
    >>> list(baselines)
    ['PLS-DA', 'kNN']
    >>> pipe, grid = baselines["PLS-DA"]
    >>> search = GridSearchCV(pipe, grid, cv=5)
    """
    from ..zoo import make_models

    specs = {spec.name: spec for spec in _baseline_specs(task)}
    if include is None:
        names = [name for name, spec in specs.items() if _available(spec)]
    else:
        names = [include] if isinstance(include, str) else list(include)
        unknown = [name for name in names if name not in specs]
        if unknown:
            raise ValueError(
                f"Unknown {task} baseline(s) {unknown}; valid names are {list(specs)}."
            )
        missing = [specs[name] for name in names if not _available(specs[name])]
        if missing:
            raise ImportError("; ".join(s.install_hint() for s in missing) + ".")
    models = make_models(task, include=names, random_state=random_state)
    return {name: models[name] for name in names}
