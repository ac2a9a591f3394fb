"""Streaming fit (memmap, h5py, zarr, iterables) and checkpoint/resume."""

import json
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

from sklspec._stream import (
    BLOCK_ROWS,
    FeatureMoments,
    SpectraSource,
    stream_moments,
)
from sklspec._torch import BatchStream, plain_batch
from sklspec.embedders import (
    MAEEmbedder,
    NIRtoMIRConverter,
    TransformRecogEmbedder,
    VAEEmbedder,
)
from sklspec.exceptions import ConstantSpectraWarning
from sklspec.utils import BatchIterable, is_stream

FAST = {
    MAEEmbedder: dict(max_epochs=3, patch_size=8, batch_size=32, warmup_epochs=1),
    TransformRecogEmbedder: dict(max_epochs=2, batch_size=64),
    VAEEmbedder: dict(max_epochs=3, batch_size=32),
}


def _library(n=300, width=64, seed=0):
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 1, width)
    centres = rng.uniform(0.2, 0.8, (n, 1))
    X = np.exp(-(((x - centres) / 0.05) ** 2)) + 0.01 * rng.normal(size=(n, width))
    return X.astype(np.float32)


def _weights(embedder):
    return list(embedder.module_.state_dict().values())


def _same(a, b) -> bool:
    return all(torch.equal(u, v) for u, v in zip(_weights(a), _weights(b)))


@pytest.fixture
def library(tmp_path):
    X = _library()
    np.save(tmp_path / "lib.npy", X)
    return X, np.load(tmp_path / "lib.npy", mmap_mode="r")


# ------------------------------------------------------------------ sources
def test_is_stream_tells_libraries_from_arrays(library):
    X, mm = library
    assert is_stream(mm)
    assert is_stream(BatchIterable(lambda: iter([X])))
    assert is_stream(b for b in [X])
    for in_memory in (X, X.tolist(), (X[0], X[1]), torch.as_tensor(X), "spectra"):
        assert not is_stream(in_memory)


def test_moments_equal_the_in_memory_statistics(library):
    X, mm = library
    source = SpectraSource(mm)
    moments = stream_moments(source)
    X64 = X.astype(np.float64)
    np.testing.assert_allclose(moments.mean, X64.mean(axis=0), rtol=1e-10)
    np.testing.assert_allclose(moments.var, X64.var(axis=0), rtol=1e-8, atol=1e-12)
    assert moments.global_std == pytest.approx(X64.std(), rel=1e-10)
    assert moments.global_mean == pytest.approx(X64.mean(), rel=1e-10)
    # merged over many small blocks: the same numbers
    small = FeatureMoments(0, np.zeros(64), np.zeros(64))
    for start in range(0, len(X), 7):
        small.update(X[start : start + 7])
    np.testing.assert_allclose(small.m2, moments.m2, rtol=1e-9)


@pytest.mark.parametrize("cls", [MAEEmbedder, VAEEmbedder])
def test_streamed_input_scaler_equals_in_memory(cls, library):
    X, mm = library
    kw = {**FAST[cls], "max_epochs": 0}
    a = cls(random_state=0, **kw).fit(X)
    b = cls(random_state=0, **kw).fit(mm)
    scaler_a, scaler_b = a.module_.input_scaler, b.module_.input_scaler
    torch.testing.assert_close(scaler_a.mean, scaler_b.mean, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(scaler_a.scale, scaler_b.scale, rtol=1e-5, atol=1e-6)


def _sources(X, mm, tmp_path):
    yield "memmap", mm
    yield (
        "iterable",
        BatchIterable(lambda: (X[i : i + 50] for i in range(0, len(X), 50))),
    )
    h5py = pytest.importorskip("h5py")
    with h5py.File(tmp_path / "lib.h5", "w") as f:
        f["spectra"] = X
    yield "h5py", h5py.File(tmp_path / "lib.h5", "r")["spectra"]
    zarr = pytest.importorskip("zarr")
    z = zarr.open_array(
        str(tmp_path / "lib.zarr"), mode="w", shape=X.shape, dtype="f4", chunks=(64, 64)
    )
    z[:] = X
    yield "zarr", zarr.open_array(str(tmp_path / "lib.zarr"), mode="r")


@pytest.mark.parametrize("cls", list(FAST))
def test_every_source_streams_to_the_same_model(cls, library, tmp_path):
    X, mm = library
    fitted = {
        name: cls(random_state=0, **FAST[cls]).fit(src)
        for name, src in _sources(X, mm, tmp_path)
    }
    reference = fitted.pop("memmap")
    losses = [row["train_loss"] for row in reference.history_]
    assert losses[-1] < losses[0]  # it trains
    assert reference.training_summary_["n_spectra"] == len(X)
    Z = reference.transform(X[:5])
    assert Z.shape[0] == 5 and np.isfinite(Z).all()
    for name, other in fitted.items():
        assert _same(reference, other), name


def test_streamed_fit_is_deterministic_and_seed_dependent(library):
    X, mm = library
    kw = FAST[MAEEmbedder]
    a = MAEEmbedder(random_state=0, **kw).fit(mm)
    b = MAEEmbedder(random_state=0, **kw).fit(mm)
    c = MAEEmbedder(random_state=1, **kw).fit(mm)
    assert _same(a, b)
    assert not _same(a, c)


def test_grid_embedder_streams_and_takes_any_width(tmp_path):
    X = _library(width=100)
    np.save(tmp_path / "wide.npy", X)
    mm = np.load(tmp_path / "wide.npy", mmap_mode="r")
    emb = MAEEmbedder(random_state=0, grid=64, **FAST[MAEEmbedder]).fit(mm)
    Z = emb.transform(_library(n=4, width=77, seed=3))
    assert Z.shape == (4, emb.get_feature_names_out().shape[0])
    assert np.isfinite(Z).all()


# ------------------------------------------------------------- the batches
def test_batches_are_fresh_every_pass_and_repeat_under_a_seed(library):
    X, mm = library
    source = SpectraSource(mm)
    stream = BatchStream(source, rows_per_batch=32, make_batch=plain_batch)

    def first_batch(seed):
        torch.manual_seed(seed)
        return next(iter(stream))[0]

    assert torch.equal(first_batch(0), first_batch(0))
    assert not torch.equal(first_batch(0), first_batch(1))
    # every spectrum once per pass (the last short batch kept: 300 % 32 = 12)
    torch.manual_seed(0)
    rows = torch.cat([xb for xb, _ in stream])
    assert rows.shape == (len(X), X.shape[1])
    np.testing.assert_array_equal(
        np.sort(rows.numpy(), axis=0), np.sort(np.asarray(X), axis=0)
    )
    assert stream.n_batches(len(X)) == len(list(stream))


def test_transform_recog_draws_new_transformations_each_epoch(library):
    X, _ = library
    emb = TransformRecogEmbedder(random_state=0, **FAST[TransformRecogEmbedder])
    rng = np.random.default_rng(0)
    a, _ = emb._make_training_data(X[:8], rng, reference_std=1.0)
    b, _ = emb._make_training_data(X[:8], rng, reference_std=1.0)
    assert a.shape == b.shape == (8 * (1 + len(emb._transformation_names())), 64)
    assert not np.array_equal(a, b)
    # batch_size pretext rows per step, as in memory
    n_views = 1 + len(emb._transformation_names())
    assert emb._stream_rows_per_batch() * n_views >= emb.batch_size


def test_shuffle_buffer_spans_blocks(tmp_path):
    X = np.arange(3 * BLOCK_ROWS, dtype=np.float32)[:, None] * np.ones((1, 4), "f4")
    np.save(tmp_path / "big.npy", X)
    stream = BatchStream(
        SpectraSource(np.load(tmp_path / "big.npy", mmap_mode="r")),
        rows_per_batch=BLOCK_ROWS // 2,
        make_batch=plain_batch,
    )
    torch.manual_seed(0)
    first = next(iter(stream))[0][:, 0].numpy()
    # the rows of a batch come from anywhere in a block, not in order
    assert not np.all(np.diff(first) == 1)
    assert len(np.unique(first // BLOCK_ROWS)) == 1  # one block at a time here


# ------------------------------------------------------------------ refusals
def test_one_shot_generator_is_refused_naming_the_fix(library):
    X, _ = library
    with pytest.raises(TypeError, match="BatchIterable"):
        MAEEmbedder(**FAST[MAEEmbedder]).fit(b for b in [X[:100], X[100:]])


def test_nan_in_a_later_block_is_refused_naming_the_row(tmp_path):
    X = _library()
    X[257, 3] = np.nan
    np.save(tmp_path / "nan.npy", X)
    with pytest.raises(ValueError, match="row 257"):
        VAEEmbedder(**FAST[VAEEmbedder]).fit(
            np.load(tmp_path / "nan.npy", mmap_mode="r")
        )


def test_batches_of_another_width_are_refused():
    X = _library()
    batches = BatchIterable(lambda: iter([X[:100], X[100:200, :60]]))
    with pytest.raises(ValueError, match="60 points.*64"):
        VAEEmbedder(**FAST[VAEEmbedder]).fit(batches)


def test_non_2d_library_is_refused(tmp_path):
    np.save(tmp_path / "cube.npy", np.zeros((4, 5, 6), "f4"))
    with pytest.raises(ValueError, match="2-D library"):
        VAEEmbedder().fit(np.load(tmp_path / "cube.npy", mmap_mode="r"))


def test_constant_spectra_in_a_stream_warn(tmp_path):
    X = _library()
    X[[10, 200]] = 1.0
    np.save(tmp_path / "c.npy", X)
    with pytest.warns(ConstantSpectraWarning, match=r"2 of 300 .*\[10, 200\]"):
        VAEEmbedder(**{**FAST[VAEEmbedder], "max_epochs": 1}).fit(
            np.load(tmp_path / "c.npy", mmap_mode="r")
        )


def test_groups_with_a_stream_and_converter_streams_are_refused(library):
    X, mm = library
    with pytest.raises(ValueError, match="groups only with in-memory"):
        VAEEmbedder(**FAST[VAEEmbedder]).fit(mm, groups=np.arange(len(X)))
    with pytest.raises(TypeError, match="in-memory spectra only"):
        NIRtoMIRConverter(max_epochs=1).fit(BatchIterable(lambda: iter([X])), X)


# ------------------------------------------------------- checkpoint / resume
# One interpreter start for all the killed runs: the process imports sklspec,
# then forks a child per run before any torch computation (so no thread pool
# is shared), and the child is SIGKILLed in the middle of its fit.
_KILLED_RUNS = textwrap.dedent(
    """
    import json, os, signal, sys
    import numpy as np
    import torch
    from skorch.callbacks import Callback
    import sklspec.embedders as E

    class KillAfter(Callback):
        def __init__(self, epochs):
            self.epochs = epochs

        def on_epoch_end(self, net, **kwargs):
            if len(net.history) == self.epochs:
                os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no flush

    status = []
    for run in json.loads(sys.argv[1]):
        pid = os.fork()
        if pid == 0:
            torch.set_num_threads(run["threads"])  # as the test: equal sums
            kw = run["params"]
            X = np.load(run["X"], mmap_mode="r" if run["stream"] else None)
            kill = [("kill", KillAfter(run["kill_after"]))]
            E.__dict__[run["cls"]](
                checkpoint=run["checkpoint"], callbacks=kill, **kw
            ).fit(X)
            os._exit(0)  # not killed: the parent reports it
        status.append(os.waitpid(pid, 0)[1])
    print(json.dumps([os.WIFSIGNALED(s) and os.WTERMSIG(s) for s in status]))
    """
)

KILLED = [(MAEEmbedder, False), (MAEEmbedder, True), (TransformRecogEmbedder, False)]
KILL_AFTER = 2


def _resume_params(cls):
    return {**FAST[cls], "max_epochs": 5, "random_state": 0}


@pytest.fixture(scope="module")
def killed_runs(tmp_path_factory):
    """The checkpoint folder each case of KILLED left when SIGKILLed."""
    folder = tmp_path_factory.mktemp("killed")
    np.save(folder / "X.npy", _library(n=160))
    runs = [
        dict(
            cls=cls.__name__,
            stream=stream,
            params=_resume_params(cls),
            X=str(folder / "X.npy"),
            checkpoint=str(folder / f"{cls.__name__}-{stream}"),
            kill_after=KILL_AFTER,
            threads=torch.get_num_threads(),
        )
        for cls, stream in KILLED
    ]
    result = subprocess.run(
        [sys.executable, "-c", _KILLED_RUNS, json.dumps(runs)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == [signal.SIGKILL] * len(runs), result.stderr
    return folder


@pytest.mark.parametrize("cls, stream", KILLED)
def test_killed_fit_resumes_to_the_uninterrupted_weights(cls, stream, killed_runs):
    kw = _resume_params(cls)
    checkpoint = killed_runs / f"{cls.__name__}-{stream}"
    history = json.loads((checkpoint / "history.json").read_text())
    assert len(history) == KILL_AFTER
    X = np.load(killed_runs / "X.npy", mmap_mode="r" if stream else None)
    resumed = cls(checkpoint=checkpoint, **kw).fit(X)
    uninterrupted = cls(**kw).fit(X)
    assert len(resumed.history_) == 5
    assert _same(resumed, uninterrupted)
    np.testing.assert_allclose(
        [r["train_loss"] for r in resumed.history_],
        [r["train_loss"] for r in uninterrupted.history_],
        rtol=1e-6,
    )
    # a finished checkpoint is loaded, not trained again
    again = cls(checkpoint=checkpoint, **kw).fit(X)
    assert _same(again, uninterrupted)


def test_checkpoint_of_another_run_is_refused(tmp_path):
    X = _library(n=80)
    kw = {**FAST[VAEEmbedder], "max_epochs": 1}
    VAEEmbedder(random_state=0, checkpoint=tmp_path, **kw).fit(X)
    with pytest.raises(ValueError, match=r"another run.*params\.latent_dim"):
        VAEEmbedder(random_state=0, checkpoint=tmp_path, latent_dim=4, **kw).fit(X)
    with pytest.raises(ValueError, match="n_spectra"):
        VAEEmbedder(random_state=0, checkpoint=tmp_path, **kw).fit(X[:60])


def test_a_longer_run_continues_a_finished_checkpoint(tmp_path):
    X = _library(n=80)
    kw = {**FAST[VAEEmbedder], "random_state": 0}
    VAEEmbedder(checkpoint=tmp_path, **{**kw, "max_epochs": 2}).fit(X)
    longer = VAEEmbedder(checkpoint=tmp_path, **{**kw, "max_epochs": 4}).fit(X)
    straight = VAEEmbedder(**{**kw, "max_epochs": 4}).fit(X)
    assert len(longer.history_) == 4
    assert _same(longer, straight)  # VAE: constant lr, so the same as 4 at once


def test_indexed_memmap_is_an_array_and_converter_loads_a_memmap(library, tmp_path):
    X, mm = library
    # what a cross-validation makes of a memmap joblib handed to a worker: a
    # copy in memory, fitted exactly as the array
    rows = np.arange(0, len(X), 2)
    assert not is_stream(mm[rows])
    kw = FAST[VAEEmbedder]
    a = VAEEmbedder(random_state=0, **kw).fit(mm[rows])
    b = VAEEmbedder(random_state=0, **kw).fit(X[rows])
    assert _same(a, b)
    # the converter trains on pairs in memory: a memmap is loaded, not refused
    conv = dict(max_epochs=2, random_state=0, mir_embedder=VAEEmbedder(**kw))
    Y = X[:, ::2].copy()
    c = NIRtoMIRConverter(**conv).fit(mm, Y)
    d = NIRtoMIRConverter(**conv).fit(X, Y)
    np.testing.assert_array_equal(c.transform(X[:5]), d.transform(X[:5]))


@pytest.mark.parametrize("scale", [1e33, 1e-33, 1e300])
def test_values_beyond_float32_are_refused_in_memory_and_streamed(tmp_path, scale):
    # 1e33 overflowed the MAE's per-spectrum z-score ("training diverged,
    # lower lr"), 1e-33 squared underflows float32 (the VAE's and MAE's
    # losses lose every gradient, and 1e-50 casts to 0.0 outright)
    X = _library().astype(np.float64) * scale
    np.save(tmp_path / "far.npy", X)
    streamed = np.load(tmp_path / "far.npy", mmap_mode="r")
    for cls in (VAEEmbedder, MAEEmbedder):
        with pytest.raises(ValueError, match=r"largest magnitude .*e[+-]3.*Rescale"):
            cls(**FAST[cls]).fit(streamed)
        with pytest.raises(ValueError, match=r"largest magnitude .*e[+-]3.*Rescale"):
            cls(**FAST[cls]).fit(X)


@pytest.mark.parametrize("scale", [1e33, 1e-33, 1e300])
def test_a_grid_embedder_streams_any_finite_magnitude_as_in_memory(tmp_path, scale):
    # The canonical grid rescales every row before the network sees it, so a
    # grid embedder takes spectra beyond the float32 range in memory; the
    # streamed fit takes them too, and learns what it learns at scale 1.
    X = _library().astype(np.float64)
    np.save(tmp_path / "one.npy", X)
    np.save(tmp_path / "far.npy", X * scale)
    kw = dict(random_state=0, grid=32, **FAST[MAEEmbedder])
    MAEEmbedder(**kw).fit(X * scale)  # in memory: accepted
    far = MAEEmbedder(**kw).fit(np.load(tmp_path / "far.npy", mmap_mode="r"))
    one = MAEEmbedder(**kw).fit(np.load(tmp_path / "one.npy", mmap_mode="r"))
    Z_far, Z_one = far.transform(X[:16] * scale), one.transform(X[:16])
    # the network's part alike; offset and scale in input units; range alike
    np.testing.assert_allclose(Z_far[:, :-4], Z_one[:, :-4], rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(Z_far[:, -4:-2], Z_one[:, -4:-2] * scale, rtol=1e-5)
    np.testing.assert_array_equal(Z_far[:, -2:], Z_one[:, -2:])


def test_values_inside_the_float32_range_embed_apart():
    X = _library()[:64].astype(np.float64)
    for scale, beyond in [(1e-28, 1e-5), (1e28, 1e5)]:
        vae = VAEEmbedder(**FAST[VAEEmbedder], random_state=0).fit(X * scale)
        Z = vae.transform(X * scale)
        assert np.isfinite(Z).all()
        assert np.ptp(Z, axis=0).max() > 1e-3  # the spectra are told apart
        with pytest.raises(ValueError, match="largest magnitude"):
            vae.transform(X * scale * beyond)


# ---------------------------------------------------------------- transform
@pytest.mark.parametrize(
    "make",
    [
        lambda: VAEEmbedder(random_state=0, **FAST[VAEEmbedder]),
        lambda: MAEEmbedder(random_state=0, grid=32, **FAST[MAEEmbedder]),
    ],
    ids=["vae", "mae-grid"],
)
def test_transform_embeds_an_on_disk_library_block_by_block(
    make, tmp_path, monkeypatch
):
    import sklspec.embedders._base as base

    X = _library(n=250)
    np.save(tmp_path / "lib.npy", X)
    mm = np.load(tmp_path / "lib.npy", mmap_mode="r")
    emb = make().fit(X[:100])
    expected = emb.transform(X)
    seen = []
    embed_checked = type(emb)._embed_checked
    monkeypatch.setattr(base, "BLOCK_ROWS", 64)  # 250 rows: 4 blocks
    monkeypatch.setattr(
        type(emb),
        "_embed_checked",
        lambda self, B: seen.append(type(B)) or embed_checked(self, B),
    )
    Z = emb.transform(mm)
    assert len(seen) == 4 and all(t is np.ndarray for t in seen)
    assert Z.dtype == expected.dtype and Z.shape == expected.shape
    np.testing.assert_allclose(Z, expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="0 sample"):  # as an empty array is
        emb.transform(np.load(tmp_path / "lib.npy", mmap_mode="r")[:0])
    np.save(tmp_path / "cube.npy", np.zeros((3, 4, 5), np.float32))
    with pytest.raises(ValueError, match="2-D library"):
        emb.transform(np.load(tmp_path / "cube.npy", mmap_mode="r"))


@pytest.mark.parametrize(
    "make",
    [
        lambda: VAEEmbedder(random_state=0, **FAST[VAEEmbedder]),
        lambda: MAEEmbedder(random_state=0, grid=32, **FAST[MAEEmbedder]),
    ],
    ids=["vae", "mae-grid"],
)
def test_transform_and_fit_transform_take_an_iterable_of_batches(make):
    # fit streams an iterable of batches: transform (and so fit_transform
    # and a Pipeline) take one too, a generator included (read once)
    X = _library(n=250)
    emb = make().fit(X[:100])
    expected = emb.transform(X)
    for batches in (
        BatchIterable(lambda: (X[i : i + 64] for i in range(0, len(X), 64))),
        (X[i : i + 100] for i in range(0, len(X), 100)),
        iter([X[:0], X[:7], X[7:]]),  # an empty batch adds nothing
    ):
        Z = emb.transform(batches)
        assert Z.dtype == np.float32 and Z.shape == expected.shape
        np.testing.assert_allclose(Z, expected, rtol=1e-5, atol=1e-6)
    Z64 = emb.transform(b.astype(np.float64) for b in (X[:50], X[50:]))
    assert Z64.dtype == np.float64
    library = BatchIterable(lambda: (X[i : i + 50] for i in range(0, len(X), 50)))
    streamed = make().fit(library)
    np.testing.assert_array_equal(make().fit_transform(library), streamed.transform(X))
    with pytest.raises(ValueError, match="yielded no spectra"):
        emb.transform(iter([]))


def test_streamed_transform_names_the_rows_of_a_bad_block(tmp_path, monkeypatch):
    import sklspec.embedders._base as base

    X = _library(n=250)
    emb = VAEEmbedder(random_state=0, **FAST[VAEEmbedder]).fit(X[:100])
    bad = X.copy()
    bad[130, 5] = np.nan
    with pytest.raises(ValueError, match=r"block from row 100 .*NaN"):
        emb.transform(bad[i : i + 50] for i in range(0, 250, 50))
    np.save(tmp_path / "bad.npy", bad)
    monkeypatch.setattr(base, "BLOCK_ROWS", 64)
    with pytest.raises(ValueError, match=r"block from row 128 .*NaN"):
        emb.transform(np.load(tmp_path / "bad.npy", mmap_mode="r"))
    with pytest.raises(ValueError, match=r"block from row 50 .*64 features"):
        emb.transform(iter([X[:50], X[50:60, :40]]))


def test_streamed_transform_warns_once_with_library_row_numbers(tmp_path, monkeypatch):
    # each block used to warn on its own, numbering rows within the block
    import sklspec.embedders._base as base

    X = _library(n=250)
    emb = VAEEmbedder(random_state=0, **FAST[VAEEmbedder]).fit(X[:100])
    flat = X.copy()
    flat[[3, 70, 200]] = 1.0
    np.save(tmp_path / "flat.npy", flat)
    monkeypatch.setattr(base, "BLOCK_ROWS", 64)
    sources = {
        "memmap": np.load(tmp_path / "flat.npy", mmap_mode="r"),
        "batches": (flat[i : i + 64] for i in range(0, 250, 64)),
    }
    for source in sources.values():
        with pytest.warns(ConstantSpectraWarning) as record:
            emb.transform(source)
        assert len(record) == 1
        assert "3 of 250 spectra" in str(record[0].message)
        assert "rows [3, 70, 200]" in str(record[0].message)
