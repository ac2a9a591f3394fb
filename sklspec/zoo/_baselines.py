"""The baselines of the zoo: the comparators of every sklspec benchmark.

Each factory is ``(task, random_state) -> (pipeline, param_grid)``; the last
step of every pipeline is named ``"model"`` and every grid has at most 6
combinations. The sklspec estimators are imported inside the factories, so
that listing the zoo imports none of them.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ._spec import _spec

_N_COMPONENTS_GRID = [2, 5, 10, 15, 20]
_RIDGE_ALPHAS = np.logspace(-3, 3, 10)


def _scaled_y(regressor) -> TransformedTargetRegressor:
    """Standardise the target around ``regressor`` (SVR and MLP need it)."""
    return TransformedTargetRegressor(regressor=regressor, transformer=StandardScaler())


def _plsda(task, random_state):
    from ..baselines import PLSDAClassifier

    return Pipeline([("model", PLSDAClassifier())]), {
        "model__n_components": _N_COMPONENTS_GRID
    }


def _plsr(task, random_state):
    from sklearn.cross_decomposition import PLSRegression

    return Pipeline([("model", PLSRegression())]), {
        "model__n_components": _N_COMPONENTS_GRID
    }


def _svc(task, random_state):
    from sklearn.svm import SVC

    pipe = Pipeline(
        [("scaler", StandardScaler()), ("model", SVC(random_state=random_state))]
    )
    return pipe, {"model__C": [1.0, 10.0, 100.0], "model__gamma": ["scale", 1e-4]}


def _svr(task, random_state):
    from sklearn.svm import SVR

    pipe = Pipeline([("scaler", StandardScaler()), ("model", _scaled_y(SVR()))])
    return pipe, {
        "model__regressor__C": [1.0, 10.0, 100.0],
        "model__regressor__gamma": ["scale", 1e-4],
    }


def _knn(task, random_state):
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

    cls = KNeighborsClassifier if task == "classification" else KNeighborsRegressor
    pipe = Pipeline([("scaler", StandardScaler()), ("model", cls())])
    return pipe, {"model__n_neighbors": [1, 3, 5, 7, 9]}


def _rf(task, random_state):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    if task == "classification":
        model = RandomForestClassifier(
            n_estimators=200, n_jobs=1, random_state=random_state
        )
        return Pipeline([("model", model)]), {"model__max_features": ["sqrt", 0.3]}
    model = RandomForestRegressor(n_estimators=200, n_jobs=1, random_state=random_state)
    return Pipeline([("model", model)]), {"model__max_features": [1.0, 0.33]}


def _elm(task, random_state):
    from ..baselines import ELMClassifier, ELMRegressor

    cls = ELMClassifier if task == "classification" else ELMRegressor
    pipe = Pipeline([("model", cls(random_state=random_state))])
    return pipe, {"model__n_hidden": [200, 1000], "model__alpha": [1e-3, 1e-1, 10.0]}


def _bpnn(task, random_state):
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    cls = MLPClassifier if task == "classification" else MLPRegressor
    model = cls(
        hidden_layer_sizes=(100,),
        early_stopping=True,
        max_iter=300,
        random_state=random_state,
    )
    if task == "classification":
        pipe = Pipeline([("scaler", StandardScaler()), ("model", model)])
        return pipe, {
            "model__hidden_layer_sizes": [(50,), (200,)],
            "model__alpha": [1e-4, 1e-2, 1.0],
        }
    pipe = Pipeline([("scaler", StandardScaler()), ("model", _scaled_y(model))])
    return pipe, {
        "model__regressor__hidden_layer_sizes": [(50,), (200,)],
        "model__regressor__alpha": [1e-4, 1e-2, 1.0],
    }


def _cubist(task, random_state):
    from cubist import Cubist
    from sklearn.preprocessing import FunctionTransformer

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


def _minirocket(task, random_state):
    from sklearn.linear_model import RidgeClassifierCV, RidgeCV

    from ..baselines import MiniRocketTransformer

    ridge = RidgeClassifierCV if task == "classification" else RidgeCV
    pipe = Pipeline(
        [
            ("minirocket", MiniRocketTransformer(random_state=random_state)),
            ("scaler", StandardScaler(with_mean=False)),
            ("model", ridge(alphas=_RIDGE_ALPHAS)),
        ]
    )
    return pipe, {}


_C, _R, _BOTH = ("classification",), ("regression",), ("classification", "regression")

#: The baselines, in registry order (per task, the order of ``make_baselines``).
SPECS = (
    _spec(
        "PLS-DA",
        _C,
        "baseline",
        "PLSDAClassifier (it scales the spectra itself); grid on n_components.",
        _plsda,
    ),
    _spec(
        "PLSR",
        _R,
        "baseline",
        "PLSRegression; grid on n_components.",
        _plsr,
    ),
    _spec(
        "SVM",
        _C,
        "baseline",
        "Standardisation + RBF SVC; grid on C and gamma.",
        _svc,
    ),
    _spec(
        "SVR",
        _R,
        "baseline",
        "Standardisation + RBF SVR on a standardised target; grid on C and gamma.",
        _svr,
    ),
    _spec(
        "kNN",
        _BOTH,
        "baseline",
        "Standardisation + k nearest neighbours; grid on n_neighbors.",
        _knn,
    ),
    _spec(
        "RF",
        _BOTH,
        "baseline",
        "Random forest of 200 trees; grid on max_features.",
        _rf,
    ),
    _spec(
        "ELM",
        _BOTH,
        "baseline",
        "Extreme learning machine; grid on n_hidden and alpha.",
        _elm,
    ),
    _spec(
        "BPNN",
        _BOTH,
        "baseline",
        "Standardisation + early-stopped MLP; grid on width and alpha.",
        _bpnn,
    ),
    _spec(
        "Cubist",
        _R,
        "baseline",
        "Cubist rule-based model trees (GPL-3); grid on committees and neighbors.",
        _cubist,
    ),
    _spec(
        "MiniRocket",
        _BOTH,
        "baseline",
        "MiniRocket features + self-tuning ridge; empty grid.",
        _minirocket,
    ),
)
