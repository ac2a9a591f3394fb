"""The registry of baseline models that every sklspec benchmark compares with."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.cross_decomposition import PLSRegression
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import RidgeClassifierCV, RidgeCV
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.svm import SVC, SVR

from ._elm import ELMClassifier, ELMRegressor
from ._minirocket import MiniRocketTransformer
from ._plsda import PLSDAClassifier

__all__ = ["available_baselines", "make_baselines"]

_TASKS = ("classification", "regression")

#: Optional dependency of each baseline that needs one: (module, extra).
_EXTRAS = {"MiniRocket": ("aeon", "rocket"), "Cubist": ("cubist", "cubist")}

_N_COMPONENTS_GRID = [2, 5, 10, 15, 20]
_RIDGE_ALPHAS = np.logspace(-3, 3, 10)


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _scaled_y(regressor) -> TransformedTargetRegressor:
    """Standardise the target around ``regressor`` (SVR and MLP need it)."""
    return TransformedTargetRegressor(regressor=regressor, transformer=StandardScaler())


# --- classification -------------------------------------------------------


def _plsda(random_state):
    return Pipeline([("model", PLSDAClassifier())]), {
        "model__n_components": _N_COMPONENTS_GRID
    }


def _svc(random_state):
    pipe = Pipeline(
        [("scaler", StandardScaler()), ("model", SVC(random_state=random_state))]
    )
    return pipe, {"model__C": [1.0, 10.0, 100.0], "model__gamma": ["scale", 1e-4]}


def _knn_clf(random_state):
    pipe = Pipeline([("scaler", StandardScaler()), ("model", KNeighborsClassifier())])
    return pipe, {"model__n_neighbors": [1, 3, 5, 7, 9]}


def _rf_clf(random_state):
    model = RandomForestClassifier(
        n_estimators=200, n_jobs=1, random_state=random_state
    )
    return Pipeline([("model", model)]), {"model__max_features": ["sqrt", 0.3]}


def _elm_clf(random_state):
    pipe = Pipeline([("model", ELMClassifier(random_state=random_state))])
    return pipe, {"model__n_hidden": [200, 1000], "model__alpha": [1e-3, 1e-1, 10.0]}


def _mlp_clf(random_state):
    model = MLPClassifier(
        hidden_layer_sizes=(100,),
        early_stopping=True,
        max_iter=300,
        random_state=random_state,
    )
    pipe = Pipeline([("scaler", StandardScaler()), ("model", model)])
    return pipe, {
        "model__hidden_layer_sizes": [(50,), (200,)],
        "model__alpha": [1e-4, 1e-2, 1.0],
    }


def _minirocket_clf(random_state):
    pipe = Pipeline(
        [
            ("minirocket", MiniRocketTransformer(random_state=random_state)),
            ("scaler", StandardScaler(with_mean=False)),
            ("model", RidgeClassifierCV(alphas=_RIDGE_ALPHAS)),
        ]
    )
    return pipe, {}


# --- regression -----------------------------------------------------------


def _plsr(random_state):
    return Pipeline([("model", PLSRegression())]), {
        "model__n_components": _N_COMPONENTS_GRID
    }


def _svr(random_state):
    pipe = Pipeline([("scaler", StandardScaler()), ("model", _scaled_y(SVR()))])
    return pipe, {
        "model__regressor__C": [1.0, 10.0, 100.0],
        "model__regressor__gamma": ["scale", 1e-4],
    }


def _knn_reg(random_state):
    pipe = Pipeline([("scaler", StandardScaler()), ("model", KNeighborsRegressor())])
    return pipe, {"model__n_neighbors": [1, 3, 5, 7, 9]}


def _rf_reg(random_state):
    model = RandomForestRegressor(n_estimators=200, n_jobs=1, random_state=random_state)
    return Pipeline([("model", model)]), {"model__max_features": [1.0, 0.33]}


def _elm_reg(random_state):
    pipe = Pipeline([("model", ELMRegressor(random_state=random_state))])
    return pipe, {"model__n_hidden": [200, 1000], "model__alpha": [1e-3, 1e-1, 10.0]}


def _mlp_reg(random_state):
    model = MLPRegressor(
        hidden_layer_sizes=(100,),
        early_stopping=True,
        max_iter=300,
        random_state=random_state,
    )
    pipe = Pipeline([("scaler", StandardScaler()), ("model", _scaled_y(model))])
    return pipe, {
        "model__regressor__hidden_layer_sizes": [(50,), (200,)],
        "model__regressor__alpha": [1e-4, 1e-2, 1.0],
    }


def _cubist(random_state):
    from cubist import Cubist

    model = Cubist(n_rules=100, n_committees=1, random_state=random_state)
    # Cubist names the columns of a NumPy input itself ("var0", ...) and then
    # warns at every predict that X has no feature names; handing it a
    # DataFrame (named x0, ... or by the caller's own column names) avoids it.
    to_frame = FunctionTransformer(feature_names_out="one-to-one").set_output(
        transform="pandas"
    )
    return Pipeline([("to_frame", to_frame), ("model", model)]), {
        "model__n_committees": [1, 10, 20],
        "model__neighbors": [None, 5],
    }


def _minirocket_reg(random_state):
    pipe = Pipeline(
        [
            ("minirocket", MiniRocketTransformer(random_state=random_state)),
            ("scaler", StandardScaler(with_mean=False)),
            ("model", RidgeCV(alphas=_RIDGE_ALPHAS)),
        ]
    )
    return pipe, {}


_FACTORIES: dict[str, dict[str, Callable]] = {
    "classification": {
        "PLS-DA": _plsda,
        "SVM": _svc,
        "kNN": _knn_clf,
        "RF": _rf_clf,
        "ELM": _elm_clf,
        "BPNN": _mlp_clf,
        "MiniRocket": _minirocket_clf,
    },
    "regression": {
        "PLSR": _plsr,
        "SVR": _svr,
        "kNN": _knn_reg,
        "RF": _rf_reg,
        "ELM": _elm_reg,
        "BPNN": _mlp_reg,
        "Cubist": _cubist,
        "MiniRocket": _minirocket_reg,
    },
}


def _check_task(task: str) -> dict[str, Callable]:
    if task not in _FACTORIES:
        raise ValueError(f"task must be one of {list(_TASKS)}, got {task!r}.")
    return _FACTORIES[task]


def _is_available(name: str) -> bool:
    return name not in _EXTRAS or _has_module(_EXTRAS[name][0])


def _install_hint(name: str) -> str:
    module, extra = _EXTRAS[name]
    return f'{name} needs {module}: pip install "sklspec[{extra}]"'


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

    Examples
    --------
    >>> from sklspec.baselines import available_baselines
    >>> available_baselines("classification")[:4]
    ['PLS-DA', 'SVM', 'kNN', 'RF']
    """
    return [name for name in _check_task(task) if _is_available(name)]


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

    Notes
    -----
    The grids assume spectra of at least 20 points (``PLSR`` with
    ``n_components=20`` needs 20 features; :class:`PLSDAClassifier` clips its
    number of components instead). Grids are kept small on purpose: they pick a
    reasonable setting, they do not exhaust the model. To make MiniRocket
    cheaper (for example in tests), use
    ``pipe.set_params(minirocket__n_kernels=840)``.

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
    factories = _check_task(task)
    if include is None:
        names = [name for name in factories if _is_available(name)]
    else:
        if isinstance(include, str):
            include = [include]
        names = list(include)
        unknown = [name for name in names if name not in factories]
        if unknown:
            raise ValueError(
                f"Unknown {task} baseline(s) {unknown}; valid names are "
                f"{list(factories)}."
            )
        missing = [name for name in names if not _is_available(name)]
        if missing:
            raise ImportError("; ".join(_install_hint(name) for name in missing) + ".")
    return {name: factories[name](random_state) for name in names}
