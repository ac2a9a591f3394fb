"""Tests of compare() and ComparisonResult."""

import json

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import Ridge, RidgeClassifier
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.neighbors import KNeighborsClassifier

from sklspec.datasets import make_spectra
from sklspec.evaluation import ComparisonResult, compare


@pytest.fixture(scope="module")
def clf_data():
    return make_spectra(
        n_samples=90, n_wavelengths=40, class_sep=4.0, random_state=0, return_X_y=True
    )


@pytest.fixture(scope="module")
def reg_data():
    return make_spectra(
        n_samples=80,
        n_wavelengths=40,
        task="regression",
        random_state=0,
        return_X_y=True,
    )


def _classifiers():
    return {
        "dummy": DummyClassifier(),
        "knn": KNeighborsClassifier(3),
        "ridge": RidgeClassifier(1e-4),
    }


class RecordingSplitter:
    """A CV splitter that counts how often it is asked for splits."""

    def __init__(self):
        self.calls = 0

    def split(self, X, y=None, groups=None):
        self.calls += 1
        yield from KFold(3, shuffle=True, random_state=1).split(X)

    def get_n_splits(self, X=None, y=None, groups=None):
        return 3


class Failing(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        raise RuntimeError("boom on purpose")


def test_same_splits_as_manual_cross_val_score(clf_data):
    X, y = clf_data
    result = compare(_classifiers(), X, y, cv=4, scoring="accuracy", random_state=3)
    cv = StratifiedKFold(4, shuffle=True, random_state=3)
    for name, est in _classifiers().items():
        expected = cross_val_score(est, X, y, cv=cv, scoring="accuracy")
        np.testing.assert_allclose(result.scores_[name]["accuracy"], expected)
    assert len(result.splits_) == 4


def test_splitter_is_materialised_once(clf_data):
    X, y = clf_data
    splitter = RecordingSplitter()
    result = compare(_classifiers(), X, y, cv=splitter)
    assert splitter.calls == 1
    assert result.n_splits_ == 3
    # an iterable of (train, test) works too
    splits = list(KFold(3).split(X))
    res2 = compare({"dummy": DummyClassifier()}, X, y, cv=splits)
    assert res2.n_splits_ == 3


def test_table_and_exports(clf_data, tmp_path):
    X, y = clf_data
    result = compare(_classifiers(), X, y, cv=3)
    text = str(result)
    assert repr(result) == text
    for name in ("dummy", "knn", "ridge"):
        assert name in text
    assert "±" in text and "accuracy" in text and "f1_macro" in text
    assert result.metrics_ == ["accuracy", "balanced_accuracy", "f1_macro"]
    means = [result.mean(n, "accuracy") for n in result.ranking_]
    assert means == sorted(means, reverse=True)
    assert result.best_ == result.ranking_[0] == "ridge"
    assert set(result.scores_["knn"]) == {
        "accuracy",
        "balanced_accuracy",
        "f1_macro",
        "fit_time",
        "score_time",
    }

    frame = result.to_frame()
    assert list(frame.index) == result.ranking_
    assert {
        "accuracy_mean",
        "accuracy_std",
        "f1_macro_mean",
        "fit_time",
        "score_time",
        "rank",
        "error",
    } <= set(frame.columns)

    path = tmp_path / "res.json"
    result.to_json(path)
    loaded = json.loads(path.read_text())
    assert loaded == result.to_dict()
    again = ComparisonResult.from_dict(loaded)
    assert str(again) == text
    assert again.best_ == result.best_

    csv_path = tmp_path / "res.csv"
    result.to_csv(csv_path)
    lines = csv_path.read_text().splitlines()
    assert lines[0].startswith("estimator,rank,accuracy_mean")
    assert len(lines) == 4


def test_regression_defaults_rmse_positive(reg_data):
    X, y = reg_data
    est = {"ridge": Ridge(1e-3), "mean": DummyRegressor()}
    result = compare(est, X, y, cv=3)
    assert result.task_ == "regression"
    assert result.metrics_ == ["r2", "rmse", "rpd", "rpiq", "lins_ccc", "bias"]
    assert np.all(result.scores_["ridge"]["rmse"] > 0)
    expected = -cross_val_score(
        Ridge(1e-3),
        X,
        y,
        cv=KFold(3, shuffle=True, random_state=0),
        scoring="neg_root_mean_squared_error",
    )
    np.testing.assert_allclose(result.scores_["ridge"]["rmse"], expected)
    assert result.best_ == "ridge"
    # ranked by rmse (lower is better) when it comes first
    by_rmse = compare(est, X, y, cv=3, scoring=["neg_root_mean_squared_error", "r2"])
    assert by_rmse.primary_ == "rmse" and by_rmse.best_ == "ridge"
    assert "rmse ↓" in str(by_rmse)


def test_dict_scoring_takes_sign_and_direction_from_the_scorer(reg_data):
    # The key names the column; the scorer says whether it is a negated error
    # (shown positive, lowest best) or best at zero, whatever the key says.
    from sklearn.metrics import make_scorer, mean_absolute_error

    X, y = reg_data
    est = {"ridge": Ridge(1e-3), "mean": DummyRegressor()}
    scoring = {
        "err": "neg_mean_absolute_error",
        "mae_callable": make_scorer(mean_absolute_error, greater_is_better=False),
        "neg_fit": "r2",
        "offset": "bias",
    }
    result = compare(est, X, y, cv=3, scoring=scoring)
    assert result.metrics_ == ["err", "mae_callable", "neg_fit", "offset"]
    text = str(result)
    assert "err ↓" in text and "mae_callable ↓" in text
    assert "neg_fit ↑" in text and "offset →0" in text
    expected = -cross_val_score(
        Ridge(1e-3),
        X,
        y,
        cv=KFold(3, shuffle=True, random_state=0),
        scoring="neg_mean_absolute_error",
    )
    for key in ("err", "mae_callable"):
        np.testing.assert_allclose(result.scores_["ridge"][key], expected)
    assert result.best_ == "ridge" and result.ranking_ == ["ridge", "mean"]


def test_gridsearch_estimator_and_groups(reg_data):
    X, y = reg_data
    groups = np.repeat(np.arange(8), 10)
    gs = GridSearchCV(Ridge(), {"alpha": [1e-3, 1.0]}, cv=2)
    result = compare({"gs": gs}, X, y, cv=4, groups=groups, scoring="r2")
    for train, test in result.splits_:
        assert not set(groups[train]) & set(groups[test])


def test_error_score(clf_data):
    X, y = clf_data
    ests = {"dummy": DummyClassifier(), "broken": Failing()}
    with pytest.raises(RuntimeError, match="boom on purpose"):
        compare(ests, X, y, cv=3)
    result = compare(ests, X, y, cv=3, error_score=np.nan)
    assert result.errors_ == {"broken": "RuntimeError: boom on purpose"}
    assert result.best_ == "dummy"
    assert result.ranking_[-1] == "broken"
    assert np.all(np.isnan(result.scores_["broken"]["accuracy"]))
    text = str(result)
    assert "boom on purpose" in text and "failed" in text
    assert result.to_dict()["estimators"]["broken"]["mean"]["accuracy"] is None
    json.dumps(result.to_dict(), allow_nan=False)


def test_progress(clf_data, capsys):
    X, y = clf_data
    calls = []
    compare(
        _classifiers(),
        X,
        y,
        cv=3,
        progress=lambda name, i, total, res: calls.append((name, i, total, res)),
    )
    assert [(c[0], c[1], c[2]) for c in calls[:2]] == [("dummy", 0, 3), ("dummy", 0, 3)]
    assert calls[0][3] is None and "accuracy" in calls[1][3]["mean"]
    assert len(calls) == 6
    compare({"dummy": DummyClassifier()}, X, y, cv=3, progress=True)
    err = capsys.readouterr().err
    assert "[1/1] dummy" in err and "accuracy=" in err


def test_bad_inputs(clf_data):
    X, y = clf_data
    with pytest.raises(ValueError, match="empty"):
        compare({}, X, y)
    with pytest.raises(TypeError, match="dict name -> estimator"):
        compare(DummyClassifier(), X, y)
    with pytest.raises(ValueError, match="error_score"):
        compare({"d": DummyClassifier()}, X, y, error_score="ignore")
    with pytest.raises(ValueError, match="at least 2 folds"):
        compare({"d": DummyClassifier()}, X, y, cv=1)
    with pytest.raises(ValueError, match="not a known scorer"):
        compare({"d": DummyClassifier()}, X, y, scoring="acuracy")
