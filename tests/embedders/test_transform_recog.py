"""Tests of the embedder base contract through TransformRecogEmbedder."""

import json
import pickle

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline

from sklspec.embedders import TransformRecogEmbedder, load_pretrained, read_config
from tests._helpers import check_seeded_and_global_rng_untouched, gaussian_peaks

pd = pytest.importorskip("pandas")

TINY = dict(channels=(4, 8, 8), hidden=(8, 8), max_epochs=2, batch_size=64)


@pytest.fixture(scope="module")
def data():
    X, centers = gaussian_peaks(60)
    y = (centers > 0.5).astype(int)
    return X, y


@pytest.fixture(scope="module")
def fitted(data):
    X, _ = data
    return TransformRecogEmbedder(**TINY, random_state=0).fit(X)


def test_shapes_per_layer_and_pooling(data):
    X, _ = data
    for layer, pooling, width in [
        (1, "avg", 4),
        (2, "max", 8),
        (3, "avgmax", 16),
        (3, "flatten", 8 * (48 // 8)),
        (1, "flatten", 4 * 24),
    ]:
        emb = TransformRecogEmbedder(
            **{**TINY, "max_epochs": 0}, layer=layer, pooling=pooling, random_state=0
        ).fit(X)
        Z = emb.transform(X)
        assert Z.shape == (60, width)
        assert emb.get_feature_names_out().shape == (width,)


def test_history_and_training_summary(fitted):
    assert len(fitted.history_) == 2
    assert all(np.isfinite(r["train_loss"]) for r in fitted.history_)
    assert fitted.training_summary_["n_spectra"] == 60
    assert fitted.task_names_[0] == "original"
    assert len(fitted.task_names_) == 7


def test_training_lowers_the_pretext_loss(data):
    X, _ = data
    emb = TransformRecogEmbedder(
        channels=(8, 8, 8), hidden=(16,), max_epochs=15, lr=3e-3, random_state=0
    ).fit(X)
    losses = [r["train_loss"] for r in emb.history_]
    assert losses[-1] < 0.8 * losses[0]
    report = emb.recognition_report(X)
    assert set(report) == {*emb.task_names_, "overall"}
    # Reversal along the wavelength axis and sign flip are easy to see.
    assert report["flip_vertical"]["accuracy"] > 0.8
    assert report["overall"]["accuracy"] > 0.75


def test_seeded_reproducibility_and_global_rng_untouched(data):
    X, _ = data
    check_seeded_and_global_rng_untouched(
        lambda seed: TransformRecogEmbedder(**TINY, random_state=seed), X
    )


def test_transform_is_batch_invariant_and_dtype_preserving(fitted, data):
    X, _ = data
    Z = fitted.transform(X)
    Z_small = clone(fitted).set_params(batch_size=7)
    Z_small.__dict__.update({k: v for k, v in fitted.__dict__.items() if k[-1] == "_"})
    np.testing.assert_allclose(Z_small.transform(X), Z, rtol=1e-5, atol=1e-6)
    assert Z.dtype == np.float64
    assert fitted.transform(X.astype(np.float32)).dtype == np.float32


def test_save_load_bit_identical(fitted, data, tmp_path):
    X, _ = data
    path = fitted.save_pretrained(tmp_path / "emb")
    config = json.loads((path / "config.json").read_text())
    assert config["class"] == "TransformRecogEmbedder"
    assert config["n_features_in"] == 48
    assert config["params"]["channels"] == [4, 8, 8]
    assert len(config["weights_sha256"]) == 64
    loaded = TransformRecogEmbedder.from_pretrained(path)
    np.testing.assert_array_equal(loaded.transform(X), fitted.transform(X))
    any_class = load_pretrained(path)
    assert isinstance(any_class, TransformRecogEmbedder)
    # clone + fit with weights=path and max_epochs=0 reloads the same weights
    refit = clone(loaded).fit(X)
    np.testing.assert_array_equal(refit.transform(X), fitted.transform(X))
    assert read_config(path)["training"]["epochs"] == 2


def test_continue_training_from_weights(fitted, data, tmp_path):
    X, _ = data
    path = fitted.save_pretrained(tmp_path / "emb")
    more = TransformRecogEmbedder(**TINY, weights=str(path), random_state=0).fit(X)
    assert more.training_summary_["initial_weights"] == str(path)
    assert not np.allclose(more.transform(X), fitted.transform(X))


def test_corrupted_weights_are_refused(fitted, tmp_path):
    path = fitted.save_pretrained(tmp_path / "emb")
    raw = bytearray((path / "model.safetensors").read_bytes())
    raw[-100] ^= 0xFF
    (path / "model.safetensors").write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="corrupted or was modified"):
        TransformRecogEmbedder.from_pretrained(path)


def test_missing_and_foreign_files_are_refused(tmp_path, fitted, data):
    X, _ = data
    with pytest.raises(FileNotFoundError, match="save_pretrained"):
        TransformRecogEmbedder.from_pretrained(tmp_path / "nowhere")
    path = fitted.save_pretrained(tmp_path / "emb")
    (path / "config.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        TransformRecogEmbedder(weights=str(path), max_epochs=0).fit(X)


def test_width_mismatch_is_refused(fitted, data, tmp_path):
    X, _ = data
    path = fitted.save_pretrained(tmp_path / "emb")
    with pytest.raises(ValueError, match="48 points but X has 40"):
        TransformRecogEmbedder(**{**TINY, "max_epochs": 0}, weights=str(path)).fit(
            X[:, :40]
        )
    with pytest.raises(ValueError, match="features"):
        fitted.transform(X[:, :40])


def test_architecture_mismatch_is_refused(fitted, data, tmp_path):
    X, _ = data
    path = fitted.save_pretrained(tmp_path / "emb")
    with pytest.raises(ValueError, match="architecture"):
        TransformRecogEmbedder(weights=str(path), max_epochs=0).fit(X)


def test_wavelength_axis_is_checked(data, tmp_path):
    X, _ = data
    wl = np.linspace(1100, 2500, 48)
    frame = pd.DataFrame(X, columns=[f"{w:.1f}" for w in wl])
    emb = TransformRecogEmbedder(**TINY, random_state=0).fit(frame)
    np.testing.assert_allclose(emb.wavelengths_in_, np.round(wl, 1))
    other = pd.DataFrame(X, columns=[f"{w:.1f}" for w in wl + 10])
    with pytest.raises(ValueError, match="wavelength axis"):
        emb.transform(other)
    path = emb.save_pretrained(tmp_path / "emb")
    assert read_config(path)["wavelengths"][0] == pytest.approx(1100.0)
    with pytest.raises(ValueError, match="wavelength axis"):
        TransformRecogEmbedder(**{**TINY, "max_epochs": 0}, weights=str(path)).fit(
            other
        )
    loaded = TransformRecogEmbedder.from_pretrained(path)
    np.testing.assert_array_equal(loaded.transform(frame), emb.transform(frame))


def test_set_output_pandas(fitted, data):
    X, _ = data
    est = clone(fitted).set_params(max_epochs=1).set_output(transform="pandas")
    out = est.fit(X).transform(X)
    assert list(out.columns)[:2] == [
        "transformrecogembedder0",
        "transformrecogembedder1",
    ]


def test_pickle_joblib_frozen_pipeline(fitted, data, tmp_path):
    X, y = data
    Z = fitted.transform(X)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(fitted)).transform(X), Z)
    joblib.dump(fitted, tmp_path / "e.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "e.joblib").transform(X), Z)
    pipe = Pipeline(
        [("embed", FrozenEstimator(fitted)), ("clf", LogisticRegression())]
    ).fit(X, y)
    np.testing.assert_array_equal(fitted.transform(X), Z)  # not refitted
    assert pipe.score(X, y) > 0.5


def test_gridsearch_over_embedder_params(data):
    X, y = data

    def pipe(**params):
        return Pipeline(
            [
                ("embed", TransformRecogEmbedder(**TINY, **params, random_state=0)),
                ("clf", LogisticRegression(max_iter=500)),
            ]
        )

    lrs = [1e-2, 1e-4]
    search = GridSearchCV(
        pipe(), {"embed__lr": lrs}, cv=2, scoring="neg_log_loss", refit=False
    )
    scores = search.fit(X, y).cv_results_["mean_test_score"]
    assert scores[0] != scores[1]
    # the non-default candidate scores exactly like a pipeline built directly
    # with it: the nested parameter and the seed both reach the network
    direct = cross_val_score(pipe(lr=1e-2), X, y, cv=2, scoring="neg_log_loss")
    assert scores[0] == pytest.approx(direct.mean(), rel=1e-12)


def test_bad_input_messages(data):
    X, _ = data
    # NaN, 1-D and wrong-width inputs: tests/test_common.py (sklearn's checks)
    with pytest.raises(ValueError, match="Unknown transformations"):
        TransformRecogEmbedder(**TINY, transformations=("blur",)).fit(X)
    with pytest.raises(ValueError, match="torch device"):
        TransformRecogEmbedder(**TINY, device="gpu0").fit(X)


def test_verbose_shows_a_progress_bar_and_epoch_lines(data, capsys):
    X, _ = data
    TransformRecogEmbedder(**TINY, verbose=1, random_state=0).fit(X)
    captured = capsys.readouterr()
    # verbose=1: one tqdm bar over the epochs with the loss (and the ETA)
    assert f"{TINY['max_epochs']}/{TINY['max_epochs']}" in captured.err
    assert "epoch" in captured.err and "train_loss=" in captured.err
    assert "dur" not in captured.out
    TransformRecogEmbedder(**TINY, verbose=2, random_state=0).fit(X)
    out = capsys.readouterr().out
    assert "epoch" in out and "train_loss" in out and "dur" in out


def test_transform_batches_and_does_not_depend_on_them(data, fitted):
    """transform embeds _embed_rows spectra a batch (whatever batch_size);
    the embedding is the same for any batching."""
    X, _ = data
    assert fitted._embed_batch_size() == TransformRecogEmbedder._embed_rows
    emb = clone(fitted).set_params(batch_size=32).fit(X)
    assert emb._embed_batch_size() == TransformRecogEmbedder._embed_rows
    Z = emb.transform(X)
    emb._embed_rows = 7  # 9 batches
    np.testing.assert_allclose(emb.transform(X), Z, rtol=1e-5, atol=1e-6)
