"""Reference tests of the spectroscopy metrics, scorers and clustering accuracy."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.metrics import root_mean_squared_error

from sklspec.evaluation import (
    SCORERS,
    bias,
    bias_scorer,
    clustering_accuracy,
    get_scorer,
    get_scorer_names,
    lins_ccc,
    lins_ccc_scorer,
    neg_abs_bias_scorer,
    rmse,
    rpd,
    rpd_scorer,
    rpiq,
    rpiq_scorer,
)

Y_TRUE = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
Y_PRED = np.array([1.5, 1.5, 3.5, 3.5, 5.5])  # errors +-0.5: RMSE = 0.5, bias = 0.1


def test_hand_values():
    assert rmse(Y_TRUE, Y_PRED) == pytest.approx(0.5)
    assert bias(Y_TRUE, Y_PRED) == pytest.approx(0.1)
    # SD(ddof=1) of 1..5 = sqrt(2.5)
    assert rpd(Y_TRUE, Y_PRED) == pytest.approx(np.sqrt(2.5) / 0.5)
    # Q1 = 2, Q3 = 4 (linear interpolation)
    assert rpiq(Y_TRUE, Y_PRED) == pytest.approx(4.0)
    # CCC of a +1 shift: 2 * 2/3 / (2/3 + 2/3 + 1) = 4/7
    assert lins_ccc([1.0, 2.0, 3.0], [2.0, 3.0, 4.0]) == pytest.approx(4 / 7)
    assert lins_ccc(Y_TRUE, Y_TRUE) == pytest.approx(1.0)
    assert lins_ccc(Y_TRUE, -Y_TRUE + 6) == pytest.approx(-1.0)


def test_lins_ccc_matches_independent_formula():
    rng = np.random.RandomState(0)
    t = rng.normal(size=50)
    p = 0.8 * t + rng.normal(scale=0.3, size=50) + 0.2
    r = np.corrcoef(t, p)[0, 1]
    st, sp = t.std(), p.std()
    expected = 2 * r * st * sp / (st**2 + sp**2 + (t.mean() - p.mean()) ** 2)
    assert lins_ccc(t, p) == pytest.approx(expected)


def test_rmse_matches_sklearn_with_weights():
    rng = np.random.RandomState(1)
    t, p, w = rng.rand(30), rng.rand(30), rng.rand(30)
    assert rmse(t, p, sample_weight=w) == pytest.approx(
        root_mean_squared_error(t, p, sample_weight=w)
    )


def test_sample_weight_equal_weights_and_repeats():
    w = np.full(5, 3.0)
    for f in (rmse, rpd, lins_ccc, bias):
        assert f(Y_TRUE, Y_PRED, sample_weight=w) == pytest.approx(f(Y_TRUE, Y_PRED))
    # integer weights = repeated samples for the mean-based metrics
    w = np.array([1, 2, 1, 1, 3])
    rep_t, rep_p = np.repeat(Y_TRUE, w), np.repeat(Y_PRED, w)
    for f in (rmse, bias, lins_ccc):
        assert f(Y_TRUE, Y_PRED, sample_weight=w) == pytest.approx(f(rep_t, rep_p))
    # weighted inverted-CDF quartiles of 1..5 with equal weights: Q1 = 2, Q3 = 4
    assert rpiq(Y_TRUE, Y_PRED, sample_weight=np.ones(5)) == pytest.approx(4.0)


def test_multioutput():
    t = np.column_stack([Y_TRUE, 2 * Y_TRUE])
    p = np.column_stack([Y_PRED, 2 * Y_PRED])
    raw = rpd(t, p, multioutput="raw_values")
    assert raw.shape == (2,)
    assert raw == pytest.approx([np.sqrt(2.5) / 0.5] * 2)
    assert bias(t, p, multioutput="raw_values") == pytest.approx([0.1, 0.2])
    assert bias(t, p) == pytest.approx(0.15)
    assert bias(t, p, multioutput=[1.0, 3.0]) == pytest.approx(0.175)
    with pytest.raises(ValueError, match="multioutput"):
        bias(t, p, multioutput="variance_weighted")


def test_perfect_prediction_and_bad_inputs():
    assert rpd(Y_TRUE, Y_TRUE) == np.inf
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        rmse([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="different numbers of outputs"):
        rmse(np.ones((3, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="non-negative"):
        rmse(Y_TRUE, Y_PRED, sample_weight=-np.ones(5))


def test_clustering_accuracy():
    rng = np.random.RandomState(0)
    labels = rng.randint(0, 4, 40)
    perm = np.array([2, 0, 3, 1])
    assert clustering_accuracy(labels, perm[labels]) == 1.0
    names = np.array(["dog", "cat", "owl", "eel"])[labels]
    assert clustering_accuracy(names, perm[labels]) == 1.0
    # hand case: cluster 0 = {a, a}, cluster 1 = {a, b, b, c} -> 0->a, 1->b: 4/6
    true = ["a", "a", "a", "b", "b", "c"]
    pred = [0, 0, 1, 1, 1, 1]
    assert clustering_accuracy(true, pred) == pytest.approx(4 / 6)
    # more clusters than classes: one cluster stays unmatched
    assert clustering_accuracy(["a", "a", "b", "b"], [0, 1, 2, 2]) == 0.75
    # fewer clusters than classes
    assert clustering_accuracy(["a", "b", "c", "c"], [0, 0, 1, 1]) == 0.75
    with pytest.raises(ValueError, match="1-D"):
        clustering_accuracy(np.ones((2, 2)), np.ones((2, 2)))


def test_scorers():
    X = Y_TRUE.reshape(-1, 1)
    y = 2 * Y_TRUE + np.array([0.1, -0.2, 0.0, 0.3, -0.1])
    est = LinearRegression().fit(X, y)
    pred = est.predict(X)
    assert rpd_scorer(est, X, y) == pytest.approx(rpd(y, pred))
    assert rpiq_scorer(est, X, y) == pytest.approx(rpiq(y, pred))
    assert lins_ccc_scorer(est, X, y) == pytest.approx(lins_ccc(y, pred))
    assert bias_scorer(est, X, y + 1) == pytest.approx(bias(y + 1, pred))
    assert neg_abs_bias_scorer(est, X, y + 1) == pytest.approx(-abs(bias(y + 1, pred)))
    assert set(SCORERS) >= {"rpd", "rpiq", "lins_ccc", "bias"}
    assert get_scorer("rpd") is rpd_scorer
    assert get_scorer("r2")(est, X, y) == pytest.approx(est.score(X, y))
    assert {"rpd", "accuracy", "neg_root_mean_squared_error"} <= set(get_scorer_names())
    with pytest.raises(ValueError, match="not a known scorer"):
        get_scorer("rpdx")
