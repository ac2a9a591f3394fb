"""Tests of the MiniRocket wrapper (skipped when aeon is not installed)."""

import pickle

import numpy as np
import pytest

pytest.importorskip("aeon")

from sklspec.baselines import MiniRocketTransformer  # noqa: E402


@pytest.fixture(scope="module")
def spectra():
    rng = np.random.default_rng(0)
    axis = np.linspace(0, 1, 60)
    peaks = np.exp(-((axis - rng.uniform(0.2, 0.8, size=(20, 1))) ** 2) / 0.01)
    return peaks + 0.01 * rng.normal(size=(20, 60))


@pytest.mark.parametrize(("n_kernels", "n_out"), [(10, 84), (100, 84), (168, 168)])
def test_output_shape(spectra, n_kernels, n_out):
    mr = MiniRocketTransformer(n_kernels=n_kernels, random_state=0)
    Xt = mr.fit_transform(spectra)
    assert Xt.shape == (20, n_out)
    assert mr.n_features_out_ == n_out
    assert Xt.dtype == np.float64
    assert np.all((Xt >= 0) & (Xt <= 1))  # proportions of positive values
    assert len(mr.get_feature_names_out()) == n_out


def test_deterministic_with_random_state(spectra):
    a = MiniRocketTransformer(n_kernels=168, random_state=1).fit_transform(spectra)
    b = MiniRocketTransformer(n_kernels=168, random_state=1).fit_transform(spectra)
    np.testing.assert_array_equal(a, b)
    mr = MiniRocketTransformer(n_kernels=168, random_state=1).fit(spectra)
    restored = pickle.loads(pickle.dumps(mr))
    np.testing.assert_array_equal(restored.transform(spectra), a)


def test_global_numpy_state_untouched(spectra):
    np.random.seed(123)  # noqa: NPY002
    expected = np.random.rand()  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    MiniRocketTransformer(n_kernels=84, random_state=5).fit(spectra)
    assert np.random.rand() == expected  # noqa: NPY002


def test_too_short_spectra(spectra):
    with pytest.raises(ValueError, match="at least 9 points"):
        MiniRocketTransformer(n_kernels=84).fit(spectra[:, :8])
    MiniRocketTransformer(n_kernels=84).fit(spectra[:, :9])


def test_bad_input(spectra):
    mr = MiniRocketTransformer(n_kernels=84, random_state=0)
    bad = spectra.copy()
    bad[1, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        mr.fit(bad)
    with pytest.raises(ValueError, match="2D array"):
        mr.fit(spectra[0])
    mr.fit(spectra)
    with pytest.raises(ValueError, match="features"):
        mr.transform(spectra[:, :30])


def test_sklearn_behaviour_on_long_spectra(spectra):
    # sklearn's common checks use data with < 9 features, which MiniRocket
    # rejects; the behaviours they would test are checked here instead.
    mr = MiniRocketTransformer(n_kernels=84, random_state=0)
    params = mr.get_params()
    first = mr.fit(spectra).transform(spectra)
    assert mr.get_params() == params
    assert mr.n_features_in_ == spectra.shape[1]
    np.testing.assert_array_equal(mr.fit(spectra).transform(spectra), first)
    np.testing.assert_array_equal(mr.transform(spectra[:5]), first[:5])
    order = np.arange(len(spectra))[::-1]
    np.testing.assert_array_equal(mr.transform(spectra[order]), first[order])
    np.testing.assert_array_equal(mr.transform(spectra.astype(np.float32)), first)
