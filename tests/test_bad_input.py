"""Bad input thrown at every public estimator (the case table of
``tests/bad_input_cases.py``), the training-divergence check and fuzzing.

Every case must end in a refusal whose message names the problem, a
documented warning or a harmless answer; the wrong outcomes still open are
listed with their reasons in ``KNOWN_WRONG``, and this test requires that list
to be exact. ``benchmarks/bad_input.py`` runs the same table and writes the
counts and the user-guide table of refusals.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from sklspec._torch import divergence_message, train_module
from sklspec.exceptions import (
    ConstantSpectraWarning,
    TrainingDivergenceError,
    TrainingDivergenceWarning,
)
from sklspec.preprocessing import StandardNormalVariate

from .bad_input_cases import (
    CASES,
    DATA_LIMITED,
    KNOWN_WRONG,
    MUST_WARN,
    NOT_DATA_LIMITED,
    REFUSALS_PAGE,
    RESULTS_JSON,
    comparable,
    estimators,
    integer_params,
    reader_formats,
    readers,
    refusals_page,
    run_estimator,
    run_reader,
    samples_present,
)

ESTIMATORS = estimators()
READERS = sorted(readers())

#: Every outcome of this session, for a look in a debugger or ``-s`` run.
RECORDS: list[dict] = []

_RERUN = "rerun `python benchmarks/bad_input.py` and commit its outputs"


def _stored() -> dict:
    import json

    if not RESULTS_JSON.is_file():
        pytest.fail(f"{RESULTS_JSON} is missing: {_RERUN}")
    return json.loads(RESULTS_JSON.read_text(encoding="utf-8"))


def _assert_as_stored(live: list[dict], stored: list[dict], what: str):
    """The live outcomes and messages are those the page was written from."""
    live_c = {comparable(r)[0]: comparable(r)[1:] for r in live}
    stored_c = {comparable(r)[0]: comparable(r)[1:] for r in stored}
    changed = {
        k: (stored_c.get(k), v) for k, v in live_c.items() if stored_c.get(k) != v
    }
    gone = sorted(set(stored_c) - set(live_c))
    assert not changed and not gone, (
        f"{what}: outcomes differ from benchmarks/results/bad_input.json "
        f"(stored, live): {changed}; no longer run: {gone}. {_RERUN}."
    )


def test_every_public_estimator_is_in_the_harness():
    from .test_common import ESTIMATORS as ALL

    skipped = {"MiniRocketTransformer", "ConformalRegressor", "ConformalClassifier"}
    assert set(ALL) - skipped <= set(ESTIMATORS)
    assert len(CASES) >= 16
    # every integer parameter is classified as bounded by the data or not
    unclassified = {
        (name, param)
        for name, factory in ESTIMATORS.items()
        for param in integer_params(factory())
        if param not in DATA_LIMITED and param not in NOT_DATA_LIMITED
    }
    assert not unclassified, (
        f"integer parameters in neither DATA_LIMITED nor NOT_DATA_LIMITED of "
        f"tests/bad_input_cases.py: {sorted(unclassified)}"
    )


def test_every_reader_and_format_is_in_the_harness():
    import sklspec.io
    from sklspec.io import supported_formats

    assert set(READERS) == {n for n in sklspec.io.__all__ if n.startswith("read_")}
    assert set(reader_formats()) == set(supported_formats())


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_bad_input(name):
    records = run_estimator(name, ESTIMATORS[name])
    RECORDS.extend(records)
    wrong = {r["case"]: r["detail"] for r in records if r["outcome"] == "wrong"}
    expected = KNOWN_WRONG.get(name, {})
    assert set(wrong) == set(expected), (
        f"{name}: wrong outcomes {wrong} (known: {sorted(expected)})"
    )
    outcomes = {r["case"]: r["outcome"] for r in records}
    for case in MUST_WARN.get(name, ()):
        assert outcomes[case] in ("warned", "refused"), (name, case)
    stored = [r for r in _stored()["records"] if r["estimator"] == name]
    _assert_as_stored(records, stored, name)


def _reader_check(name, tmp_path, samples: bool):
    records = run_reader(name, tmp_path, samples=samples)
    wrong = [r for r in records if r["outcome"] == "wrong"]
    assert not wrong, wrong
    assert all(r["outcome"] != "refused" or r["detail"] for r in records)
    from sklspec.io import supported_formats

    from .bad_input_cases import FILE_CASES

    installed = {k for k, v in supported_formats().items() if v["installed"]}
    if samples and installed == set(supported_formats()):
        installed.add("sample")  # the broken samples need every reader
    cases = {c.name for c in FILE_CASES if c.needs_samples == samples}
    stored = [
        r
        for r in _stored()["reader_records"]
        if r["estimator"] == name
        and r["format"] in installed
        and (r["case"] in cases or (samples and r["case"].startswith("sample:")))
    ]
    _assert_as_stored(records, stored, name)


@pytest.mark.parametrize("name", READERS)
def test_bad_files(name, tmp_path):
    """Empty, cut-short, random, text, folder and missing paths, every format."""
    _reader_check(name, tmp_path, samples=False)


@pytest.mark.parametrize("name", READERS)
def test_bad_files_from_the_io_samples(name, tmp_path):
    """Real files cut and renamed, and the samples' own broken files."""
    if not samples_present():
        pytest.skip(
            "the io samples are absent (../shared/io-samples or "
            "SKLSPEC_IO_SAMPLES): no case made from real files"
        )
    _reader_check(name, tmp_path, samples=True)


def test_refusals_page_is_written_from_the_stored_outcomes():
    # the tests above hold the stored outcomes to the library; this holds the
    # page to the stored outcomes, without running anything again
    stored = _stored()
    page = refusals_page(stored["records"], stored["reader_records"])
    assert REFUSALS_PAGE.read_text(encoding="utf-8") == page, (
        f"docs/user_guide/_refusals.rst is not what the stored outcomes give: {_RERUN}"
    )
    names = {r["estimator"] for r in stored["records"]}
    assert set(ESTIMATORS) <= names, f"estimators missing from the results: {_RERUN}"
    assert set(READERS) <= {r["estimator"] for r in stored["reader_records"]}


# ---------------------------------------------------------- four known cases
def test_snv_warns_on_constant_spectra_and_maps_them_to_zeros():
    X = np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]])
    with pytest.warns(ConstantSpectraWarning, match=r"1 of 2 spectra.*rows \[1\]"):
        out = StandardNormalVariate().fit_transform(X)
    np.testing.assert_array_equal(out[1], 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        StandardNormalVariate().fit_transform(X[:1])


def test_embedder_warns_on_constant_spectra_at_fit_and_transform():
    from sklspec.embedders import VAEEmbedder

    X = np.random.default_rng(0).normal(size=(12, 16))
    X[3] = 2.0
    emb = VAEEmbedder(latent_dim=2, hidden=(4,), max_epochs=1, random_state=0)
    with pytest.warns(ConstantSpectraWarning, match="VAEEmbedder: 1 of 12"):
        emb.fit(X)
    with pytest.warns(ConstantSpectraWarning, match="embeddings say nothing"):
        emb.transform(X[:5])


# --------------------------------------------- spectra near 1e+-300
@pytest.mark.parametrize("scale", [2.0**996, 2.0**-996, 1e300, 1e-300])
def test_scale_free_transformers_give_the_same_output_at_1e300(scale):
    # SNV, the canonical grid's SNV, MSC and DS do not depend on the scale of
    # the spectra; they must not overflow squaring 1e300 or underflow 1e-300.
    # A power of two is exact: the output is the very same.
    from sklspec.preprocessing import CanonicalGrid, MultiplicativeScatterCorrection
    from sklspec.transfer import DirectStandardization

    from .bad_input_cases import good_data

    X, targets = good_data()
    exact = np.log2(scale).is_integer()
    close = np.testing.assert_array_equal if exact else np.testing.assert_allclose

    def same(a, b):
        return close(a, b) if exact else close(a, b, rtol=1e-10, atol=1e-12)

    for make in (
        StandardNormalVariate,
        lambda: CanonicalGrid(n_points=16, keep_stats=False),
    ):
        same(make().fit_transform(X * scale), make().fit_transform(X))
    # without SNV the grid, offset and scale come back in input units (the
    # range columns are the axis)
    grid = CanonicalGrid(n_points=16, keep_stats=True, normalize=None)
    out, ref = grid.fit_transform(X * scale), grid.fit_transform(X)
    np.testing.assert_allclose(out[:, :18] / scale, ref[:, :18], rtol=1e-12)
    np.testing.assert_array_equal(out[:, 18:], ref[:, 18:])
    msc = MultiplicativeScatterCorrection()
    np.testing.assert_allclose(
        msc.fit_transform(X * scale) / scale, msc.fit_transform(X), rtol=1e-9
    )
    Y = targets["spectra"]
    ds = DirectStandardization()
    np.testing.assert_allclose(
        ds.fit(X * scale, Y).transform(X * scale),
        ds.fit(X, Y).transform(X),
        rtol=1e-9,
    )


def test_squaring_estimators_refuse_1e300_naming_the_range():
    from sklspec.baselines import PLSDAClassifier
    from sklspec.domain import PLSOutlierDetector

    from .bad_input_cases import good_data

    X, targets = good_data()
    for est, y in [
        (PLSDAClassifier(), targets["classes"]),
        (PLSOutlierDetector(n_components=1), targets["values"]),
    ]:
        for scale in (1e300, 1e-300):
            with pytest.raises(ValueError, match=r"largest magnitude .*Rescale"):
                est.fit(X * scale, y)


def _mlp():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1)
    )


def _xy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 8)).astype(np.float32)
    return X, X[:, :1] * 2.0 + 0.1


def _train(lr, max_epochs=10, **kw):
    X, y = _xy()
    return train_module(
        _mlp(),
        X,
        y,
        criterion=torch.nn.MSELoss,
        lr=lr,
        max_epochs=max_epochs,
        batch_size=16,
        device="cpu",
        seed=0,
        **kw,
    )


def test_divergence_warns_with_lr_and_epoch():
    with pytest.warns(TrainingDivergenceWarning, match=r"lr=10: .*epoch") as rec:
        _train(10.0, max_epochs=6)
    assert "lower lr" in str(rec[0].message)


def test_divergence_raises_on_request():
    with pytest.raises(TrainingDivergenceError, match=r"lr=10\b"):
        _train(10.0, max_epochs=6, on_divergence="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _train(10.0, max_epochs=6, on_divergence="ignore")
    with pytest.raises(ValueError, match="on_divergence must be"):
        _train(0.01, max_epochs=1, on_divergence="loud")


def test_ordinary_training_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrainingDivergenceWarning)
        _, history = _train(0.01, max_epochs=10)
    assert history[-1]["train_loss"] < history[0]["train_loss"]


def test_divergence_rules():
    rows = lambda *v: [{"train_loss": x} for x in v]  # noqa: E731
    assert divergence_message(rows(1.0, 0.5, 0.2), lr=1e-3, name="N") is None
    assert "rose from 1" in divergence_message(rows(1.0, 20.0), lr=1, name="N")
    # a short training that exploded and never came back below its start
    batches = [{"train_loss": 1.0}, {"train_loss": 1e4}]
    exploded = [{"train_loss": 2.0, "batches": batches}]
    assert "exploded" in divergence_message(exploded, lr=1, name="N")
    # not falling at all over 5 epochs
    assert "did not fall" in divergence_message(
        rows(1.0, 1.0, 1.1, 1.0, 1.0), lr=1, name="N"
    )
    # too short to tell, or non-finite (the FloatingPointError's job)
    assert divergence_message(rows(1.0, 1.0), lr=1, name="N") is None
    assert divergence_message(rows(1.0, np.nan), lr=1, name="N") is None


@pytest.mark.parametrize("cls", ["MAEEmbedder", "VAEEmbedder"])
def test_embedders_at_lr_10_warn_instead_of_finite_garbage(cls):
    # issue #14: lr=10 diverged to finite garbage embeddings without a word
    import sklspec.embedders as emb

    from ._helpers import TINY_MAE, gaussian_peaks

    X, _ = gaussian_peaks(48, 64)
    params = TINY_MAE if cls == "MAEEmbedder" else dict(hidden=(16,), latent_dim=4)
    est = getattr(emb, cls)(**params, lr=10.0, max_epochs=6, random_state=0)
    with pytest.warns(TrainingDivergenceWarning, match=r"lr=10\b"):
        est.fit(X)


# -------------------------------------------------------------- fuzzing
@pytest.mark.slow
def test_fuzz_spectra_preprocessing_never_gives_silent_garbage():
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays

    from sklspec.preprocessing import (
        Detrend,
        MultiplicativeScatterCorrection,
        SavitzkyGolay,
    )

    del hypothesis
    elements = st.floats(allow_nan=True, allow_infinity=True, width=64)

    @settings(max_examples=150, deadline=None)
    @given(
        X=arrays(
            np.float64,
            st.tuples(st.integers(1, 6), st.integers(1, 20)),
            elements=elements,
        ),
        which=st.sampled_from(["snv", "msc", "sg", "detrend"]),
    )
    def check(X, which):
        est = {
            "snv": StandardNormalVariate(),
            "msc": MultiplicativeScatterCorrection(),
            "sg": SavitzkyGolay(window_length=3, polyorder=1),
            "detrend": Detrend(),
        }[which]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out = est.fit_transform(X)
            except ValueError as exc:
                assert str(exc), "an empty error message"
                return
        if np.all(np.isfinite(X)) and np.max(np.abs(X), initial=0) < 1e150:
            assert np.all(np.isfinite(out)), (which, X)

    check()


@pytest.mark.slow
def test_fuzz_parameters_are_validated_or_work():
    pytest.importorskip("hypothesis")
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from sklspec.baselines import PLSDAClassifier
    from sklspec.preprocessing import SavitzkyGolay

    from .bad_input_cases import good_data

    X, targets = good_data()

    @settings(max_examples=60, deadline=None)
    @given(
        window=st.integers(-5, 100),
        polyorder=st.integers(-2, 10),
        n_components=st.integers(-2, 200),
    )
    def check(window, polyorder, n_components):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out = SavitzkyGolay(
                    window_length=window, polyorder=polyorder
                ).fit_transform(X)
                assert np.all(np.isfinite(out))
            except ValueError as exc:
                assert "window_length" in str(exc) or "polyorder" in str(exc)
            try:
                clf = PLSDAClassifier(n_components=n_components).fit(
                    X, targets["classes"]
                )
                assert 1 <= clf.n_components_ <= min(X.shape[1], len(X) - 1)
            except ValueError as exc:
                assert "n_components" in str(exc)

    check()


@pytest.mark.slow
def test_fuzz_data_limited_parameters_beyond_the_data():
    """Any value beyond the data, for every data-limited parameter found."""
    pytest.importorskip("hypothesis")
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from .bad_input_cases import param_cases, run_case

    # the networks train for each example: their parameters get the fixed case
    neural = ("Embedder", "FineTuned", "Converter", "Reconstruction")
    pairs = [
        (name, case.params[0][0])
        for name, factory in ESTIMATORS.items()
        if not any(word in name for word in neural)
        for case in param_cases(factory())
    ]
    assert pairs

    @settings(max_examples=60, deadline=None)
    @given(pair=st.sampled_from(pairs), value=st.integers(65, 5000))
    def check(pair, value):
        name, param = pair
        case = next(
            c for c in param_cases(ESTIMATORS[name](), value) if c.params[0][0] == param
        )
        record = run_case(name, ESTIMATORS[name], case)
        expected = KNOWN_WRONG.get(name, {})
        assert record["outcome"] != "wrong" or case.name in expected, record

    check()


@pytest.mark.slow
def test_fuzz_random_bytes_are_refused_naming_the_file(tmp_path_factory):
    """Random bytes, after each format's first bytes or none, in every name."""
    pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from sklspec.io import SpectrumFileError, read_spectrum, supported_formats

    from .bad_input_cases import MAGIC

    installed = [k for k, v in supported_formats().items() if v["installed"]]
    if not installed:
        pytest.skip('no reader installed (pip install "sklspec[io]")')
    extensions = [reader_formats()[k] for k in installed] + [".xyz", ""]
    # a magic is only tried where its format's reader is installed (the others
    # refuse with ImportError naming the extra, by design)
    heads = [b""] + [MAGIC[k] for k in installed]
    folder = tmp_path_factory.mktemp("fuzz")
    counter = iter(range(10**9))

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        head=st.sampled_from(heads),
        body=st.one_of(
            st.binary(max_size=4096),
            # JCAMP-DX-like text: numbers, separators, labels
            st.text("0123456789 .,+-eE\n\t#=()XY?", max_size=600).map(str.encode),
        ),
        ext=st.sampled_from(extensions),
    )
    def check(head, body, ext):
        path = folder / f"fuzz{next(counter)}{ext}"
        path.write_bytes(head + body)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                data = read_spectrum(path)
            except SpectrumFileError as exc:
                assert path.name in str(exc), str(exc)
                assert exc.path == str(path)
                return
        # random bytes that parse must at least give a consistent table
        assert data.X.ndim == 2 and data.X.shape[1] == data.wavelengths.size >= 1

    check()


def test_checks_from_row_extremes_equal_the_checks_on_the_spectra():
    # the embedders read X once for the magnitude and constant checks
    from sklspec.utils._validation import check_network_magnitude
    from sklspec.utils._warnings import constant_rows, row_extremes

    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 9))
    X[[1, 4]] = [[2.5], [-7.0]]
    X[2] = 0.0
    for A in (X, X.astype(np.float32), np.arange(12, dtype=np.uint8).reshape(3, 4)):
        np.testing.assert_array_equal(
            constant_rows(A, extremes=row_extremes(A)), constant_rows(A)
        )
    assert constant_rows(X).tolist() == [False, True, True, False, True, False]
    assert row_extremes(np.ones((3, 0))) is None
    for scale in (1e31, 1e-31):
        with pytest.raises(ValueError, match="largest magnitude"):
            check_network_magnitude(X * scale, "VAE", extremes=row_extremes(X * scale))
    check_network_magnitude(X, "VAE", extremes=row_extremes(X))
