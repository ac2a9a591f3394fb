"""Tests of RangeCut."""

import numpy as np
import pytest

from sklspec.preprocessing import RangeCut


@pytest.fixture
def axis_and_X():
    w = np.arange(1000.0, 1100.0, 10.0)  # 1000, 1010, ..., 1090
    X = np.arange(30.0).reshape(3, 10)
    return w, X


def test_default_keeps_everything(axis_and_X):
    w, X = axis_and_X
    np.testing.assert_array_equal(RangeCut().fit_transform(X), X)


def test_increasing_axis_inclusive_bounds(axis_and_X):
    w, X = axis_and_X
    cut = RangeCut(start=1020, stop=1050, wavelengths=w).fit(X)
    np.testing.assert_array_equal(cut.transform(X), X[:, 2:6])
    np.testing.assert_array_equal(cut.wavelengths_out_, [1020, 1030, 1040, 1050])
    np.testing.assert_array_equal(cut.support_, np.isin(np.arange(10), [2, 3, 4, 5]))


def test_decreasing_axis(axis_and_X):
    w, X = axis_and_X
    w_desc = w[::-1]  # e.g. wavenumbers, high to low
    cut = RangeCut(start=1020, stop=1050, wavelengths=w_desc).fit(X)
    np.testing.assert_array_equal(cut.transform(X), X[:, 4:8])
    np.testing.assert_array_equal(cut.wavelengths_out_, [1050, 1040, 1030, 1020])


def test_bounds_in_either_order(axis_and_X):
    w, X = axis_and_X
    a = RangeCut(start=1050, stop=1020, wavelengths=w).fit_transform(X)
    b = RangeCut(start=1020, stop=1050, wavelengths=w).fit_transform(X)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "start, stop, cols",
    [(1065, None, [7, 8, 9]), (None, 1011, [0, 1]), (995, 1200, list(range(10)))],
)
def test_one_sided_and_wide_bounds(axis_and_X, start, stop, cols):
    w, X = axis_and_X
    Xt = RangeCut(start=start, stop=stop, wavelengths=w).fit_transform(X)
    np.testing.assert_array_equal(Xt, X[:, cols])


def test_column_indices_without_axis(axis_and_X):
    _, X = axis_and_X
    np.testing.assert_array_equal(RangeCut(2, 4).fit_transform(X), X[:, 2:5])


def test_dataframe_columns(axis_and_X):
    pd = pytest.importorskip("pandas")
    w, X = axis_and_X
    df = pd.DataFrame(X, columns=[f"{v:.1f}" for v in w])
    cut = RangeCut(start=1030, stop=1040).set_output(transform="pandas")
    out = cut.fit_transform(df)
    assert list(out.columns) == ["1030.0", "1040.0"]
    np.testing.assert_array_equal(out.to_numpy(), X[:, 3:5])


def test_feature_names_from_wavelengths_parameter(axis_and_X):
    w, X = axis_and_X
    cut = RangeCut(start=1080, wavelengths=w).fit(X)
    assert list(cut.get_feature_names_out()) == ["1080", "1090"]
    assert list(RangeCut(start=8).fit(X).get_feature_names_out()) == ["x8", "x9"]


def test_empty_selection_names_the_range(axis_and_X):
    w, X = axis_and_X
    with pytest.raises(ValueError, match="wavelengths of X run from 1000 to 1090"):
        RangeCut(start=2000, stop=2100, wavelengths=w).fit(X)
    with pytest.raises(ValueError, match="column indices of X run from 0 to 9"):
        RangeCut(start=20, stop=30).fit(X)


def test_dataframe_and_parameter_axes_must_agree(axis_and_X):
    pd = pytest.importorskip("pandas")
    w, X = axis_and_X
    df = pd.DataFrame(X, columns=[str(v) for v in w])
    with pytest.raises(ValueError, match="differs from the `wavelengths` parameter"):
        RangeCut(wavelengths=w + 1.0).fit(df)
    RangeCut(wavelengths=w).fit(df)  # the same axis twice is fine
