"""Tests of MAEEmbedder (masked autoencoders for spectra: MAX, SMAE)."""

import json

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline

from sklspec.embedders import load_pretrained, read_config
from sklspec.embedders._mae import MAE_PRESETS, MAEEmbedder, _WarmupCosine
from sklspec.finetune import FineTunedRegressor
from sklspec.nn._mae import MAEEncoder, MaskedAutoencoder1d
from tests._helpers import TINY_MAE

TINY = dict(**TINY_MAE, max_epochs=2, batch_size=16)


def _peaks(n, rng, width=64, noise=0.05):
    grid = np.linspace(0, 1, width)
    centers = rng.uniform(0.3, 0.7, size=(n, 1))
    clean = np.exp(-((grid - centers) ** 2) / (2 * 0.1**2))
    return clean + noise * rng.normal(size=clean.shape), clean, centers[:, 0]


@pytest.fixture(scope="module")
def data():
    X, _, c = _peaks(40, np.random.default_rng(0))
    return X, c


@pytest.fixture(scope="module")
def fitted(data):
    X, _ = data
    return MAEEmbedder(**TINY, random_state=0).fit(X)


def test_shapes_and_pooling(fitted, data):
    X, _ = data
    Z = fitted.transform(X)
    assert Z.shape == (40, 16) and Z.dtype == np.float64
    assert fitted.transform(X.astype(np.float32)).dtype == np.float32
    assert fitted.get_feature_names_out().shape == (16,)
    mean = clone(fitted).set_params(pooling="mean")
    mean.__dict__.update({k: v for k, v in fitted.__dict__.items() if k[-1] == "_"})
    assert not np.allclose(mean.transform(X), Z)
    assert len(fitted.history_) == 2
    assert fitted.architecture_["patch_size"] == 8
    assert isinstance(fitted.module_, MaskedAutoencoder1d)


def test_widths_not_a_multiple_of_the_patch_and_narrow_spectra(data):
    X, _ = data
    for width in (60, 3, 1):
        emb = MAEEmbedder(**{**TINY, "max_epochs": 1}, random_state=0).fit(X[:, :width])
        assert emb.module_.n_patches == int(np.ceil(width / 8))
        assert emb.transform(X[:, :width]).shape == (40, 16)
        assert emb.reconstruct(X[:, :width], n_repeats=2).shape == (40, width)
        assert np.isfinite(emb.history_[0]["train_loss"])


def test_seeded_reproducibility_and_global_rng_untouched(data):
    X, _ = data
    state = torch.random.get_rng_state()
    a = MAEEmbedder(**TINY, random_state=3).fit(X)
    b = MAEEmbedder(**TINY, random_state=3).fit(X)
    c = MAEEmbedder(**TINY, random_state=4).fit(X)
    assert torch.equal(state, torch.random.get_rng_state())
    np.testing.assert_array_equal(a.transform(X), b.transform(X))
    np.testing.assert_array_equal(a.reconstruct(X), b.reconstruct(X))
    assert not np.allclose(a.transform(X), c.transform(X))


def test_save_load_bit_identical(fitted, data, tmp_path):
    X, _ = data
    path = fitted.save_pretrained(tmp_path / "mae")
    config = json.loads((path / "config.json").read_text())
    assert config["class"] == "MAEEmbedder"
    assert config["params"]["patch_size"] == 8
    assert config["params"]["normalize"] == "spectrum"
    loaded = MAEEmbedder.from_pretrained(path)
    np.testing.assert_array_equal(loaded.transform(X), fitted.transform(X))
    np.testing.assert_array_equal(loaded.reconstruct(X), fitted.reconstruct(X))
    assert loaded.architecture_ == fitted.architecture_
    assert isinstance(load_pretrained(path), MAEEmbedder)
    refit = clone(loaded).fit(X)
    np.testing.assert_array_equal(refit.transform(X), fitted.transform(X))
    assert read_config(path)["training"]["epochs"] == 2
    with pytest.raises(ValueError, match="architecture"):
        MAEEmbedder(
            **{**TINY, "embed_dim": 32, "max_epochs": 0}, weights=str(path)
        ).fit(X)


def test_global_normalisation_is_saved(data, tmp_path):
    X, _ = data
    emb = MAEEmbedder(**TINY, normalize="global", random_state=0).fit(X * 10 + 3)
    scaler = emb.module_.encoder.scaler
    assert float(scaler.mean) == pytest.approx(np.mean(X * 10 + 3), rel=1e-5)
    loaded = MAEEmbedder.from_pretrained(emb.save_pretrained(tmp_path / "g"))
    np.testing.assert_array_equal(loaded.transform(X), emb.transform(X))


def test_reconstruct_reduces_noise_after_short_training():
    rng = np.random.default_rng(1)
    # 120 spectra (4 steps an epoch): every seed 0-5 reaches an error ratio
    # of 0.24-0.38; with 60 spectra one seed in six stayed above 0.8
    X, clean, _ = _peaks(120, rng, noise=0.2)
    emb = MAEEmbedder(
        **{
            **TINY,
            "embed_dim": 32,
            "decoder_dim": 32,
            "batch_size": 32,
            "max_epochs": 60,
        },
        lr=3e-3,
        warmup_epochs=2,
        random_state=0,
    ).fit(X)
    R = emb.reconstruct(X, n_repeats=8)
    assert R.shape == X.shape and R.dtype == X.dtype
    assert np.mean((R - clean) ** 2) < 0.6 * np.mean((X - clean) ** 2)
    # the masks are shared by the spectra: the result of one spectrum does not
    # depend on the others
    np.testing.assert_allclose(emb.reconstruct(X[:5]), R[:5], atol=1e-5)
    # out-of-distribution spectra (dips instead of peaks, or oscillations)
    # reconstruct worse than new in-distribution ones
    X_new, _, _ = _peaks(20, rng, noise=0.2)
    grid = np.linspace(0, 1, 64)
    ood = np.vstack([1 - X_new[:10], np.sin(30 * grid) + 0.2 * rng.normal(size=64)])
    err_in = emb.reconstruction_error(X_new)
    err_out = emb.reconstruction_error(ood)
    assert np.median(err_out) > 2 * np.median(err_in)
    np.testing.assert_array_equal(emb.score_samples(X_new), -err_in)


def test_reconstruct_arguments(fitted, data):
    X, _ = data
    r1 = fitted.reconstruct(X, random_state=1)
    assert not np.array_equal(r1, fitted.reconstruct(X, random_state=2))
    np.testing.assert_array_equal(r1, fitted.reconstruct(X, random_state=1))
    assert fitted.reconstruct(X, mask_ratio=0.0, n_repeats=1).shape == X.shape
    with pytest.raises(ValueError, match="n_repeats"):
        fitted.reconstruct(X, n_repeats=0)
    with pytest.raises(ValueError, match="mask_ratio"):
        fitted.reconstruct(X, mask_ratio=1.0)
    errors = fitted.reconstruction_error(X)
    assert errors.shape == (40,) and np.all(errors >= 0)


def test_gridsearch_over_mask_ratio(data):
    X, c = data

    def pipe(**params):
        embed = MAEEmbedder(**TINY, **params, random_state=0)
        return Pipeline([("embed", embed), ("reg", Ridge())])

    ratios = [0.25, 0.75]
    search = GridSearchCV(pipe(), {"embed__mask_ratio": ratios}, cv=2, refit=False)
    scores = search.fit(X, c).cv_results_["mean_test_score"]
    assert scores[0] != scores[1]
    # a candidate (neither is the default 0.5) scores exactly like a pipeline
    # built directly with it: the nested parameter and the seed reach the network
    direct = cross_val_score(pipe(mask_ratio=0.75), X, c, cv=2)
    assert scores[1] == pytest.approx(direct.mean(), rel=1e-12)


def test_presets_build_the_papers_networks():
    with torch.device("meta"):  # shapes and counts only, no memory, no training
        emb = MAEEmbedder(preset="max", embed_dim=8, mask_ratio=0.9)
        mae = emb._build_module(2048)
    assert mae.n_patches == 128 and mae.encoder.embed_dim == 768
    assert len(mae.encoder.blocks) == 12 and len(mae.decoder_blocks) == 8
    assert mae.encoder.blocks[0].self_attn.num_heads == 12
    assert mae.decoder_blocks[0].self_attn.num_heads == 16
    assert mae.decoder_embed.out_features == 512
    assert mae.encoder.blocks[0].linear1.out_features == 3072
    assert mae.loss_on_visible and mae.mask_ratio == 0.5
    assert mae.encoder.scaler.mode == "spectrum"
    n_enc = sum(p.numel() for p in mae.encoder.parameters())
    assert 85_000_000 < n_enc < 86_000_000  # ViT-Base
    assert emb.architecture_ == MAE_PRESETS["max"]
    with torch.device("meta"):
        emb = MAEEmbedder(preset="smae", normalize=None)
        mae = emb._build_module(1000)
    assert mae.n_patches == 10 and mae.encoder.patch_size == 100
    assert mae.encoder.embed_dim == 256 and len(mae.encoder.blocks) == 8
    assert mae.encoder.blocks[0].linear1.out_features == 256
    assert len(mae.decoder_blocks) == 1 and not mae.loss_on_visible
    assert mae.encoder.scaler.mode is None  # SMAE leaves normalize alone


def test_heads_must_divide_the_embedding(data):
    # pickle, clone, get_params and the `preset` options are covered by
    # tests/test_common.py (check_estimators_pickle, check_param_validation)
    X, _ = data
    with pytest.raises(ValueError, match="divisible by the number of heads"):
        MAEEmbedder(**{**TINY, "num_heads": 3}).fit(X)


@pytest.mark.parametrize("freeze", [True, False])
def test_finetuned_regressor_with_mae(data, freeze):
    X, c = data
    reg = FineTunedRegressor(
        MAEEmbedder(**TINY, random_state=0),
        head_hidden=(8,),
        max_epochs=2,
        freeze_encoder=freeze,
        random_state=0,
    ).fit(X, c)
    assert isinstance(reg.module_.encoder, MAEEncoder)
    assert reg.predict(X).shape == (40,)
    enc = reg.module_.encoder
    assert all(p.requires_grad is not freeze for p in enc.parameters())


def test_warmup_cosine_schedule():
    f = _WarmupCosine(4, 20)
    assert [f(s) for s in range(4)] == [0.25, 0.5, 0.75, 1.0]
    assert f(4) == 1.0 and 0 < f(19) < 0.05
    assert f(12) == pytest.approx(0.5)
    assert _WarmupCosine(0, 10)(0) == 1.0


def test_transform_batches_by_tokens_and_does_not_depend_on_them():
    """transform batches ~_embed_tokens token rows; the embedding is the same."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 64)).cumsum(axis=1)
    mae = MAEEmbedder(**TINY_MAE, max_epochs=1, random_state=0).fit(X)
    assert mae._embed_batch_size() == MAEEmbedder._embed_tokens // (8 + 1)
    Z = mae.transform(X)
    mae._embed_tokens = 9 * 7  # 7 spectra a batch: 13 batches
    np.testing.assert_allclose(mae.transform(X), Z, rtol=1e-5, atol=1e-6)
