"""Tampered, broken and foreign saved directories are refused with a clear message.

Complements ``test_persistence.py`` (edited shapes, truncation of a tiny
model, another class, links and a missing weights file): bit flips anywhere
in the weights, the shipped encoder tampered in a copy, broken or missing
``config.json``, unknown classes and unreadable weights with a forged digest.
"""

import hashlib
import json
import shutil

import pytest

from sklspec.embedders import MAEEmbedder, load_pretrained, read_config
from sklspec.pretrained import pretrained_path

CORRUPT = "corrupted or was modified"


@pytest.fixture
def shipped(tmp_path):
    """A copy of the shipped encoder ``sklspec-base``."""
    dest = tmp_path / "base"
    shutil.copytree(pretrained_path("sklspec-base"), dest)
    return dest


def _flip(path, offset):
    raw = bytearray(path.read_bytes())
    raw[offset % len(raw)] ^= 0x01
    path.write_bytes(bytes(raw))


def test_the_copy_loads(shipped):
    assert read_config(shipped)["class"] == "MAEEmbedder"


@pytest.mark.parametrize("where", ["length", "header", "middle", "last"])
def test_a_bit_flip_anywhere_in_the_shipped_weights_is_refused(shipped, where):
    weights = shipped / "model.safetensors"
    size = weights.stat().st_size
    offset = {"length": 0, "header": 20, "middle": size // 2, "last": -1}[where]
    _flip(weights, offset)
    with pytest.raises(ValueError, match=CORRUPT):
        load_pretrained(shipped)
    with pytest.raises(ValueError, match=CORRUPT):
        read_config(shipped)  # before anything is built or read


def test_truncated_and_emptied_shipped_weights_are_refused(shipped):
    weights = shipped / "model.safetensors"
    raw = weights.read_bytes()
    for data in (raw[:-1], raw[:8], b""):
        weights.write_bytes(data)
        with pytest.raises(ValueError, match=CORRUPT):
            load_pretrained(shipped)


def _forge_digest(directory):
    """Make config.json record the weights' current sha256 (a careful forger)."""
    cfg = directory / "config.json"
    config = json.loads(cfg.read_text())
    data = (directory / "model.safetensors").read_bytes()
    config["weights_sha256"] = hashlib.sha256(data).hexdigest()
    cfg.write_text(json.dumps(config))


def test_unreadable_weights_with_a_forged_digest_are_refused(shipped):
    weights = shipped / "model.safetensors"
    weights.write_bytes(b"\xff" * 8 + b"not a safetensors header")
    _forge_digest(shipped)
    with pytest.raises(ValueError, match="not a readable safetensors file"):
        load_pretrained(shipped)


def test_swapped_weights_with_a_forged_digest_are_refused(shipped, tmp_path):
    from sklspec.datasets import make_spectra

    X = make_spectra(n_samples=8, n_wavelengths=32, random_state=0, return_X_y=True)[0]
    small = MAEEmbedder(
        patch_size=8, embed_dim=8, depth=1, num_heads=1, decoder_dim=8, max_epochs=0
    ).fit(X)
    other = small.save_pretrained(tmp_path / "small")
    shutil.copy(other / "model.safetensors", shipped / "model.safetensors")
    _forge_digest(shipped)
    with pytest.raises(ValueError, match="does not match its tensors"):
        load_pretrained(shipped)


def test_broken_or_missing_config_is_refused(shipped):
    cfg = shipped / "config.json"
    text = cfg.read_text()
    cfg.write_text(text[: len(text) // 2])
    with pytest.raises(ValueError, match="not valid JSON"):
        load_pretrained(shipped)
    cfg.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_pretrained(shipped)
    cfg.write_text("[1, 2]")
    with pytest.raises(ValueError, match="does not hold a JSON object"):
        load_pretrained(shipped)
    config = json.loads(text)
    del config["weights_sha256"]
    cfg.write_text(json.dumps(config))
    with pytest.raises(ValueError, match="no 'weights_sha256' entry"):
        load_pretrained(shipped)
    cfg.unlink()
    with pytest.raises(FileNotFoundError, match="config.json' is missing"):
        load_pretrained(shipped)


def test_unknown_class_and_absent_directories_are_refused(shipped, tmp_path):
    cfg = shipped / "config.json"
    config = json.loads(cfg.read_text())
    config["class"] = "os.system"
    cfg.write_text(json.dumps(config))
    with pytest.raises(ValueError, match="which this sklspec version does not know"):
        load_pretrained(shipped)
    with pytest.raises(FileNotFoundError, match="No saved embedder"):
        load_pretrained(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="is missing"):
        load_pretrained(tmp_path / "empty")


def test_config_linked_from_outside_is_refused(shipped, tmp_path):
    outside = tmp_path / "config_elsewhere.json"
    (shipped / "config.json").rename(outside)
    (shipped / "config.json").symlink_to(outside)
    with pytest.raises(ValueError, match="points outside"):
        load_pretrained(shipped)
