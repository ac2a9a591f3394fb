"""Tests of SpectralAugmenter."""

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from sklspec.augmentation import SpectralAugmenter


def _spectra(n=12, p=20, seed=0):
    return np.random.default_rng(seed).normal(size=(n, p)).cumsum(axis=1)


def test_transform_shape_and_determinism():
    X = _spectra()
    aug = SpectralAugmenter(random_state=0).fit(X)
    a, b = aug.transform(X), aug.transform(X)
    assert a.shape == X.shape
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(aug.fit_transform(X), a)
    assert not np.array_equal(a, X)
    other = SpectralAugmenter(random_state=1).fit(X).transform(X)
    assert not np.array_equal(a, other)
    assert aug.reference_std_ == pytest.approx(X.std())


def test_random_state_instance_draws_new_perturbations():
    X = _spectra()
    aug = SpectralAugmenter(random_state=np.random.RandomState(0)).fit(X)
    assert not np.array_equal(aug.transform(X), aug.transform(X))


def test_probability_extremes():
    X = _spectra()
    np.testing.assert_array_equal(
        SpectralAugmenter(probability=0.0, random_state=0).fit_transform(X), X
    )
    out = SpectralAugmenter(
        transformations=("flip_vertical",), probability=1.0
    ).fit_transform(X)
    np.testing.assert_array_equal(out, X[:, ::-1])
    out = SpectralAugmenter(
        transformations=("flip_horizontal", "flip_vertical"), probability=1.0
    ).fit_transform(X)
    np.testing.assert_array_equal(out, -X[:, ::-1])


def test_each_spectrum_chosen_independently():
    X = _spectra(n=200)
    out = SpectralAugmenter(
        transformations=("flip_horizontal",), probability=0.5, random_state=0
    ).fit_transform(X)
    flipped = np.all(out == -X, axis=1)
    kept = np.all(out == X, axis=1)
    assert np.all(flipped ^ kept)
    assert 60 < flipped.sum() < 140


def test_float32_preserved():
    X = _spectra().astype(np.float32)
    aug = SpectralAugmenter(random_state=0).fit(X)
    assert aug.transform(X).dtype == np.float32
    assert aug.augment(X)[0].dtype == np.float32


def test_augment():
    X, y = _spectra(n=5), np.arange(5)
    aug = SpectralAugmenter(n_augment=3, random_state=0).fit(X)
    X_new, y_new = aug.augment(X, y)
    assert X_new.shape == (20, 20)
    np.testing.assert_array_equal(X_new[:5], X)
    np.testing.assert_array_equal(y_new, np.tile(y, 4))
    np.testing.assert_array_equal(aug.augment(X, y)[0], X_new)  # deterministic
    X_only, y_none = aug.augment(X, n_augment=2, include_original=False)
    assert X_only.shape == (10, 20) and y_none is None
    Y2 = np.c_[y, -y]
    assert aug.augment(X, Y2, n_augment=1)[1].shape == (10, 2)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        aug.augment(X, y[:3])
    with pytest.raises(ValueError, match="n_augment"):
        aug.augment(X, y, n_augment=-1)


def test_validation_errors():
    X = _spectra()
    with pytest.raises(ValueError, match="Unknown transformation"):
        SpectralAugmenter(transformations=("blur",)).fit(X)
    with pytest.raises(InvalidParameterError, match="probability"):
        SpectralAugmenter(probability=1.5).fit(X)
    with pytest.raises(ValueError, match="n_features=20"):
        SpectralAugmenter(transformations=("permute",), n_segments=30).fit(X)
    with pytest.raises(ValueError, match="low <= high"):
        SpectralAugmenter(factor_range=(1.2, 0.8)).fit(X)
    aug = SpectralAugmenter().fit(X)
    with pytest.raises(ValueError, match="features"):
        aug.transform(X[:, :5])


def test_feature_names_out():
    X = _spectra()
    aug = SpectralAugmenter(random_state=0).fit(X)
    assert list(aug.get_feature_names_out()) == [f"x{i}" for i in range(20)]


# The draws depend on a spectrum's position in the batch, so transform is not
# invariant to batch composition or order (documented in the class docstring).
EXPECTED_FAILED_CHECKS = {
    "check_methods_subset_invariance": (
        "random perturbations are drawn per batch position; a spectrum "
        "transformed alone gets different draws than inside a batch"
    ),
    "check_methods_sample_order_invariance": (
        "random perturbations are drawn per batch position, so reordering the "
        "samples changes which perturbation each spectrum receives"
    ),
}


@pytest.mark.parametrize(
    "estimator",
    # the default SpectralAugmenter runs in tests/test_common.py
    [
        SpectralAugmenter(
            transformations=("flip_horizontal", "flip_vertical", "permute"),
            n_segments=2,
            flip_center="mean",
            probability=1.0,
        ),
    ],
    ids=["flips_and_permute"],
)
def test_check_estimator(estimator):
    from sklearn.utils.estimator_checks import check_estimator

    check_estimator(estimator, expected_failed_checks=EXPECTED_FAILED_CHECKS)
