"""Tests of label_fraction_curve() and its protocol."""

import json

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.neighbors import KNeighborsClassifier

from sklspec.evaluation import (
    LabelFractionResult,
    accepts_unlabeled,
    label_fraction_curve,
)

LOG = []


class SemiSupervised(ClassifierMixin, BaseEstimator):
    """Records the row ids (column 0 of X) it is fitted with."""

    def fit(self, X, y, X_unlabeled=None):
        LOG.append(
            {
                "labelled": np.asarray(X)[:, 0].astype(int),
                "unlabeled": None
                if X_unlabeled is None
                else np.asarray(X_unlabeled)[:, 0].astype(int),
            }
        )
        self.classes_ = np.unique(y)
        self.majority_ = self.classes_[0]
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)


def _data(n=100, n_classes=2):
    rng = np.random.RandomState(0)
    y = np.array(["a", "b", "c"][:n_classes])[np.arange(n) % n_classes]
    y[:10] = "a"  # unequal classes
    X = np.column_stack([np.arange(n), rng.normal(size=(n, 3))])
    X[:, 1] += (y == "a") * 2.0
    return X, y


def test_draws_are_stratified_and_sized():
    X, y = _data(100, 3)
    res = label_fraction_curve(
        {"knn": KNeighborsClassifier(1)}, X, y, fractions=(0.05, 0.2), n_repeats=3
    )
    assert res.scores_["knn"].shape == (2, 3)
    assert res.n_labelled_.tolist() == [5, 20]
    counts = {c: np.mean(y == c) for c in np.unique(y)}
    for d in res.draws_:
        lab = d["labelled"]
        assert len(lab) == round(d["fraction"] * 100)
        assert set(y[lab]) == set(counts)  # every class present
        for c, share in counts.items():
            assert abs(np.sum(y[lab] == c) - share * len(lab)) <= 1.0
        # test on all the rest, no pool, no overlap
        assert d["pool"].size == 0
        assert np.array_equal(np.sort(np.concatenate([lab, d["test"]])), np.arange(100))
    # repeats differ, and the draws are reproducible
    assert not np.array_equal(res.draws_[0]["labelled"], res.draws_[2]["labelled"])
    res2 = label_fraction_curve(
        {"knn": KNeighborsClassifier(1)}, X, y, fractions=(0.05, 0.2), n_repeats=3
    )
    np.testing.assert_array_equal(res.scores_["knn"], res2.scores_["knn"])


def test_unlabeled_never_holds_test_spectra():
    X, y = _data(100)
    LOG.clear()
    assert accepts_unlabeled(SemiSupervised())
    assert not accepts_unlabeled(DummyClassifier())
    res = label_fraction_curve(
        {"semi": SemiSupervised(), "dummy": DummyClassifier()},
        X,
        y,
        fractions=(0.1, 0.3),
        n_repeats=2,
        test_size=0.3,
    )
    assert len(LOG) == 4
    assert res.uses_unlabeled_ == {"semi": True, "dummy": False}
    for rec, d in zip(LOG, res.draws_):
        assert np.array_equal(np.sort(rec["labelled"]), d["labelled"])
        assert len(d["test"]) == 30
        assert not set(rec["unlabeled"]) & set(d["test"])
        assert not set(rec["unlabeled"]) & set(d["labelled"])
        assert len(rec["unlabeled"]) == 100 - 30 - len(d["labelled"])
    assert not res.transductive_


def test_transductive_adds_test_spectra_only():
    X, y = _data(100)
    LOG.clear()
    res = label_fraction_curve(
        {"semi": SemiSupervised()},
        X,
        y,
        fractions=(0.2,),
        n_repeats=2,
        transductive=True,
    )
    assert res.transductive_
    for rec, d in zip(LOG, res.draws_):
        assert set(rec["unlabeled"]) == set(d["test"])
        assert not set(rec["unlabeled"]) & set(rec["labelled"])
    assert "transductive" in str(res)
    assert res.to_dict()["transductive"] is True


def test_empty_pool_gives_none():
    X, y = _data(60)
    LOG.clear()
    label_fraction_curve(
        {"semi": SemiSupervised()}, X, y, fractions=(0.2,), n_repeats=1
    )
    assert LOG[0]["unlabeled"] is None


def test_table_exports_and_round_trip(tmp_path):
    X, y = _data(80)
    res = label_fraction_curve(
        {"knn": KNeighborsClassifier(1), "dummy": DummyClassifier()},
        X,
        y,
        fractions=(0.1, 0.5),
        n_repeats=2,
    )
    text = str(res)
    assert "knn" in text and "dummy" in text and "±" in text and "10% (n=8)" in text
    frame = res.to_frame()
    assert {
        "estimator",
        "fraction",
        "n_labelled",
        "accuracy_mean",
        "accuracy_std",
    } <= set(frame.columns)
    assert len(frame) == 4
    path = tmp_path / "curve.json"
    res.to_json(path)
    data = json.loads(path.read_text())
    assert data == res.to_dict()
    assert str(LabelFractionResult.from_dict(data)) == text
    res.to_csv(tmp_path / "curve.csv")
    assert (tmp_path / "curve.csv").read_text().startswith("estimator,fraction")


def test_regression_and_errors():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 4))
    y = X @ [1.0, 2.0, 0.0, 0.0] + 0.1 * rng.normal(size=50)
    from sklearn.linear_model import Ridge

    res = label_fraction_curve({"ridge": Ridge()}, X, y, fractions=(0.5,), n_repeats=2)
    assert res.metric_ == "r2" and res.scores_["ridge"].min() > 0.8
    res = label_fraction_curve(
        {"ridge": Ridge()},
        X,
        y,
        fractions=(0.5,),
        n_repeats=2,
        scoring="neg_root_mean_squared_error",
    )
    assert res.metric_ == "rmse" and res.scores_["ridge"].min() > 0
    # A callable scorer's sign comes from the scorer, not from a name.
    from sklearn.metrics import make_scorer, mean_absolute_error

    res = label_fraction_curve(
        {"ridge": Ridge()},
        X,
        y,
        fractions=(0.5,),
        n_repeats=2,
        scoring=make_scorer(mean_absolute_error, greater_is_better=False),
    )
    assert res.scores_["ridge"].min() > 0 and "lower is better" in str(res)

    Xc, yc = _data(40)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        label_fraction_curve({"d": DummyClassifier()}, Xc, yc, fractions=(0.0, 0.5))
    with pytest.raises(ValueError, match="one sample of each"):
        label_fraction_curve({"d": DummyClassifier()}, Xc, yc, fractions=(0.025,))
    with pytest.raises(ValueError, match="labelled samples but only"):
        label_fraction_curve(
            {"d": DummyClassifier()}, Xc, yc, fractions=(0.9,), test_size=0.5
        )
