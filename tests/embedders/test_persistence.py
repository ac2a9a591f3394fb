"""One persistence format for every embedder: config.json + model.safetensors."""

import json
import time
from pathlib import Path

import numpy as np
import pytest

from sklspec.datasets import make_spectra
from sklspec.embedders import (
    MAEEmbedder,
    NIRtoMIRConverter,
    TransformRecogEmbedder,
    VAEEmbedder,
    load_pretrained,
)

V01 = Path(__file__).parents[1] / "data" / "v0.1"
TINY_MAE = dict(
    patch_size=8, embed_dim=16, depth=1, num_heads=2, decoder_dim=16, decoder_heads=2
)


@pytest.fixture(scope="module")
def X():
    return make_spectra(
        n_samples=40, n_wavelengths=48, random_state=0, return_X_y=True
    )[0]


@pytest.fixture(scope="module")
def mae(X):
    return MAEEmbedder(**TINY_MAE, max_epochs=1, random_state=0).fit(X)


@pytest.mark.parametrize(
    "name",
    ["TransformRecogEmbedder", "MAEEmbedder", "VAEEmbedder", "NIRtoMIRConverter"],
)
def test_v01_model_pt_directories_still_load(name):
    expected = np.load(V01 / "expected.npz")
    X = expected["X_low" if name == "NIRtoMIRConverter" else "X"]
    with pytest.warns(DeprecationWarning, match="first format"):
        est = load_pretrained(V01 / name)
    assert type(est).__name__ == name
    np.testing.assert_allclose(est.transform(X), expected[name], rtol=1e-5, atol=1e-6)


def test_v01_directory_resaves_in_the_new_format(tmp_path):
    with pytest.warns(DeprecationWarning):
        est = load_pretrained(V01 / "MAEEmbedder")
    path = est.save_pretrained(tmp_path / "mae")
    assert sorted(p.name for p in path.iterdir()) == [
        "config.json",
        "model.safetensors",
    ]
    again = load_pretrained(path)  # no warning: format 2
    X = np.load(V01 / "expected.npz")["X"]
    np.testing.assert_array_equal(again.transform(X), est.transform(X))


def test_config_records_module_tensors_and_metadata(mae, tmp_path):
    path = mae.save_pretrained(
        tmp_path / "mae", preprocessing="SNV", wavelength_unit="nm"
    )
    config = json.loads((path / "config.json").read_text())
    assert config["format_version"] == 2
    assert config["module"]["class"] == "MaskedAutoencoder1d"
    assert config["module"]["config"]["embed_dim"] == 16
    assert config["tensors"]["encoder.cls_token"] == [1, 1, 16]
    assert config["preprocessing"] == "SNV" and config["wavelength_unit"] == "nm"
    loaded = MAEEmbedder.from_pretrained(path)
    assert loaded.expected_preprocessing_ == "SNV" and loaded.wavelength_unit_ == "nm"
    # a module is rebuilt from its own config, not from estimator parameters
    params = config["params"]
    params["embed_dim"] = 999
    (path / "config.json").write_text(json.dumps(config))
    assert load_pretrained(path).module_.get_config()["embed_dim"] == 16


def test_edited_module_config_is_refused_before_allocating(mae, tmp_path):
    path = mae.save_pretrained(tmp_path / "mae")
    config = json.loads((path / "config.json").read_text())
    config["module"]["config"]["embed_dim"] = 1_000_000  # a 12 TB network
    (path / "config.json").write_text(json.dumps(config))
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="does not match its tensors"):
        load_pretrained(path)
    assert time.perf_counter() - t0 < 5.0


def test_unbuildable_module_config_and_unknown_module_class(mae, tmp_path):
    path = mae.save_pretrained(tmp_path / "mae")
    config = json.loads((path / "config.json").read_text())
    config["module"]["config"]["num_heads"] = 3  # 16 is not divisible by 3
    (path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="cannot build a MaskedAutoencoder1d"):
        load_pretrained(path)
    config["module"]["class"] = "os.system"
    (path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="Unknown sklspec.nn module class"):
        load_pretrained(path)


def test_tampered_truncated_and_foreign_files_are_refused(mae, tmp_path):
    path = mae.save_pretrained(tmp_path / "mae")
    weights = path / "model.safetensors"
    raw = weights.read_bytes()
    weights.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match="corrupted or was modified"):
        load_pretrained(path)
    weights.write_bytes(raw)
    config = json.loads((path / "config.json").read_text())
    config["class"] = "VAEEmbedder"
    (path / "config.json").write_text(json.dumps(config))
    with pytest.raises(
        ValueError, match="names a MaskedAutoencoder1d module, but a VAEEmbedder"
    ):
        VAEEmbedder.from_pretrained(path)
    with pytest.raises(ValueError, match="holds a VAEEmbedder, not a MAEEmbedder"):
        MAEEmbedder.from_pretrained(path)


def test_weights_outside_the_directory_are_refused(mae, tmp_path):
    path = mae.save_pretrained(tmp_path / "mae")
    outside = tmp_path / "elsewhere.safetensors"
    (path / "model.safetensors").rename(outside)
    (path / "model.safetensors").symlink_to(outside)
    with pytest.raises(ValueError, match="lies outside"):
        load_pretrained(path)
    config = json.loads((path / "config.json").read_text())
    config["weights_file"] = "../elsewhere.safetensors"
    (path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="lies outside"):
        load_pretrained(path)


def test_missing_weights_file(mae, tmp_path):
    path = mae.save_pretrained(tmp_path / "mae")
    (path / "model.safetensors").unlink()
    with pytest.raises(FileNotFoundError, match="missing next to its config.json"):
        load_pretrained(path)


def test_no_embedder_overrides_a_persistence_method():
    for cls in (TransformRecogEmbedder, MAEEmbedder, VAEEmbedder, NIRtoMIRConverter):
        for method in ("save_pretrained", "from_pretrained", "_load_weights"):
            assert method not in vars(cls), (cls.__name__, method)
