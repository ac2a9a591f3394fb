"""Tests of NIRtoMIRConverter (SSML stage 2)."""

import json

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.cross_decomposition import PLSRegression
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline

from sklspec.datasets import make_paired_spectra
from sklspec.embedders._converter import NIRtoMIRConverter
from sklspec.embedders._vae import VAEEmbedder
from tests._helpers import TRAINED_VAE

pd = pytest.importorskip("pandas")

VAE = dict(latent_dim=6, hidden=(32,), max_epochs=3, batch_size=32)
CONV = dict(hidden=(32,), max_epochs=3, batch_size=32)


@pytest.fixture(scope="module")
def paired():
    # the default scatter is shared by both instruments: MIR follows NIR
    d = make_paired_spectra(
        n_samples=100,
        n_wavelengths_low=48,
        n_wavelengths_high=96,
        random_state=0,
    )
    return d


@pytest.fixture(scope="module")
def vae(paired):
    return VAEEmbedder(**VAE, random_state=0).fit(paired.X_high[:70])


@pytest.fixture(scope="module")
def fitted(paired, vae):
    return NIRtoMIRConverter(FrozenEstimator(vae), **CONV, random_state=0).fit(
        paired.X_low[:70], paired.X_high[:70]
    )


def test_transform_shapes_both_outputs(fitted, paired):
    Y = fitted.transform(paired.X_low)
    assert Y.shape == (100, 96) and Y.dtype == np.float64
    assert fitted.get_feature_names_out().shape == (96,)
    fitted.set_params(output="latent")
    try:
        Z = fitted.transform(paired.X_low)
        assert Z.shape == (100, 6)
        names = fitted.get_feature_names_out()
        assert list(names[:2]) == ["nirtomirconverter0", "nirtomirconverter1"]
        assert fitted.get_encoder()(torch.zeros(2, 48)).shape == (2, 6)
    finally:
        fitted.set_params(output="spectrum")
    assert fitted.n_outputs_ == 96 and fitted.latent_dim_ == 6


def test_decoder_stays_frozen(paired, vae):
    before = {k: v.clone() for k, v in vae.module_.decoder.state_dict().items()}
    conv = NIRtoMIRConverter(
        vae, **{**CONV, "max_epochs": 5}, lr=1e-2, random_state=0
    ).fit(paired.X_low[:70], paired.X_high[:70])
    assert not any(p.requires_grad for p in conv.module_.decoder.parameters())
    for k, v in conv.module_.decoder.state_dict().items():
        assert torch.equal(v, before[k]), k  # bit-identical to the VAE's
    for k, v in vae.module_.decoder.state_dict().items():
        assert torch.equal(v, before[k]), k  # the VAE itself untouched
    assert conv.training_summary_["mir_embedder_fitted"] is False
    # the encoder did train
    assert conv.history_[-1]["train_loss"] < conv.history_[0]["train_loss"]


def test_beats_mean_spectrum_baseline(paired):
    X, Y = paired.X_low, paired.X_high
    vae = VAEEmbedder(latent_dim=6, **TRAINED_VAE)
    conv = NIRtoMIRConverter(
        vae, hidden=(32,), max_epochs=80, batch_size=16, lr=5e-3, random_state=0
    ).fit(X[:70], Y[:70])
    assert conv.training_summary_["mir_embedder_fitted"] is True
    rmse = np.sqrt(np.mean((conv.transform(X[70:]) - Y[70:]) ** 2))
    baseline = np.sqrt(np.mean((Y[:70].mean(0) - Y[70:]) ** 2))
    assert rmse < 0.5 * baseline


def test_unfitted_embedder_is_cloned_and_fitted(paired):
    vae = VAEEmbedder(**VAE, random_state=0)
    conv = NIRtoMIRConverter(vae, **CONV, random_state=0).fit(
        paired.X_low[:40], paired.X_high[:40]
    )
    assert not hasattr(vae, "module_")  # the parameter is not modified
    assert conv.mir_embedder_.n_features_in_ == 96


def test_seeded_reproducibility(paired, vae):
    def run(seed):
        conv = NIRtoMIRConverter(FrozenEstimator(vae), **CONV, random_state=seed)
        return conv.fit(paired.X_low[:70], paired.X_high[:70]).transform(paired.X_low)

    np.testing.assert_array_equal(run(1), run(1))
    assert not np.allclose(run(1), run(2))


def test_save_load_without_vae(fitted, paired, tmp_path):
    path = fitted.save_pretrained(tmp_path / "conv")
    config = json.loads((path / "config.json").read_text())
    assert "mir_embedder" not in config["params"]
    assert config["module"]["config"]["n_outputs"] == 96
    loaded = NIRtoMIRConverter.from_pretrained(path)
    np.testing.assert_array_equal(
        loaded.transform(paired.X_low), fitted.transform(paired.X_low)
    )
    latent = NIRtoMIRConverter.from_pretrained(path, output="latent")
    assert latent.transform(paired.X_low).shape == (100, 6)
    # clone + fit reloads the weights, no VAE needed
    refit = clone(loaded).fit(paired.X_low[:10], paired.X_high[:10])
    np.testing.assert_array_equal(
        refit.transform(paired.X_low), fitted.transform(paired.X_low)
    )


def test_frozen_in_pipeline_and_dataframe_names(fitted, paired):
    X, Y, y = paired.X_low, paired.X_high, paired.y
    pipe = Pipeline(
        [("convert", FrozenEstimator(fitted)), ("pls", PLSRegression(3))]
    ).fit(X[:70], y[:70])
    assert pipe.predict(X[70:]).shape[0] == 30
    frame = pd.DataFrame(Y[:40], columns=paired.feature_names_high)
    conv = NIRtoMIRConverter(
        VAEEmbedder(**VAE, random_state=0), **CONV, random_state=0
    ).fit(X[:40], frame)
    assert list(conv.get_feature_names_out()) == list(paired.feature_names_high)


def test_errors(paired, vae):
    with pytest.raises(ValueError, match="requires y"):
        NIRtoMIRConverter(vae, **CONV).fit(paired.X_low, None)
    with pytest.raises(ValueError, match="both 0"):
        NIRtoMIRConverter(
            vae, **CONV, latent_loss_weight=0, spectrum_loss_weight=0
        ).fit(paired.X_low, paired.X_high)
    with pytest.raises(ValueError, match="96"):
        NIRtoMIRConverter(vae, **CONV).fit(paired.X_low, paired.X_high[:, :50])
    with pytest.raises(TypeError, match="VAEEmbedder"):
        NIRtoMIRConverter(
            FrozenEstimator(PLSRegression(2).fit(paired.X_high, paired.y)), **CONV
        ).fit(paired.X_low, paired.X_high)


def test_transform_batches_many_rows_and_does_not_depend_on_them(fitted, paired):
    """The converter predicts _embed_rows spectra a batch; the predictions
    are the same for any batching."""
    assert fitted._embed_batch_size() == NIRtoMIRConverter._embed_rows
    Y = fitted.transform(paired.X_low)
    fitted._embed_rows, fitted.batch_size = 1, 7  # 15 batches
    try:
        assert fitted._embed_batch_size() == 7
        np.testing.assert_allclose(
            fitted.transform(paired.X_low), Y, rtol=1e-5, atol=1e-6
        )
    finally:
        del fitted._embed_rows
        fitted.batch_size = CONV["batch_size"]
