"""Shipped encoders, streaming pretraining on the prior, the grid in embedders."""

import json
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from sklspec.cli import main
from sklspec.embedders import MAEEmbedder, TransformRecogEmbedder, load_pretrained
from sklspec.preprocessing import CanonicalGrid
from sklspec.pretrained import (
    OBJECTIVES,
    list_pretrained,
    pretrain,
    pretrained_path,
    write_model_card,
)

TINY = dict(n_passes=700, batch_size=8, n_points=32, channels=(4, 8), verbose=0)


def curves(n, width, seed=0, lo=1100.0, hi=2500.0):
    rng = np.random.default_rng(seed)
    w = np.linspace(lo, hi, width)
    centres = rng.uniform(lo, hi, size=(n, 1))
    return 1.0 + rng.uniform(0.5, 2, (n, 1)) * np.exp(-(((w - centres) / 150) ** 2)), w


# ---------------------------------------------------------------- pretrain
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_pretrain_each_objective(objective):
    enc = pretrain(objective, **TINY)
    expected = TransformRecogEmbedder if objective != "mae" else MAEEmbedder
    assert type(enc) is expected
    s = enc.training_summary_
    assert s["objective"] == objective and s["passes"] > 0
    assert np.isfinite(s["final_loss"])
    X, _ = curves(5, 77)
    Z = enc.transform(X)
    assert Z.shape == (5, enc._n_features_out) and np.isfinite(Z).all()


def test_pretrain_is_seeded_and_refuses_unknown():
    a = pretrain("transform", random_state=3, **TINY)
    b = pretrain("transform", random_state=3, **TINY)
    c = pretrain("transform", random_state=4, **TINY)
    X, _ = curves(4, 50)
    np.testing.assert_array_equal(a.transform(X), b.transform(X))
    assert not np.allclose(a.transform(X), c.transform(X))
    with pytest.raises(ValueError, match="Unknown objective 'vicreg'.*hybrid"):
        pretrain("vicreg", **TINY)


@pytest.fixture
def default_sigint():
    """Python's own SIGINT handler (KeyboardInterrupt) during the test: a
    pytest started in the background of a shell without job control
    inherits SIGINT ignored, which a fit rightly leaves alone."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _sigint_at(monkeypatch, n_batch):
    """Make the `n_batch`-th prepared batch of pretrain send this process a
    real Ctrl-C (SIGINT)."""
    import os
    import signal

    import sklspec.pretrained._pretrain as P

    real, calls = P._prepare, []

    def prepare(objective, batch):
        calls.append(1)
        if len(calls) == n_batch:
            os.kill(os.getpid(), signal.SIGINT)
        return real(objective, batch)

    monkeypatch.setattr(P, "_prepare", prepare)


def test_pretrain_resume_matches_uninterrupted(tmp_path, monkeypatch, default_sigint):
    full = pretrain("hybrid", **TINY)  # 9 steps
    ckpt = tmp_path / "run"
    with monkeypatch.context() as m:
        _sigint_at(m, 6)  # during step 5, in the third epoch of 2 steps
        with pytest.raises(KeyboardInterrupt, match="interrupted.*resume=True"):
            pretrain("hybrid", checkpoint=ckpt, checkpoint_every=2, **TINY)
    saved = json.loads((ckpt / "history.json").read_text())
    assert [row["step"] for row in saved] == [2, 4]  # the completed epochs
    with pytest.raises(ValueError, match="resume=True"):
        pretrain("hybrid", checkpoint=ckpt, checkpoint_every=2, **TINY)
    again = pretrain("hybrid", checkpoint=ckpt, checkpoint_every=2, resume=True, **TINY)
    for a, b in zip(
        full.module_.state_dict().values(), again.module_.state_dict().values()
    ):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert again.training_summary_["passes"] == full.training_summary_["passes"]
    assert [row["step"] for row in again.history_] == [2, 4, 6, 8, 9]
    # a finished checkpoint is only loaded
    done = pretrain("hybrid", checkpoint=ckpt, checkpoint_every=2, resume=True, **TINY)
    X, _ = curves(3, 40)
    np.testing.assert_array_equal(done.transform(X), full.transform(X))


def test_pretrain_refuses_a_file_checkpoint(tmp_path):
    old = tmp_path / "checkpoint.pt"  # sklspec 0.1's single file
    old.write_bytes(b"x")
    with pytest.raises(ValueError, match="must be a directory.*is a file"):
        pretrain("mae", checkpoint=old, resume=True, **TINY)
    # the embedders share the check (it is train_module's)
    with pytest.raises(ValueError, match="must be a directory.*is a file"):
        MAEEmbedder(max_epochs=1, checkpoint=old).fit(curves(8, 64)[0])


def test_pretrain_stops_at_the_first_non_finite_loss(monkeypatch):
    import sklspec.pretrained._pretrain as P

    real, calls = P._prepare, []

    def prepare(objective, batch):
        calls.append(1)
        out = real(objective, batch)
        if len(calls) == 3:
            out["x"] = np.full_like(out["x"], np.nan)
        return out

    monkeypatch.setattr(P, "_prepare", prepare)
    with pytest.raises(FloatingPointError, match="non-finite loss.*lower lr"):
        pretrain("mae", checkpoint_every=100, **TINY)
    assert len(calls) == 3  # not the other steps of the epoch


def _sigint_in_forward(monkeypatch, n_call):
    """Make the `n_call`-th forward pass of the MAE send this process a real
    Ctrl-C (SIGINT); returns the list that counts the passes."""
    import os
    import signal

    from sklspec.nn import MaskedAutoencoder1d

    real, calls = MaskedAutoencoder1d.forward, []

    def forward(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == n_call:
            os.kill(os.getpid(), signal.SIGINT)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(MaskedAutoencoder1d, "forward", forward)
    return calls


def test_ctrl_c_in_an_embedder_fit_raises_instead_of_returning(
    monkeypatch, default_sigint
):
    calls = _sigint_in_forward(monkeypatch, 2)
    X, _ = curves(40, 64)
    emb = MAEEmbedder(max_epochs=5, batch_size=8, random_state=0)
    with pytest.raises(KeyboardInterrupt, match="checkpoint=<directory>"):
        emb.fit(X)
    assert len(calls) == 2  # stopped there, not at the end
    assert not hasattr(emb, "module_")  # nothing half-trained kept


def test_an_ignored_sigint_leaves_the_fit_alone(monkeypatch):
    # a process that ignores SIGINT (nohup, a background job) trains on
    import signal

    calls = _sigint_in_forward(monkeypatch, 2)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        X, _ = curves(40, 64)
        emb = MAEEmbedder(max_epochs=2, batch_size=8, random_state=0).fit(X)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert len(emb.history_) == 2 and len(calls) == 10


def test_pretrain_history_keeps_no_batches():
    enc = pretrain("mae", checkpoint_every=10, **dict(TINY, n_passes=400))
    # one row per epoch of 10 steps, numbers only: memory stays flat
    assert [h["step"] for h in enc.history_] == [10, 20, 30, 40, 50]
    assert [h["passes"] for h in enc.history_] == [80, 160, 240, 320, 400]
    assert all(
        set(h)
        == {
            "epoch",
            "step",
            "passes",
            "train_batch_count",
            "dur",
            "train_loss",
            "train_loss_best",
        }
        for h in enc.history_
    )


# ------------------------------------------------------- grid in embedders
def test_grid_embedder_any_width_and_axis():
    X, w = curves(30, 300)
    emb = TransformRecogEmbedder(
        grid=32, channels=(4, 8), layer=2, max_epochs=1, random_state=0
    )
    emb.fit(X)
    Z = emb.transform(X)
    assert Z.shape == (30, emb._n_features_out)
    # the same curves on a denser axis embed (almost) alike
    X2, _ = curves(30, 900)
    Z2 = emb.transform(X2)
    assert Z2.shape == Z.shape
    assert np.abs(Z2[:, :-4] - Z[:, :-4]).max() < 0.05 * np.abs(Z[:, :-4]).max() + 0.05
    # the side information: offset and scale of each spectrum, then the range
    stats = CanonicalGrid(n_points=32).fit(X).transform_stats(X)
    np.testing.assert_allclose(Z[:, -4:], stats, rtol=1e-6)


def test_grid_embedder_refusals_and_warning():
    pd = pytest.importorskip("pandas")
    X, w = curves(20, 200)
    grid = CanonicalGrid(n_points=32, unit="nm", expected_range=(1100, 2500))
    emb = TransformRecogEmbedder(
        grid=grid, channels=(4, 8), layer=2, max_epochs=1, random_state=0
    )
    emb.fit(pd.DataFrame(X, columns=[f"{v:.3f}" for v in w]))
    with pytest.raises(ValueError, match="fewer than min_points"):
        emb.transform(X[:, :5])
    part = w < 2000
    with pytest.warns(UserWarning, match="covers 64% of expected_range"):
        emb.transform(pd.DataFrame(X[:, part], columns=[f"{v:.3f}" for v in w[part]]))
    tiny = w < 1300
    with pytest.raises(ValueError, match="less than min_coverage"):
        emb.transform(pd.DataFrame(X[:, tiny], columns=[f"{v:.3f}" for v in w[tiny]]))
    with pytest.raises(ValueError, match="NaN"):
        emb.transform(np.where(X > 1.5, np.nan, X))
    with pytest.raises(ValueError, match="grid. parameter"):
        TransformRecogEmbedder(grid=2.5).fit(X)


def test_grid_embedder_round_trips(tmp_path):
    X, w = curves(20, 120)
    emb = MAEEmbedder(grid=CanonicalGrid(n_points=32), max_epochs=1, random_state=0)
    emb.fit(X)
    emb.save_pretrained(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    assert config["n_features_in"] == 32 and config["params"]["grid"]["n_points"] == 32
    back = MAEEmbedder.from_pretrained(tmp_path / "m")
    np.testing.assert_allclose(
        back.transform(X[:, ::3]), emb.transform(X[:, ::3]), atol=1e-6
    )


# --------------------------------------------------------- shipped weights
def test_shipped_encoder_loads_offline_and_embeds_any_spectrum():
    assert "sklspec-base" in list_pretrained()
    enc = load_pretrained("sklspec-base")
    assert enc.max_epochs == 0 and enc.weights == "sklspec-base"
    same = MAEEmbedder.from_pretrained("sklspec-base")
    X, _ = curves(6, 404)
    Z = enc.transform(X)
    np.testing.assert_array_equal(Z, same.transform(X))
    assert enc.transform(X[:, ::2]).shape == Z.shape == (6, enc._n_features_out)
    assert np.isfinite(Z).all()
    # in a pipeline, cloned, pickled
    import pickle

    pipe = make_pipeline(clone(enc))
    pipe.fit(X)
    np.testing.assert_allclose(pickle.loads(pickle.dumps(pipe)).transform(X), Z)
    card = (pretrained_path("sklspec-base") / "MODEL_CARD.md").read_text()
    for words in ("Objective", "Expected input", "Compute", "Licence", "synthetic"):
        assert words in card


def test_shipped_encoder_continues_pretraining():
    X, _ = curves(40, 150)
    enc = load_pretrained("sklspec-base")
    before = enc.transform(X)
    more = clone(enc).set_params(max_epochs=1, random_state=0).fit(X)
    assert more.training_summary_["initial_weights"] == "sklspec-base"
    after = more.transform(X)
    assert after.shape == before.shape and not np.allclose(after, before)


def test_unknown_shipped_name_is_refused():
    with pytest.raises(
        FileNotFoundError, match="name of a shipped encoder.*sklspec-base"
    ):
        load_pretrained("sklspec-bsae")
    with pytest.raises(ValueError, match="belong to a MAEEmbedder"):
        TransformRecogEmbedder(weights="sklspec-base").fit(curves(5, 64)[0])
    with pytest.raises(ValueError, match="architecture of the weights"):
        MAEEmbedder(weights="sklspec-base").fit(curves(5, 64)[0])


def test_zoo_lists_the_shipped_encoder():
    from sklspec.zoo import get_model, list_models

    assert "sklspec-base" in list_models("classification")
    pipe, grid = get_model("sklspec-base", "classification")
    X, _ = curves(30, 100)
    y = np.repeat([0, 1], 15)
    assert pipe.fit(X, y).score(X, y) > 0.5 and "model__C" in grid


# ------------------------------------------------------------------- CLI
def test_cli_pretrain_checkpoints_and_resumes(tmp_path, capsys):
    out = tmp_path / "enc"
    args = [
        "pretrain",
        "--objective",
        "mae",
        "--passes",
        "300",
        "--batch-size",
        "8",
        "--n-points",
        "32",
        "--output",
        str(out),
        "--quiet",
        "--checkpoint-every",
        "5",
    ]
    assert main(args) == 0
    assert (out / "checkpoint" / "history.json").is_file() and (
        out / "MODEL_CARD.md"
    ).is_file()
    enc = load_pretrained(out)
    assert enc.training_summary_["objective"] == "mae"
    assert main(args) == 2
    assert "--resume" in capsys.readouterr().err
    assert main([*args, "--resume"]) == 0


def test_model_card_is_written_from_config(tmp_path):
    enc = pretrain("transform", **TINY)
    enc.save_pretrained(tmp_path / "e")
    card = write_model_card(
        tmp_path / "e", name="tiny", results="| a | b |"
    ).read_text()
    assert "# Model card: tiny" in card and "| a | b |" in card
    assert f"{enc.training_summary_['passes']:,} spectrum passes" in card
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_pretrained(tmp_path / "e")


@pytest.mark.slow
def test_wheel_ships_the_weights(tmp_path):
    # `pip install .` installs what the wheel holds: the weights must be in it
    import subprocess
    import sys
    import zipfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    if not (root / "pyproject.toml").is_file():
        pytest.skip("not a source checkout")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(root),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("sklspec-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ("config.json", "model.safetensors", "MODEL_CARD.md"):
        assert f"sklspec/pretrained/weights/sklspec-base/{f}" in names


def test_pretrain_mixes_real_spectra_as_a_minority_stream(monkeypatch):
    import sklspec.pretrained._pretrain as P

    real = np.full((10, 32), 7.0, dtype=np.float32)  # recognisable rows
    monkeypatch.setattr(P, "load_real_spectra", lambda s, n_points: (real, {"x": 10}))
    seen = []
    real_prepare = P._prepare

    def spy(objective, batch):
        seen.append(batch["X"])
        return real_prepare(objective, batch)

    monkeypatch.setattr(P, "_prepare", spy)
    enc = pretrain("mae", real_spectra=["x"], real_fraction=0.25, **TINY)
    X0 = seen[0]
    assert (X0 == 7.0).all(axis=1).sum() == 2  # 0.25 x 8
    assert enc.training_summary_["real_spectra"] == {
        "sources": {"x": 10},
        "fraction": 0.25,
        "per_step": 2,
    }
    with pytest.raises(ValueError, match="real_fraction"):
        pretrain("mae", real_spectra=["x"], real_fraction=1.5, **TINY)


def test_real_sources_load_onto_the_grid():
    pytest.importorskip("chemotools")
    from sklspec.pretrained._pretrain import load_real_spectra

    X, counts = load_real_spectra(("chemotools",), n_points=64)
    assert X.shape == (counts["chemotools"], 64) and counts["chemotools"] > 1000
    np.testing.assert_allclose(X.mean(axis=1), 0, atol=1e-4)
    with pytest.raises(ValueError, match="Unknown real-spectra source"):
        load_real_spectra(("ossl",))


def test_grid_embedder_names_its_statistics_columns():
    from sklspec.embedders import load_pretrained

    emb = load_pretrained("sklspec-base")
    names = emb.get_feature_names_out()
    assert list(names[-4:]) == ["offset", "scale", "range_start", "range_stop"]
    assert names[0] == "maeembedder0" and len(set(names)) == len(names)
    X = np.random.default_rng(0).normal(size=(5, 120)).cumsum(axis=1)
    assert emb.transform(X).shape[1] == len(names)
