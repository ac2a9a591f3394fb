"""Tests of the numpy spectral transformations against hand computations."""

import numpy as np
import pytest

from sklspec.augmentation import (
    PRETEXT_TASKS,
    TRANSFORMATIONS,
    add_gaussian_noise,
    add_offset,
    check_generator,
    flip_horizontal,
    flip_vertical,
    make_pretext_dataset,
    multiply,
    permute_segments,
)

X_TINY = np.array([[1.0, 2.0, 3.0, 4.0], [0.0, -1.0, 5.0, 2.0]])
RANDOM = {
    "noise": add_gaussian_noise,
    "offset": add_offset,
    "multiply": multiply,
    "permute": permute_segments,
}


def _spectra(n=10, p=37, seed=0):
    return np.random.default_rng(seed).normal(size=(n, p)).cumsum(axis=1)


def test_check_generator():
    rng = np.random.default_rng(1)
    assert check_generator(rng) is rng
    assert isinstance(check_generator(None), np.random.Generator)
    a = check_generator(3).random(4)
    np.testing.assert_array_equal(a, np.random.default_rng(3).random(4))
    b = check_generator(np.random.RandomState(0)).random(4)
    c = check_generator(np.random.RandomState(0)).random(4)
    np.testing.assert_array_equal(b, c)
    with pytest.raises(ValueError, match="random_state must be"):
        check_generator("seed")
    with pytest.raises(ValueError, match="random_state must be"):
        check_generator(True)


def test_noise_by_hand():
    std = X_TINY.std()
    got = add_gaussian_noise(X_TINY, scale=0.5, random_state=7)
    expected = X_TINY + 0.5 * std * np.random.default_rng(7).standard_normal((2, 4))
    np.testing.assert_allclose(got, expected)
    got = add_gaussian_noise(X_TINY, scale=0.5, reference_std=2.0, random_state=7)
    expected = X_TINY + np.random.default_rng(7).standard_normal((2, 4))
    np.testing.assert_allclose(got, expected)


def test_offset_by_hand():
    got = add_offset(X_TINY, scale=0.1, reference_std=3.0, random_state=2)
    b = np.random.default_rng(2).uniform(-0.3, 0.3, size=(2, 1))
    np.testing.assert_allclose(got, X_TINY + b)
    diff = got - X_TINY
    np.testing.assert_allclose(diff, diff[:, :1] * np.ones((1, 4)))
    assert np.all(np.abs(diff) <= 0.3)


def test_multiply_by_hand():
    got = multiply(X_TINY, factor_range=(0.5, 2.0), random_state=4)
    f = np.random.default_rng(4).uniform(0.5, 2.0, size=(2, 1))
    np.testing.assert_allclose(got, X_TINY * f)
    ratio = multiply(_spectra() + 100, random_state=0) / (_spectra() + 100)
    assert np.all((ratio >= 0.9) & (ratio <= 1.1))
    with pytest.raises(ValueError, match="low <= high"):
        multiply(X_TINY, factor_range=(2.0, 1.0))
    with pytest.raises(ValueError, match="pair"):
        multiply(X_TINY, factor_range=1.0)


def test_flips_by_hand():
    np.testing.assert_array_equal(flip_horizontal(X_TINY), -X_TINY)
    np.testing.assert_allclose(
        flip_horizontal(X_TINY, center="mean"),
        np.array([[4.0, 3.0, 2.0, 1.0], [3.0, 4.0, -2.0, 1.0]]),
    )
    np.testing.assert_array_equal(
        flip_vertical(X_TINY), np.array([[4.0, 3, 2, 1], [2, 5, -1, 0]])
    )
    X = _spectra()
    np.testing.assert_array_equal(flip_vertical(flip_vertical(X)), X)
    np.testing.assert_allclose(
        flip_horizontal(flip_horizontal(X, center="mean"), center="mean"), X
    )
    with pytest.raises(ValueError, match="center"):
        flip_horizontal(X, center="median")


def test_permute_by_hand():
    X = np.arange(6.0).reshape(1, 6)
    # 3 segments of 2: the only outputs are the 5 non-identity orders
    allowed = {
        (2, 3, 0, 1, 4, 5),
        (0, 1, 4, 5, 2, 3),
        (2, 3, 4, 5, 0, 1),
        (4, 5, 0, 1, 2, 3),
        (4, 5, 2, 3, 0, 1),
    }
    seen = {
        tuple(permute_segments(X, n_segments=3, random_state=s)[0].astype(int))
        for s in range(60)
    }
    assert seen == allowed
    # uneven split: 7 points in 2 segments -> [0..3] and [4..6], always swapped
    X7 = np.arange(7.0).reshape(1, 7)
    np.testing.assert_array_equal(
        permute_segments(X7, n_segments=2, random_state=0),
        [[4.0, 5, 6, 0, 1, 2, 3]],
    )


@pytest.mark.parametrize("m", [2, 3, 4, 7, 37])
def test_permute_is_true_segment_permutation_never_identity(m):
    X = np.tile(np.arange(37.0), (200, 1)) + 100 * np.arange(200)[:, None]
    out = permute_segments(X, n_segments=m, random_state=0)
    np.testing.assert_array_equal(np.sort(out, axis=1), np.sort(X, axis=1))
    assert not np.any(np.all(out == X, axis=1))
    # contiguous segments stay contiguous: steps of +1 except at m-1 cuts
    jumps = (np.diff(out, axis=1) != 1).sum(axis=1)
    assert np.all(jumps <= m - 1)


def test_permute_validation():
    with pytest.raises(ValueError, match="n_segments"):
        permute_segments(X_TINY, n_segments=1)
    with pytest.raises(ValueError, match="n_segments"):
        permute_segments(X_TINY, n_segments=5)


@pytest.mark.parametrize("name", list(TRANSFORMATIONS))
def test_shape_dtype_and_no_mutation(name):
    func = TRANSFORMATIONS[name]
    for dtype in (np.float32, np.float64):
        X = _spectra().astype(dtype)
        before = X.copy()
        out = func(X, random_state=0) if name in RANDOM else func(X)
        assert out.shape == X.shape and out.dtype == dtype
        assert out is not X
        np.testing.assert_array_equal(X, before)
    out = func(X_TINY.astype(int), **({"random_state": 0} if name in RANDOM else {}))
    assert out.dtype == np.float64


@pytest.mark.parametrize("name", list(RANDOM))
def test_seeded_reproducibility(name):
    func, X = RANDOM[name], _spectra()
    a, b = func(X, random_state=5), func(X, random_state=5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, func(X, random_state=6))
    c = func(X, random_state=np.random.default_rng(5))
    np.testing.assert_array_equal(a, c)


def test_input_validation():
    with pytest.raises(ValueError, match="2-D array"):
        add_offset(np.zeros(5))
    with pytest.raises(ValueError, match="non-negative"):
        add_gaussian_noise(X_TINY, scale=-1)


def test_registry():
    assert list(TRANSFORMATIONS) == [
        "noise",
        "offset",
        "multiply",
        "flip_horizontal",
        "flip_vertical",
        "permute",
    ]
    assert PRETEXT_TASKS == ("original", *TRANSFORMATIONS)


def test_make_pretext_dataset():
    X = _spectra(n=5, p=16)
    Xp, Y, names = make_pretext_dataset(X, random_state=0)
    assert Xp.shape == (35, 16) and Y.shape == (35, 7)
    assert names == PRETEXT_TASKS
    np.testing.assert_array_equal(Y.sum(axis=1), np.ones(35))
    np.testing.assert_array_equal(Y.argmax(axis=1), np.repeat(np.arange(7), 5))
    np.testing.assert_array_equal(Xp[:5], X)
    np.testing.assert_array_equal(Xp[20:25], -X)  # flip_horizontal block
    np.testing.assert_array_equal(Xp[25:30], X[:, ::-1])  # flip_vertical block
    np.testing.assert_array_equal(
        np.sort(Xp[30:35], axis=1), np.sort(X, axis=1)
    )  # permute block
    Xp2, Y2, _ = make_pretext_dataset(X, random_state=0)
    np.testing.assert_array_equal(Xp, Xp2)
    np.testing.assert_array_equal(Y, Y2)


def test_make_pretext_dataset_subset_and_custom():
    X = _spectra(n=4, p=12)
    Xp, Y, names = make_pretext_dataset(
        X, transformations=["flip_vertical", "permute"], n_segments=3, random_state=1
    )
    assert names == ("original", "flip_vertical", "permute")
    assert Xp.shape == (12, 12) and Y.shape == (12, 3)
    Xp, Y, names = make_pretext_dataset(
        X,
        transformations={"square": lambda X, random_state: X**2, "noise": None},
        random_state=1,
    )
    assert names == ("original", "square", "noise")
    np.testing.assert_array_equal(Xp[4:8], X**2)
    with pytest.raises(ValueError, match="Unknown transformation"):
        make_pretext_dataset(X, transformations=["blur"])
    with pytest.raises(ValueError, match="repeat"):
        make_pretext_dataset(X, transformations=["noise", "noise"])
    with pytest.raises(ValueError, match="returned shape"):
        make_pretext_dataset(
            X, transformations={"bad": lambda X, random_state: X[:, :2]}
        )
