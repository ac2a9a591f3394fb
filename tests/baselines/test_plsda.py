"""Tests of PLSDAClassifier against scikit-learn's PLSRegression."""

import warnings

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.datasets import make_classification

from sklspec.baselines import PLSDAClassifier
from sklspec.exceptions import DataLimitWarning


@pytest.fixture
def data3():
    return make_classification(
        n_samples=90,
        n_features=40,
        n_informative=6,
        n_classes=3,
        n_clusters_per_class=1,
        random_state=0,
    )


def _one_hot(y):
    classes = np.unique(y)
    return (y[:, None] == classes).astype(float)


@pytest.mark.parametrize("k", [1, 3, 6])
@pytest.mark.parametrize("scale", [True, False])
def test_matches_sklearn_pls_multiclass(data3, k, scale):
    X, y = data3
    clf = PLSDAClassifier(n_components=k, scale=scale).fit(X, y)
    ref = PLSRegression(n_components=k, scale=scale).fit(X, _one_hot(y))
    expected = ref.predict(X)
    np.testing.assert_allclose(clf.decision_function(X), expected, atol=1e-10)
    np.testing.assert_array_equal(clf.predict(X), np.argmax(expected, axis=1))
    np.testing.assert_allclose(clf.transform(X), ref.transform(X), atol=1e-10)
    assert clf.n_components_ == k


def test_binary_uses_two_columns():
    X, y = make_classification(n_samples=60, n_features=20, random_state=1)
    clf = PLSDAClassifier(n_components=3).fit(X, y)
    expected = PLSRegression(n_components=3).fit(X, _one_hot(y)).predict(X)
    assert clf.decision_function(X).shape == (60,)
    np.testing.assert_allclose(
        clf.decision_function(X), expected[:, 1] - expected[:, 0], atol=1e-10
    )
    np.testing.assert_array_equal(clf.predict(X), np.argmax(expected, axis=1))
    # Two one-hot columns: the two outputs sum to one.
    np.testing.assert_allclose(expected.sum(axis=1), 1.0)


def test_predict_proba(data3):
    X, y = data3
    clf = PLSDAClassifier(n_components=4).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (X.shape[0], 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba)


def test_string_labels(data3):
    X, y = data3
    labels = np.array(["olive", "palm", "sunflower"])[y]
    clf = PLSDAClassifier(n_components=4).fit(X, labels)
    assert set(clf.predict(X)) <= set(labels)
    assert clf.score(X, labels) > 0.8


def test_n_components_clipped_with_a_warning():
    X, y = make_classification(n_samples=12, n_features=5, random_state=0)
    with pytest.warns(DataLimitWarning, match="spectra have 5 points.*<= 5"):
        assert PLSDAClassifier(n_components=50).fit(X, y).n_components_ == 5
    with pytest.warns(DataLimitWarning, match="4 training spectra allow at most 3"):
        clf = PLSDAClassifier(n_components=50).fit(X[:4], [0, 1, 0, 1])
    assert clf.n_components_ == 3
    with pytest.warns(DataLimitWarning):
        assert PLSDAClassifier(n_components=50).fit(X, y).transform(X).shape == (
            12,
            5,
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        PLSDAClassifier(n_components=5).fit(X, y)  # within the limits: silent


def test_n_components_beyond_64_points_names_the_limit():
    # issue #14: 100 components on 64-point spectra was accepted without a word
    X, y = make_classification(n_samples=200, n_features=64, random_state=0)
    with pytest.warns(DataLimitWarning, match=r"n_components=100.*64 points"):
        assert PLSDAClassifier(n_components=100).fit(X, y).n_components_ == 64


def test_one_class_raises():
    X = np.random.default_rng(0).normal(size=(10, 4))
    with pytest.raises(ValueError, match="only one class"):
        PLSDAClassifier().fit(X, np.zeros(10))
