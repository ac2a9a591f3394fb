"""Tests of CanonicalGrid."""

import warnings

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklspec.preprocessing import CanonicalGrid, format_wavelengths

pd = pytest.importorskip("pandas")


def _curve(w):
    return 0.5 + np.exp(-(((w - 1500.0) / 90.0) ** 2)) + 0.2 * np.sin(w / 70.0)


def _frame(X, w):
    return pd.DataFrame(X, columns=list(format_wavelengths(w)))


# ------------------------------------------------------------------ mapping
@pytest.mark.parametrize("descending", [False, True])
def test_matches_numpy_interp(spectra, descending):
    X, w = spectra
    rng = np.random.default_rng(0)
    w_irr = np.sort(rng.uniform(1000, 2000, 101))
    if descending:
        w_irr, X = w_irr[::-1], X[:, ::-1]
    grid = CanonicalGrid(n_points=57, wavelengths=w_irr, normalize=None).fit(X)
    out = grid.transform(X)
    asc = np.sort(w_irr)
    target = np.linspace(asc[0], asc[-1], 57)
    Xa = X[:, ::-1] if descending else X
    expected = np.vstack([np.interp(target, asc, row) for row in Xa])
    np.testing.assert_allclose(out[:, :57], expected, rtol=1e-12, atol=1e-12)
    # the statistics: mean, std of the resampled spectrum, and the range
    np.testing.assert_allclose(out[:, 57], expected.mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(out[:, 58], expected.std(axis=1), rtol=1e-10)
    np.testing.assert_allclose(out[:, 59:], [[asc[0], asc[-1]]] * X.shape[0])


def test_snv_on_the_grid_and_stats_restore_it(spectra):
    X, w = spectra
    grid = CanonicalGrid(n_points=64, wavelengths=w).fit(X)
    out = grid.transform(X)
    Z, stats = out[:, :64], out[:, 64:]
    np.testing.assert_allclose(Z.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=1), 1.0, rtol=1e-12)
    raw = CanonicalGrid(64, wavelengths=w, normalize=None, keep_stats=False)
    np.testing.assert_allclose(
        Z * stats[:, [1]] + stats[:, [0]], raw.fit_transform(X), rtol=1e-12
    )
    np.testing.assert_array_equal(grid.transform_stats(X), stats)
    assert CanonicalGrid(64, wavelengths=w, keep_stats=False).fit_transform(
        X
    ).shape == (
        X.shape[0],
        64,
    )


def test_width_independence():
    w200, w700 = np.linspace(1000, 2000, 200), np.linspace(1000, 2000, 700)
    rng = np.random.default_rng(1)
    scale, offset = rng.uniform(0.5, 2, (5, 1)), rng.uniform(-1, 1, (5, 1))
    X200 = offset + scale * _curve(w200)[None, :]
    X700 = offset + scale * _curve(w700)[None, :]
    grid = CanonicalGrid(n_points=128, wavelengths=w200).fit(X200)
    a = grid.transform(X200)
    b = grid.transform(X700, wavelengths=w700)
    assert a.shape == b.shape == (5, 132)
    np.testing.assert_allclose(a[:, :128], b[:, :128], atol=5e-3)
    np.testing.assert_allclose(a[:, 128:], b[:, 128:], rtol=2e-3)
    # the same through DataFrames of the two widths
    c = grid.transform(_frame(X700, w700))
    np.testing.assert_allclose(c, b, rtol=1e-12)
    # without any axis the column index stands in: same range assumed
    bare = CanonicalGrid(n_points=128).fit(X200)
    np.testing.assert_allclose(
        bare.transform(X700)[:, :128], bare.transform(X200)[:, :128], atol=5e-3
    )


def test_each_input_on_its_own_range():
    w_a, w_b = np.linspace(1000, 2000, 300), np.linspace(1200, 1700, 90)
    grid = CanonicalGrid(n_points=32, unit="nm").fit(_frame(_curve(w_a)[None], w_a))
    out = grid.transform(_frame(_curve(w_b)[None], w_b))
    np.testing.assert_allclose(out[0, -2:], [1200.0, 1700.0])
    expected = np.interp(np.linspace(1200, 1700, 32), w_b, _curve(w_b))
    np.testing.assert_allclose(
        out[0, :32], (expected - expected.mean()) / expected.std(), rtol=1e-10
    )


def test_unit_conversion():
    nm = np.linspace(1000, 2500, 400)
    cm = 1e7 / nm  # decreasing wavenumbers
    X = _curve(nm)[None, :]
    grid = CanonicalGrid(n_points=64, wavelengths=cm, unit="cm-1").fit(X)
    a = grid.transform(X)
    b = grid.transform(X, wavelengths=nm, unit="nm")
    np.testing.assert_allclose(a, b, rtol=1e-10)
    np.testing.assert_allclose(a[0, -2:], [4000.0, 10000.0])
    um = grid.transform(X, wavelengths=nm / 1000, unit="um")
    np.testing.assert_allclose(um, a, rtol=1e-10)


def test_float32_and_pandas_output(spectra):
    X, w = spectra
    out = CanonicalGrid(n_points=20).fit_transform(X.astype(np.float32))
    assert out.dtype == np.float32
    grid = CanonicalGrid(n_points=20).set_output(transform="pandas")
    df = _frame(X, w)
    df.index = np.arange(100, 100 + len(df))
    out = grid.fit_transform(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == [f"grid_{i}" for i in range(20)] + [
        "offset",
        "scale",
        "range_start",
        "range_stop",
    ]
    np.testing.assert_array_equal(out.index, df.index)
    # a DataFrame of another width goes through the same fitted grid
    w2 = np.linspace(1000, 2000, 333)
    other = grid.transform(_frame(np.vstack([_curve(w2)] * 3), w2))
    assert other.shape == (3, 24)


def test_constant_spectrum_maps_to_zeros():
    X = np.vstack([np.full(30, 4.0), np.arange(30.0)])
    out = CanonicalGrid(n_points=10).fit_transform(X)
    np.testing.assert_array_equal(out[0, :10], 0.0)
    assert out[0, 10] == pytest.approx(4.0) and out[0, 11] == 0.0
    assert np.all(np.isfinite(out))


def test_in_a_pipeline_with_any_width():
    w = np.linspace(1000, 2000, 150)
    X = np.random.default_rng(0).normal(size=(10, 150)) + _curve(w)
    pipe = make_pipeline(CanonicalGrid(n_points=40), StandardScaler()).fit(X)
    assert pipe.transform(X[:, ::2]).shape == (10, 44)


# ------------------------------------------------------------------ refusals
def test_refuses_too_few_points():
    grid = CanonicalGrid(n_points=16, min_points=16)
    with pytest.raises(
        ValueError, match=r"10 feature\(s\).*min_points=16.*more points"
    ):
        grid.fit(np.ones((3, 10)))
    grid.fit(np.random.default_rng(0).normal(size=(3, 20)))
    with pytest.raises(ValueError, match="fewer than min_points=16"):
        grid.transform(np.ones((3, 8)))


def test_refuses_unknown_unit():
    X = np.random.default_rng(0).normal(size=(3, 20))
    with pytest.raises(ValueError, match=r"'unit' parameter.*among.*'cm-1'"):
        CanonicalGrid(unit="furlong").fit(X)
    w = np.linspace(1000, 2000, 20)
    grid = CanonicalGrid(wavelengths=w, unit="nm").fit(X)
    with pytest.raises(ValueError, match=r"Unknown unit 'eV'.*Convert the axis"):
        grid.transform(X, wavelengths=w, unit="eV")
    with pytest.raises(ValueError, match="no `unit` to convert to"):
        CanonicalGrid(wavelengths=w).fit(X).transform(X, wavelengths=w, unit="nm")


def test_refuses_non_monotonic_axis():
    X = np.random.default_rng(0).normal(size=(3, 20))
    w = np.linspace(1000, 2000, 20)
    w_bad = w.copy()
    w_bad[[3, 4]] = w_bad[[4, 3]]
    with pytest.raises(
        ValueError, match="strictly increasing.*Sort the spectral points"
    ):
        CanonicalGrid(wavelengths=w_bad).fit(X)
    with pytest.raises(ValueError, match="column names of X.*Sort the spectral points"):
        CanonicalGrid().fit(_frame(X, w_bad))
    grid = CanonicalGrid(wavelengths=w).fit(X)
    with pytest.raises(ValueError, match="`wavelengths` argument.*Sort"):
        grid.transform(X, wavelengths=w_bad)


def test_refuses_nan():
    X = np.random.default_rng(0).normal(size=(3, 20))
    X[1, 5] = np.nan
    with pytest.raises(ValueError, match="NaN.*Impute them first.*RangeCut"):
        CanonicalGrid().fit(X)
    grid = CanonicalGrid().fit(np.nan_to_num(X))
    with pytest.raises(ValueError, match="NaN"):
        grid.transform(X)


def test_refuses_axis_of_wrong_length_or_missing():
    X = np.random.default_rng(0).normal(size=(3, 20))
    w = np.linspace(1000, 2000, 20)
    grid = CanonicalGrid(wavelengths=w).fit(X)
    with pytest.raises(
        ValueError, match="axis seen at fit has 20.*wavelengths=\\.\\.\\."
    ):
        grid.transform(np.ones((3, 30)))
    with pytest.raises(ValueError, match="has 25 values but X has 30"):
        grid.transform(np.ones((3, 30)), wavelengths=np.linspace(1, 2, 25))
    with pytest.raises(ValueError, match="no wavelength axis"):
        CanonicalGrid(expected_range=(1, 2)).fit(X)


def test_warns_on_partial_coverage_and_refuses_below_min_coverage():
    X = np.random.default_rng(0).normal(size=(3, 50))
    full = np.linspace(1000, 2000, 50)
    grid = CanonicalGrid(n_points=32, unit="nm", expected_range=(1000, 2000))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        grid.fit(_frame(X, full))  # full coverage: no warning
    part = np.linspace(1200, 2000, 50)  # 80 % of the expected range
    with pytest.warns(UserWarning, match="covers 80% of expected_range 1000-2000"):
        grid.transform(_frame(X, part))
    small = np.linspace(1700, 2100, 50)  # 30 %
    with pytest.raises(ValueError, match="covers 30%.*min_coverage=0.5.*Measure over"):
        grid.transform(_frame(X, small))
    with pytest.raises(ValueError, match="covers 0%"):
        grid.transform(_frame(X, np.linspace(3000, 4000, 50)))
    # in another unit, converted before the coverage is measured
    with pytest.warns(UserWarning, match="covers 80%"):
        grid.transform(X, wavelengths=1e7 / part, unit="cm-1")


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(n_points=1), "n_points"),
        (dict(min_points=1), "min_points"),
        (dict(min_coverage=1.5), "min_coverage"),
        (dict(normalize="minmax"), "normalize"),
        (dict(expected_range=(1.0, 1.0)), "distinct finite"),
        (dict(expected_range=(1.0, 2.0, 3.0)), "pair"),
    ],
)
def test_parameter_validation(params, match):
    X = np.random.default_rng(0).normal(size=(3, 20))
    w = np.linspace(1000, 2000, 20)
    with pytest.raises(ValueError, match=match):
        CanonicalGrid(wavelengths=w, **params).fit(X)


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_refuses_infinite_values(bad):
    X = np.random.default_rng(0).normal(size=(3, 20))
    grid = CanonicalGrid().fit(X)
    X[2, 7] = bad
    with pytest.raises(ValueError, match="NaN or infinite"):
        grid.transform(X)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_spectra_near_the_largest_float_keep_finite_stats(spectra, dtype):
    """Spectra whose sum overflows (but whose values do not) are accepted,
    and their SNV and stats are those of the spectra scaled down."""
    X, w = spectra
    X = (X / np.abs(X).max()).astype(dtype)
    top = 0.5 * np.finfo(dtype).max
    grid = CanonicalGrid(16, wavelengths=w).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = grid.transform(X * top)
    assert np.isfinite(big).all()
    small = grid.transform(X)
    np.testing.assert_allclose(big[:, :16], small[:, :16], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(big[:, 16:18], small[:, 16:18] * top, rtol=1e-5)


def test_range_columns_do_not_change_with_the_width_without_an_axis():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 32)).cumsum(axis=1)
    grid = CanonicalGrid(n_points=8).fit(X)
    wide = np.repeat(X, 2, axis=1)  # the same spectra at twice the points
    np.testing.assert_array_equal(grid.transform_stats(X)[:, 2:], [[0.0, 1.0]] * 3)
    np.testing.assert_array_equal(grid.transform_stats(wide)[:, 2:], [[0.0, 1.0]] * 3)
