"""Tests of the extreme learning machines."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import Ridge

from sklspec.baselines import ELMClassifier, ELMRegressor


@pytest.fixture
def clf_data():
    return make_classification(
        n_samples=300, n_features=20, n_informative=5, class_sep=2.0, random_state=0
    )


def test_seeded_reproducibility(clf_data):
    X, y = clf_data
    a = ELMClassifier(random_state=3).fit(X, y).predict_proba(X)
    b = ELMClassifier(random_state=3).fit(X, y).predict_proba(X)
    c = ELMClassifier(random_state=4).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_solves_easy_classification(clf_data):
    X, y = clf_data
    clf = ELMClassifier(n_hidden=100, random_state=0).fit(X[:200], y[:200])
    assert clf.score(X[200:], y[200:]) > 0.9
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    assert clf.decision_function(X).shape == (300,)


def test_multiclass_shapes():
    X, y = make_classification(
        n_samples=120, n_features=10, n_informative=5, n_classes=4, random_state=0
    )
    clf = ELMClassifier(n_hidden=50, random_state=0).fit(X, y)
    assert clf.predict_proba(X).shape == (120, 4)
    assert clf.decision_function(X).shape == (120, 4)
    assert clf.coef_.shape == (50, 4)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_regressor_fits_smooth_function(activation):
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(400, 2))
    y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2
    reg = ELMRegressor(n_hidden=300, activation=activation, alpha=1e-4, random_state=0)
    reg.fit(X[:300], y[:300])
    assert reg.score(X[300:], y[300:]) > 0.95
    assert reg.predict(X).shape == (400,)
    assert isinstance(reg.intercept_, float)


def test_regressor_multi_output():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(80, 6))
    Y = np.column_stack([X[:, 0], np.tanh(X[:, 1]), X[:, 2] * 2])
    reg = ELMRegressor(n_hidden=60, random_state=0).fit(X, Y)
    assert reg.predict(X).shape == (80, 3)
    assert reg.coef_.shape == (60, 3)
    assert reg.score(X, Y) > 0.9


@pytest.mark.parametrize("n_hidden", [20, 200])  # primal and dual ridge systems
def test_readout_matches_sklearn_ridge(n_hidden):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 8)) * 5 + 3
    y = rng.normal(size=60)
    reg = ELMRegressor(n_hidden=n_hidden, alpha=0.5, random_state=0).fit(X, y)
    H = reg._hidden(X)
    ridge = Ridge(alpha=0.5, solver="svd").fit(H, y)
    np.testing.assert_allclose(reg.coef_, ridge.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(reg.predict(X), ridge.predict(H), rtol=1e-6, atol=1e-8)


def test_internal_standardisation_makes_units_irrelevant():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 5))
    y = X[:, 0] - X[:, 1]
    a = ELMRegressor(random_state=0).fit(X, y).predict(X)
    b = ELMRegressor(random_state=0).fit(X * 1e4 + 7, y).predict(X * 1e4 + 7)
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)


def test_one_class_is_refused(clf_data):
    # inf, 1-D, wrong-width inputs and bad parameters: tests/test_common.py
    X, y = clf_data
    with pytest.raises(ValueError, match="only one class"):
        ELMClassifier().fit(X, np.ones(len(y)))
