"""Tests of the demo scene generator."""

import time

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklspec.baselines import PLSDAClassifier
from sklspec.datasets import make_demo_scene
from sklspec.utils import check_wavelengths


def test_shapes_dtypes_and_metadata():
    d = make_demo_scene(n_labeled=61, n_unlabeled=200, n_wavelengths=90, random_state=0)
    assert d.X.shape == (61, 90) and d.X.dtype == np.float64
    assert d.X_unlabeled.shape == (200, 90) and d.X_unlabeled.dtype == np.float64
    assert d.y.shape == (61,) and d.y.dtype.kind == "i"
    check_wavelengths(d.wavelengths, 90)
    assert d.wavelengths[0] == 1100.0 and d.wavelengths[-1] == 2500.0
    assert d.wavelength_unit == "nm"
    assert [float(f) for f in d.feature_names] == pytest.approx(d.wavelengths)
    assert d.target_names.tolist() == ["in_ratio_low", "in_ratio_high", "off_ratio"]
    # a balanced labelled set: chance (the majority-class rate) is 1/3
    assert np.bincount(d.y).tolist() == [21, 20, 20]
    assert d.concentrations.shape == (61, 7) and d.pure_spectra.shape == (7, 90)
    np.testing.assert_allclose(d.concentrations.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(np.isfinite(d.X)) and np.all(np.isfinite(d.X_unlabeled))
    assert "61 labelled + 200 unlabelled" in d.DESCR
    assert make_demo_scene(n_labeled=5, n_unlabeled=0).X_unlabeled.shape == (0, 256)


def test_defaults_are_few_labels_and_a_large_pool_fast():
    t0 = time.perf_counter()
    d = make_demo_scene(random_state=0)
    assert time.perf_counter() - t0 < 1.0
    assert d.X.shape == (120, 256) and d.X_unlabeled.shape == (3000, 256)


def test_seeded():
    a = make_demo_scene(n_labeled=30, n_unlabeled=40, random_state=3)
    b = make_demo_scene(n_labeled=30, n_unlabeled=40, random_state=3)
    c = make_demo_scene(n_labeled=30, n_unlabeled=40, random_state=4)
    for key in ("X", "y", "X_unlabeled", "concentrations"):
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.allclose(a.X, c.X) and not np.allclose(a.X_unlabeled, c.X_unlabeled)
    # the chemistry is fixed: only the samples change with the seed
    np.testing.assert_array_equal(a.pure_spectra, c.pure_spectra)
    # the labelled set does not depend on the size of the pool
    d = make_demo_scene(n_labeled=30, n_unlabeled=0, random_state=3)
    np.testing.assert_array_equal(a.X, d.X)
    np.testing.assert_array_equal(a.y, d.y)


def test_class_signal_is_real_and_non_linear_in_the_contents():
    d = make_demo_scene(n_labeled=600, n_unlabeled=0, n_wavelengths=16, random_state=0)
    keys = np.log(d.concentrations[:, -2:])
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    knn = make_pipeline(StandardScaler(), KNeighborsClassifier(15))
    linear = LogisticRegression()
    non_linear_acc = cross_val_score(knn, keys, d.y, cv=cv).mean()
    linear_acc = cross_val_score(linear, d.concentrations, d.y, cv=cv).mean()
    assert non_linear_acc > 0.85
    assert 0.4 < linear_acc < non_linear_acc - 0.1


def test_plsda_above_chance_but_not_perfect():
    d = make_demo_scene(n_unlabeled=0, random_state=0)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    acc = cross_val_score(PLSDAClassifier(n_components=10), d.X, d.y, cv=cv).mean()
    assert 0.45 < acc < 0.9


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_labeled": 0}, "n_labeled must be an integer >= 1"),
        ({"n_unlabeled": -1}, "n_unlabeled must be an integer >= 0"),
        ({"n_wavelengths": 1}, "n_wavelengths must be an integer >= 2"),
        ({"scatter": -0.1}, "scatter must be a non-negative"),
    ],
)
def test_bad_inputs(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_demo_scene(**kwargs)
