"""Tests of VAEEmbedder (SSML stage 1)."""

import json

import numpy as np
import pytest
import torch
from sklearn.base import clone

from sklspec.embedders._base import load_pretrained
from sklspec.embedders._vae import VAEEmbedder, repeat_pairs
from sklspec.nn import EncoderWithHead
from tests._helpers import TRAINED_VAE, check_seeded_and_global_rng_untouched

TINY = dict(latent_dim=4, hidden=(32,), max_epochs=2, batch_size=32)


@pytest.fixture(scope="module")
def low_rank():
    """60 spectra of 40 points from a 4-d latent model (plus small noise)."""
    rng = np.random.default_rng(0)
    grid = np.linspace(0, 1, 40)
    bands = np.stack([np.exp(-((grid - c) ** 2) / 0.01) for c in (0.2, 0.4, 0.6, 0.8)])
    conc = rng.uniform(0, 1, size=(60, 4))
    return conc @ bands + 0.005 * rng.normal(size=(60, 40))


@pytest.fixture(scope="module")
def fitted(low_rank):
    return VAEEmbedder(**TINY, random_state=0).fit(low_rank)


def test_shapes_and_feature_names(fitted, low_rank):
    Z = fitted.transform(low_rank)
    assert Z.shape == (60, 4) and Z.dtype == np.float64
    assert fitted.transform(low_rank.astype(np.float32)).dtype == np.float32
    assert fitted.inverse_transform(Z).shape == (60, 40)
    assert list(fitted.get_feature_names_out()) == [f"vaeembedder{i}" for i in range(4)]
    err = fitted.reconstruction_error(low_rank)
    assert err.shape == (60,) and np.all(err >= 0)
    np.testing.assert_array_equal(fitted.score_samples(low_rank), -err)
    with pytest.raises(ValueError, match="latent_dim = 4"):
        fitted.inverse_transform(np.zeros((2, 3)))


def test_encoder_gives_2d_latent_means(fitted, low_rank):
    enc = fitted.get_encoder()
    x = torch.as_tensor(low_rank[:5], dtype=torch.float32)
    with torch.no_grad():
        out = enc(x)
        assert out.shape == (5, 4)
        np.testing.assert_allclose(out.numpy(), fitted.transform(low_rank[:5]), 1e-5)
        wrapped = EncoderWithHead(enc, torch.nn.Linear(4, 1))
        assert wrapped(x).shape == (5, 1)


def test_reconstruction_after_short_training(low_rank):
    vae = VAEEmbedder(latent_dim=4, **TRAINED_VAE).fit(low_rank)
    rec = vae.inverse_transform(vae.transform(low_rank))
    centred = low_rank - low_rank.mean(0)
    rel = np.linalg.norm(rec - low_rank) / np.linalg.norm(centred)
    assert rel < 0.35  # predicting the mean spectrum gives 1.0
    # spectra unlike the training set reconstruct worse (OOD score)
    odd = low_rank[:10, ::-1].copy()
    assert (
        vae.reconstruction_error(odd).mean()
        > vae.reconstruction_error(low_rank[:10]).mean()
    )


def test_repeat_pairs_are_within_group_and_vectorised():
    groups = np.array([5, 7, 5, 5, 9, 7])
    src, tgt = repeat_pairs(groups, "other")
    pairs = set(zip(src.tolist(), tgt.tolist(), strict=True))
    expected = {(i, j) for i in range(6) for j in range(6) if i != j}
    expected = {(i, j) for i, j in expected if groups[i] == groups[j]} | {(4, 4)}
    assert pairs == expected and len(src) == len(pairs)
    src, tgt = repeat_pairs(groups, "mean")
    np.testing.assert_array_equal(src, np.arange(6))
    np.testing.assert_array_equal(tgt, [0, 1, 0, 0, 2, 1])
    src, tgt = repeat_pairs(groups, "self")
    np.testing.assert_array_equal(src, tgt)
    with pytest.raises(ValueError, match="repeat_target"):
        repeat_pairs(groups, "random")


@pytest.mark.parametrize("repeat_target", ["other", "mean", "self"])
def test_training_data_from_groups(low_rank, repeat_target):
    X = low_rank[:12].astype(np.float32)
    groups = np.repeat(["a", "b", "c", "d"], 3)
    emb = VAEEmbedder(**TINY, repeat_target=repeat_target)
    data, y = emb._make_training_data(X, np.random.default_rng(0), groups=groups)
    assert y is None
    x, t = data["x"], data["target"]
    assert x.shape == t.shape
    n = {"other": 24, "mean": 12, "self": 12}[repeat_target]
    assert len(x) == n
    # map every row back to its scan and check the target is of the same sample
    src = np.array([np.flatnonzero((X == row).all(1))[0] for row in x])
    for s, target in zip(src, t, strict=True):
        same = X[groups == groups[s]]
        if repeat_target == "other":
            hit = np.flatnonzero((X == target).all(1))[0]
            assert groups[hit] == groups[s] and hit != s
        elif repeat_target == "mean":
            np.testing.assert_allclose(target, same.mean(0), rtol=1e-5)
        else:
            np.testing.assert_array_equal(target, X[s])
    with pytest.raises(ValueError, match="one sample id per spectrum"):
        emb._make_training_data(X, np.random.default_rng(0), groups=groups[:5])


def test_fit_with_groups_records_pairs(low_rank):
    groups = np.repeat(np.arange(20), 3)
    emb = VAEEmbedder(**TINY, random_state=0).fit(low_rank, groups=groups)
    assert emb.training_summary_["n_pairs"] == 120
    assert emb.training_summary_["n_groups"] == 20


def test_seeded_reproducibility_and_global_rng_untouched(low_rank):
    check_seeded_and_global_rng_untouched(
        lambda seed: VAEEmbedder(**TINY, random_state=seed), low_rank
    )


def test_save_load_bit_identical(fitted, low_rank, tmp_path):
    path = fitted.save_pretrained(tmp_path / "vae")
    config = json.loads((path / "config.json").read_text())
    assert config["class"] == "VAEEmbedder"
    assert config["params"]["hidden"] == [32]
    loaded = VAEEmbedder.from_pretrained(path)
    Z = fitted.transform(low_rank)
    np.testing.assert_array_equal(loaded.transform(low_rank), Z)
    np.testing.assert_array_equal(
        loaded.inverse_transform(Z), fitted.inverse_transform(Z)
    )
    assert isinstance(load_pretrained(path), VAEEmbedder)
    refit = clone(loaded).fit(low_rank)
    np.testing.assert_array_equal(refit.transform(low_rank), Z)
    with pytest.raises(ValueError, match="architecture"):
        VAEEmbedder(latent_dim=8, weights=str(path), max_epochs=0).fit(low_rank)


def test_grid_vae_takes_any_width_and_keeps_the_side_columns(low_rank, tmp_path):
    """grid=: the VAE encodes the SNV'd spectrum on the grid, stats appended."""
    from sklspec.preprocessing import CanonicalGrid

    vae = VAEEmbedder(**TINY, grid=24, random_state=0).fit(low_rank)
    Z = vae.transform(low_rank)
    assert Z.shape == (60, 4 + 4)
    names = list(vae.get_feature_names_out())
    assert names[-4:] == ["offset", "scale", "range_start", "range_stop"]
    G = CanonicalGrid(n_points=24).fit(low_rank)
    np.testing.assert_allclose(Z[:, 4:], G.transform(low_rank)[:, 24:])
    # a doubled spectrum has the same shape: the same latent, twice the scale
    Z2 = vae.transform(2 * low_rank)
    np.testing.assert_allclose(Z2[:, :4], Z[:, :4], atol=1e-5)
    np.testing.assert_allclose(Z2[:, 5], 2 * Z[:, 5])
    # any width in; decoding and the error are on the grid
    wider = np.repeat(low_rank, 2, axis=1)
    assert vae.transform(wider).shape == (60, 8)
    assert vae.inverse_transform(Z).shape == (60, 24)
    np.testing.assert_array_equal(
        vae.inverse_transform(Z), vae.inverse_transform(Z[:, :4])
    )
    err = vae.reconstruction_error(low_rank)
    rec = vae.inverse_transform(Z)
    expected = np.sqrt(np.mean((rec - G.transform_values(low_rank)) ** 2, axis=1))
    np.testing.assert_allclose(err, expected, rtol=1e-5)
    with pytest.raises(ValueError, match="latent_dim = 4 .or 8"):
        vae.inverse_transform(Z[:, :3])
    vae.save_pretrained(tmp_path / "w")
    again = load_pretrained(tmp_path / "w")
    assert again.grid == 24
    np.testing.assert_array_equal(again.transform(wider), vae.transform(wider))


def test_converter_refuses_a_grid_vae(low_rank):
    from sklspec.embedders import NIRtoMIRConverter

    conv = NIRtoMIRConverter(mir_embedder=VAEEmbedder(**TINY, grid=24))
    with pytest.raises(ValueError, match="grid=None"):
        conv.fit(low_rank, low_rank)


def test_transform_batches_many_rows_and_does_not_depend_on_them(low_rank):
    """The dense VAE embeds (and decodes) _embed_rows spectra a batch; the
    conv VAE keeps batch_size; the outputs are the same for any batching."""
    vae = VAEEmbedder(**TINY, random_state=0).fit(low_rank)
    assert vae._embed_batch_size() == VAEEmbedder._embed_rows
    assert VAEEmbedder(architecture="conv", batch_size=8)._embed_batch_size() == 8
    Z, X_hat = vae.transform(low_rank), vae.inverse_transform(vae.transform(low_rank))
    vae._embed_rows = 7  # max(batch_size, 7): 32 rows, 2 batches
    vae.batch_size = 7  # 9 batches
    np.testing.assert_allclose(vae.transform(low_rank), Z, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(vae.inverse_transform(Z), X_hat, rtol=1e-5, atol=1e-6)
