"""Conformal intervals and sets (sklspec.conformal, on MAPIE): coverage, shapes,
embedder pipelines, refusals and a real-data check on tecator."""

import sys

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

pytest.importorskip("mapie", reason="needs MAPIE: pip install 'sklspec[conformal]'")

from sklspec.conformal import (  # noqa: E402
    ConformalClassifier,
    ConformalRegressor,
    coverage_table,
    min_calibration_size,
)
from sklspec.datasets import make_spectra  # noqa: E402
from sklspec.utils import get_data_home  # noqa: E402

LEVELS = (0.8, 0.9, 0.95)


@pytest.fixture(scope="module")
def regression_data():
    return make_spectra(1000, 128, task="regression", random_state=0, return_X_y=True)


@pytest.fixture(scope="module")
def classification_data():
    return make_spectra(600, 64, random_state=0, return_X_y=True)


def _covered(intervals, y):
    y = np.asarray(y, dtype=float)
    if intervals.ndim == 3:
        y = y[:, None]
    return (intervals[:, 0] <= y) & (y <= intervals[:, 1])


# -- coverage ----------------------------------------------------------------


@pytest.mark.parametrize(
    "method, n_splits", [("split", 30), ("cv_plus", 6)], ids=["split", "cv_plus"]
)
def test_regression_coverage_within_3_points(regression_data, method, n_splits):
    X, y = regression_data
    # Two seeds of outer splits, averaged: one split's coverage scatters by
    # ~3-4 points at 80 % (188 calibration and 250 test spectra).
    coverages = [
        coverage_table(
            PLSRegression(10),
            X,
            y,
            levels=LEVELS,
            method=method,
            n_splits=n_splits,
            random_state=seed,
        ).mean_coverage
        for seed in (0, 1)
    ]
    coverage = np.mean(coverages, axis=0)
    np.testing.assert_allclose(coverage, LEVELS, atol=0.03)


def test_intervals_widen_with_the_level(regression_data):
    X, y = regression_data
    result = coverage_table(PLSRegression(10), X, y, n_splits=5, random_state=0)
    assert np.all(np.diff(result.mean_width) > 0), result
    assert np.all(np.diff(result.width, axis=1) > 0)
    model = ConformalRegressor(
        PLSRegression(10), confidence_level=LEVELS, random_state=0
    ).fit(X[:700], y[:700])
    bounds = model.predict_interval(X[700:])
    assert bounds.shape == (300, 2, 3)
    widths = bounds[:, 1] - bounds[:, 0]
    assert np.all(np.diff(widths, axis=1) >= 0)
    # intervals are nested around the point prediction
    pred = model.predict(X[700:])
    assert np.all((bounds[:, 0, 0] <= pred) & (pred <= bounds[:, 1, 0]))


@pytest.mark.parametrize("method", ["split", "cv_plus"])
def test_classification_sets_cover_the_true_class(classification_data, method):
    X, y = classification_data
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    result = coverage_table(
        clf,
        X,
        y,
        method=method,
        n_splits=8 if method == "split" else 3,
        random_state=0,
    )
    assert result.task == "classification"
    # conformal sets cover at least the level (1 point of slack for the
    # finite test sets); sets grow with the level and stay informative.
    assert np.all(result.mean_coverage >= np.asarray(LEVELS) - 0.01), result
    assert np.all(np.diff(result.mean_width) > 0), result
    assert result.mean_width[0] < 2.0, result


def test_classifier_predict_set_shape_and_labels(classification_data):
    X, y = classification_data
    labels = np.array(["low", "mid", "high"])[y]
    model = ConformalClassifier(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        confidence_level=0.9,
        random_state=0,
    ).fit(X[:400], labels[:400])
    sets = model.predict_set(X[400:])
    assert sets.shape == (200, 3) and sets.dtype == bool
    assert list(model.classes_) == ["high", "low", "mid"]
    truth = np.searchsorted(model.classes_, labels[400:])
    assert sets[np.arange(200), truth].mean() >= 0.85
    assert set(model.predict(X[400:])) <= set(model.classes_)


# -- pipelines ---------------------------------------------------------------


def test_embedder_pipeline_end_to_end():
    from sklspec.embedders import TransformRecogEmbedder

    X, y = make_spectra(300, 64, task="regression", random_state=1, return_X_y=True)
    embedder = TransformRecogEmbedder(
        channels=(4, 8, 8), hidden=(8,), max_epochs=1, random_state=0
    ).fit(X[:100])
    pipe = make_pipeline(FrozenEstimator(embedder), StandardScaler(), RidgeCV())
    for method in ("split", "cv_plus"):
        model = ConformalRegressor(
            pipe, confidence_level=0.8, method=method, cv=3, random_state=0
        ).fit(X[:200], y[:200])
        bounds = model.predict_interval(X[200:])
        assert bounds.shape == (100, 2)
        assert np.all(np.isfinite(bounds)) and np.all(bounds[:, 1] > bounds[:, 0])
        assert 0.6 <= _covered(bounds, y[200:]).mean() <= 1.0
    # the frozen embedder was not refitted by the wrapper's clones
    assert model.estimator_ is None  # cv_plus keeps its fold models in mapie_
    split = ConformalRegressor(pipe, random_state=0).fit(X[:200], y[:200])
    assert split.estimator_[0].estimator is embedder


def test_shipped_grid_encoder_in_a_conformal_classifier(classification_data):
    # the shipped encoder takes any width: loaded without spectra it claims
    # no input width, so MAPIE's width check does not refuse 64-point spectra
    from sklspec.embedders import load_pretrained

    X, y = classification_data
    base = load_pretrained("sklspec-base")
    assert not hasattr(base, "n_features_in_")
    pipe = make_pipeline(
        FrozenEstimator(base), StandardScaler(), LogisticRegression(max_iter=2000)
    )
    model = ConformalClassifier(pipe, confidence_level=0.9, random_state=0)
    model.fit(X[:300], y[:300])
    sets = model.predict_set(X[300:400])
    assert sets.shape == (100, 3)
    assert sets[np.arange(100), y[300:400]].mean() >= 0.8


def test_dataframe_with_wavelength_columns():
    pd = pytest.importorskip("pandas")
    data = make_spectra(200, 32, task="regression", random_state=0)
    X = pd.DataFrame(data.X, columns=[f"{w:g}" for w in data.wavelengths])
    model = ConformalRegressor(PLSRegression(5), random_state=0).fit(X, data.y)
    assert model.n_features_in_ == 32
    assert list(model.feature_names_in_) == list(X.columns)
    assert model.predict_interval(X.iloc[:7]).shape == (7, 2)


def test_groups_keep_replicates_together():
    X, y = make_spectra(120, 32, task="regression", random_state=0, return_X_y=True)
    groups = np.repeat(np.arange(40), 3)
    model = ConformalRegressor(PLSRegression(5), random_state=0).fit(
        X, y, groups=groups
    )
    assert model.n_calibration_ % 3 == 0
    # calibration_size counts groups, not samples: 10 of 40 groups of 3.
    model = ConformalRegressor(
        PLSRegression(5), calibration_size=10, random_state=0
    ).fit(X, y, groups=groups)
    assert model.n_calibration_ == 30


def test_seeded_fits_are_reproducible(regression_data):
    X, y = regression_data
    a = ConformalRegressor(PLSRegression(5), random_state=3).fit(X[:300], y[:300])
    b = ConformalRegressor(PLSRegression(5), random_state=3).fit(X[:300], y[:300])
    np.testing.assert_array_equal(
        a.predict_interval(X[300:]), b.predict_interval(X[300:])
    )


# -- refusals ----------------------------------------------------------------


@pytest.mark.parametrize("level", [0.0, 1.0, 1.5, -0.2])
def test_bad_confidence_level(regression_data, level):
    X, y = regression_data
    with pytest.raises(InvalidParameterError, match="confidence_level"):
        ConformalRegressor(confidence_level=level).fit(X[:50], y[:50])


def test_bad_level_in_a_sequence(regression_data):
    X, y = regression_data
    with pytest.raises(ValueError, match="confidence_level must be .* between 0"):
        ConformalRegressor(confidence_level=[0.9, 1.2]).fit(X[:50], y[:50])
    with pytest.raises(ValueError, match="confidence_level must be"):
        coverage_table(PLSRegression(2), X[:50], y[:50], levels=(0.9, 0.0))


def test_too_few_calibration_samples(regression_data, classification_data):
    X, y = regression_data
    # 40 samples, 25 % held out: 10 calibration spectra, 20 needed at 95 %.
    with pytest.raises(
        ValueError, match="10 samples, too few calibration.*at least 20"
    ):
        ConformalRegressor(PLSRegression(2), confidence_level=0.95).fit(X[:40], y[:40])
    with pytest.raises(ValueError, match="training set has 15 samples, too few"):
        ConformalRegressor(
            PLSRegression(2), confidence_level=0.95, method="cv_plus", cv=3
        ).fit(X[:15], y[:15])
    Xc, yc = classification_data
    with pytest.raises(ValueError, match="too few calibration samples"):
        ConformalClassifier(confidence_level=0.9, calibration_size=6).fit(
            Xc[:60], yc[:60]
        )
    assert min_calibration_size(0.8) == 5
    assert min_calibration_size([0.9, 0.95]) == 20


def test_other_refusals(regression_data, classification_data):
    X, y = regression_data
    with pytest.raises(ValueError, match="1-D target.*one model per target"):
        ConformalRegressor().fit(X[:100], np.c_[y[:100], y[:100]])
    with pytest.raises(InvalidParameterError, match="method"):
        ConformalRegressor(method="jackknife").fit(X[:100], y[:100])
    Xc, yc = classification_data
    with pytest.raises(ValueError, match="predict_proba"):
        from sklearn.svm import LinearSVC

        ConformalClassifier(LinearSVC()).fit(Xc[:100], yc[:100])
    with pytest.raises(ValueError, match="continuous"):
        ConformalClassifier().fit(X[:100], y[:100])


def test_missing_mapie_names_the_extra(monkeypatch, regression_data):
    X, y = regression_data
    monkeypatch.setitem(sys.modules, "mapie.regression", None)
    with pytest.raises(ImportError, match=r'pip install "sklspec\[conformal\]"'):
        ConformalRegressor().fit(X[:100], y[:100])


def test_coverage_result_records(regression_data):
    X, y = regression_data
    result = coverage_table(
        ConformalRegressor(PLSRegression(5), method="split", calibration_size=0.3),
        X[:400],
        y[:400],
        levels=(0.5, 0.9),
        n_splits=3,
        random_state=0,
    )
    rows = result.to_records()
    assert [r["level"] for r in rows] == [0.5, 0.9]
    assert {"coverage", "coverage_std", "width", "width_std", "n_splits"} <= set(
        rows[0]
    )
    assert result.n_test.tolist() == [100, 100, 100]
    assert result.coverage_gap.shape == (2,)
    assert "coverage" in repr(result)


# -- real data ---------------------------------------------------------------


@pytest.mark.realdata
def test_tecator_plsr_coverage_at_90():
    from sklspec.datasets import load_spectra

    home = get_data_home()
    if not (home / "tecator" / "tecator.npz").is_file():
        pytest.skip(f"real data set tecator not found under {home}: set SKLSPEC_DATA")
    data = load_spectra("tecator", target="fat", data_home=home)
    # 215 spectra: per split 54 test and 40 calibration spectra, so one
    # split scatters by ~6 points; 100 splits average that down to < 1.
    result = coverage_table(
        PLSRegression(10), data.X, data.y, levels=(0.9,), n_splits=100, random_state=0
    )
    assert abs(result.mean_coverage[0] - 0.9) <= 0.03, result
    assert 0 < result.mean_width[0] < 20  # fat in %, range 0.9-49
