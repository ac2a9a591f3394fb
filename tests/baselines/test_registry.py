"""Tests of make_baselines / available_baselines."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, ParameterGrid
from sklearn.pipeline import Pipeline

from sklspec.baselines import _registry, available_baselines, make_baselines

N, P = 60, 50


def _cheap(name, pipe):
    """Make the slow baselines quick enough for a unit test."""
    if name == "MiniRocket":
        pipe.set_params(minirocket__n_kernels=84)
    if name == "RF":
        pipe.set_params(model__n_estimators=10)
    return pipe


@pytest.fixture(scope="module")
def clf_data():
    return make_classification(
        n_samples=N, n_features=P, n_informative=5, n_classes=3, random_state=0
    )


@pytest.fixture(scope="module")
def reg_data():
    return make_regression(n_samples=N, n_features=P, noise=1.0, random_state=0)


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_structure(task):
    baselines = make_baselines(task)
    assert list(baselines) == available_baselines(task)
    for pipe, grid in baselines.values():
        assert isinstance(pipe, Pipeline)
        assert pipe.steps[-1][0] == "model"
        assert len(ParameterGrid(grid)) <= 6
        pipe.set_params(**{key: values[0] for key, values in grid.items()})


def _fit_predict(task, name, X, y):
    """Fit the cheap version of one baseline (convergence warnings ignored)."""
    pipe = clone(make_baselines(task, include=[name])[name][0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _cheap(name, pipe).fit(X, y).predict(X)


@pytest.mark.filterwarnings("error::UserWarning")
@pytest.mark.parametrize("name", available_baselines("classification"))
def test_classification_fit_predict(clf_data, name):
    X, y = clf_data
    pred = _fit_predict("classification", name, X, y)
    assert pred.shape == (N,)
    assert set(pred) <= set(y)


@pytest.mark.filterwarnings("error::UserWarning")
@pytest.mark.parametrize("name", available_baselines("regression"))
def test_regression_fit_predict(reg_data, name):
    X, y = reg_data
    pred = _fit_predict("regression", name, X, y)
    assert np.ravel(pred).shape == (N,)
    assert np.all(np.isfinite(pred))


@pytest.mark.parametrize(
    ("task", "name"),
    [("classification", "PLS-DA"), ("classification", "ELM"), ("regression", "PLSR")],
)
def test_grid_search(clf_data, reg_data, task, name):
    X, y = clf_data if task == "classification" else reg_data
    pipe, grid = make_baselines(task, include=[name])[name]
    search = GridSearchCV(pipe, grid, cv=2, n_jobs=1, error_score="raise").fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    # every grid point fits, and the grid is not flat: its values reach the model
    assert np.all(np.isfinite(scores)) and np.ptp(scores) > 0


def test_seeded(clf_data):
    X, y = clf_data
    a = make_baselines(include=["ELM"], random_state=1)["ELM"][0].fit(X, y)
    b = make_baselines(include=["ELM"], random_state=1)["ELM"][0].fit(X, y)
    c = make_baselines(include=["ELM"], random_state=2)["ELM"][0].fit(X, y)
    np.testing.assert_array_equal(a.decision_function(X), b.decision_function(X))
    assert not np.allclose(a.decision_function(X), c.decision_function(X))
    assert a[-1].random_state == 1


def test_include_keeps_order():
    assert list(make_baselines(include=["kNN", "PLS-DA"])) == ["kNN", "PLS-DA"]
    assert list(make_baselines("regression", include="PLSR")) == ["PLSR"]


def test_unknown_names():
    with pytest.raises(ValueError, match=r"Unknown classification baseline.*'PLSR'"):
        make_baselines("classification", include=["PLSR"])
    with pytest.raises(ValueError, match="valid names are.*'PLS-DA'"):
        make_baselines(include=["LDA"])
    with pytest.raises(ValueError, match="task must be one of"):
        make_baselines("clustering")
    with pytest.raises(ValueError, match="task must be one of"):
        available_baselines("clustering")


def test_missing_extra(monkeypatch):
    monkeypatch.setattr(_registry, "_has_module", lambda name: False)
    assert "Cubist" not in available_baselines("regression")
    assert "MiniRocket" not in available_baselines("classification")
    assert "MiniRocket" not in make_baselines("regression")
    with pytest.raises(ImportError, match=r"sklspec\[cubist\]"):
        make_baselines("regression", include=["Cubist"])
