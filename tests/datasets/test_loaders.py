"""Tests of load_spectra and list_datasets."""

import numpy as np
import pytest

from sklspec.datasets import list_datasets, load_spectra
from sklspec.utils import get_data_home


@pytest.fixture
def npz_home(tmp_path):
    folder = tmp_path / "toy"
    folder.mkdir()
    np.savez(
        folder / "toy.npz",
        X=np.arange(12, dtype=np.float32).reshape(4, 3),
        wavelengths=np.array([1100.0, 1102.5, 1105.0]),
        wavelength_unit=np.array("nm"),
        y=np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]]),
        target_names=np.array(["fat", "water"]),
        split=np.array(["train", "train", "test", "test"]),
        pig=np.array([1, 1, 2, 2]),
        sample_id=np.array(["s1", "s2", "s3", "s4"]),
        X_inst2=np.zeros((4, 3)),
    )
    (folder / "README.md").write_text("# toy\nA toy data set.")
    return tmp_path


def test_load_npz_by_path_folder_and_name(npz_home):
    by_file = load_spectra(npz_home / "toy" / "toy.npz")
    by_dir = load_spectra(npz_home / "toy")
    by_name = load_spectra("toy", data_home=npz_home)
    for d in (by_file, by_dir, by_name):
        assert d.X.shape == (4, 3) and d.X.dtype == np.float32
        assert d.y.shape == (4, 2)
        assert d.target_names.tolist() == ["fat", "water"]
        assert d.wavelength_unit == "nm"
        assert d.feature_names.tolist() == ["1100", "1102.5", "1105"]
        assert d.split.tolist() == ["train", "train", "test", "test"]
        assert d.fold is None
        assert d.groups_name == "pig" and d.groups.tolist() == [1, 1, 2, 2]
        assert d.sample_id.tolist() == ["s1", "s2", "s3", "s4"]
        assert "X_inst2" in d.extras and d.DESCR.startswith("# toy")
        assert d.name == "toy"
    assert list_datasets(npz_home) == ["toy"]
    assert list_datasets(npz_home / "missing") == []


def test_load_npz_target(npz_home):
    d = load_spectra("toy", data_home=npz_home, target="water")
    assert d.y.tolist() == [10.0, 20.0, 30.0, 40.0]
    d = load_spectra("toy", data_home=npz_home, target=["water", "pig"])
    assert d.y.shape == (4, 2) and d.target_names.tolist() == ["water", "pig"]
    with pytest.raises(ValueError, match="unknown target 'protein'.*fat, water"):
        load_spectra("toy", data_home=npz_home, target="protein")


def test_load_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("SKLSPEC_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="nowhere.*SKLSPEC_DATA"):
        load_spectra("nowhere")
    with pytest.raises(FileNotFoundError, match="no data set at"):
        load_spectra(tmp_path / "missing.npz")
    np.savez(tmp_path / "nox.npz", spectra=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="has no 'X' array"):
        load_spectra(tmp_path / "nox.npz")
    (tmp_path / "bad.txt").write_text("x")
    with pytest.raises(ValueError, match="unsupported file type"):
        load_spectra(tmp_path / "bad.txt")


def test_load_wide_csv(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(
        "sample_id,y,batch,1100,1102,1104.5\n"
        "a1,0.5,b1,0.1,0.2,0.3\n"
        "a2,0.7,b1,0.4,0.5,0.6\n"
        "a3,0.9,b2,0.7,,0.9\n"
    )
    d = load_spectra(path)
    assert d.X.shape == (3, 3) and d.X.dtype == np.float64
    assert np.isnan(d.X[2, 1])
    np.testing.assert_allclose(d.wavelengths, [1100.0, 1102.0, 1104.5])
    assert d.y.tolist() == [0.5, 0.7, 0.9]
    assert d.sample_id.tolist() == ["a1", "a2", "a3"]
    assert d.groups_name == "batch" and d.groups.tolist() == ["b1", "b1", "b2"]
    d = load_spectra(path, target="batch")
    assert d.y.tolist() == ["b1", "b1", "b2"]
    with pytest.raises(ValueError, match="unknown target 'fat'.*sample_id"):
        load_spectra(path, target="fat")
    semi = tmp_path / "semi.csv"
    semi.write_text("id;900;910\nx;1.0;2.0\ny;3.0;4.0\n")
    d = load_spectra(semi)
    assert d.X.tolist() == [[1.0, 2.0], [3.0, 4.0]] and d.y is None
    nospec = tmp_path / "nospec.csv"
    nospec.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="no spectral columns"):
        load_spectra(nospec)


def test_real_tablets_nir():
    home = get_data_home()
    if not (home / "tablets_nir" / "tablets_nir.npz").is_file():
        pytest.skip(f"real data not found at {home}: set SKLSPEC_DATA")
    assert "tablets_nir" in list_datasets()
    d = load_spectra("tablets_nir")
    assert d.X.shape == (310, 404)
    assert d.wavelength_unit.startswith("cm-1")
    assert sorted(set(d.y)) == ["10mg", "15mg", "20mg", "5mg"]
    assert d.groups_name == "scale" and len(set(d.groups)) == 3
    assert "Dyrby" in d.DESCR
    r = load_spectra("tablets_nir", target="y_active_pct_ww")
    assert r.y.dtype == np.float64 and r.y.shape == (310,)
