"""sklspec.io against the real instrument files of shared/io-samples.

The sample folder is ``../shared/io-samples`` beside the repository (or the
``SKLSPEC_IO_SAMPLES`` environment variable); its ``expected.json`` holds what
each reader returns, file by file. Tests that need it skip without it, and
each reader's tests skip when that reader is not installed.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

from sklspec.io import (
    AxisMismatchError,
    SpectrumFileError,
    read_spectra,
    read_spectrum,
    supported_formats,
)

SAMPLES = Path(
    os.environ.get(
        "SKLSPEC_IO_SAMPLES", Path(__file__).parents[2].parent / "shared" / "io-samples"
    )
)
READER = {
    "opus": "brukeropus",
    "jcamp": "jcamp",
    "spc": "spc_io",
    "asd": "pyASDReader",
    "wdf": "renishawWiRE",
}
GOOD = {
    "test.0000": "opus",
    "background.0": "opus",
    "LABCALC.DX": "jcamp",
    "PE1800.DX": "jcamp",
    "tannic_acid.jdx": "jcamp",
    "sp1.spc": "spc",
    "gxy.spc": "spc",
    "v6sample00000.asd": "asd",
    "v7sample00000.asd": "asd",
    "v8sample00001.asd": "asd",
    "44231B009-1-FW300000.asd": "asd",
    "sp.wdf": "wdf",
    "undefined.wdf": "wdf",
}
# refusal cases: file, reader, what the message must say (besides the file name)
REFUSED = [
    ("truncated.0", "opus", ["truncated", "brukeropus", "KeyError", "again"]),
    ("empty.jdx", None, ["empty (0 bytes)", "again"]),
    ("not_opus.spa", None, ["OMNIC", "Supported:", "brukeropus", "format="]),
    ("TESTSPEC.DX", "jcamp", ["0 points", "indented", "leading spaces"]),
    ("BRUKER2.JCM", "jcamp", ["3735 x values but 3710 y values", "export"]),
    ("xy_multi.spc", "spc", ["512 spectra", "own x axis", "Resample"]),
]
REL = 1e-6


@pytest.fixture(scope="module")
def samples():
    if not (SAMPLES / "expected.json").is_file():
        pytest.skip(
            f"instrument sample files not found at {SAMPLES} (set SKLSPEC_IO_SAMPLES "
            "to the io-samples folder)"
        )
    return SAMPLES


@pytest.fixture(scope="module")
def expected(samples):
    return json.loads((samples / "expected.json").read_text(encoding="utf-8"))["files"]


def _need(fmt):
    # find_spec, not importorskip: importing pyASDReader by hand would write
    # asd_reader_<date>.log into the working folder (sklspec.io prevents that)
    if fmt is not None and importlib.util.find_spec(READER[fmt]) is None:
        pytest.skip(f"reader {READER[fmt]!r} not installed (pip install 'sklspec[io]')")


def _unit_and_axis(x_unit):
    """expected.json writes a Raman shift axis as 'cm-1 (Raman shift)'."""
    if x_unit.endswith("(Raman shift)"):
        return x_unit.split(" (")[0], "raman_shift"
    return x_unit, None


def _copy(samples, folder, names):
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(samples / name, folder / name)
    return folder


# ------------------------------------------------------------ every sample


@pytest.mark.filterwarnings("ignore:.*took block:UserWarning")
@pytest.mark.parametrize("name", sorted(GOOD))
def test_sample_file_parses_to_expected(name, samples, expected, capfd):
    _need(GOOD[name])
    exp = expected[name]
    data = read_spectrum(samples / name)
    assert data.X.shape == (exp["n_spectra"], exp["n_points"])
    assert data.wavelengths.shape == (exp["n_points"],)
    np.testing.assert_allclose(data.wavelengths[0], exp["x_first"], rtol=REL)
    np.testing.assert_allclose(data.wavelengths[-1], exp["x_last"], rtol=REL)
    unit, axis_kind = _unit_and_axis(exp["x_unit"])
    assert data.wavelength_unit == unit
    if axis_kind is not None:
        assert data.axis_kind == axis_kind
    assert data.kind == exp["y_kind"]
    np.testing.assert_allclose(data.X[0, 0], exp["y_first"], rtol=REL)
    np.testing.assert_allclose(data.X[0, -1], exp["y_last"], rtol=REL)
    if "last_spectrum" in exp and "y_first" in exp["last_spectrum"]:
        np.testing.assert_allclose(data.X[-1, 0], exp["last_spectrum"]["y_first"])
        np.testing.assert_allclose(data.X[-1, -1], exp["last_spectrum"]["y_last"])
    # the schema of load_spectra
    assert data.feature_names.shape == (exp["n_points"],)
    assert float(data.feature_names[0]) == pytest.approx(data.wavelengths[0])
    assert len(data.sample_id) == exp["n_spectra"] == len(data.metadata)
    assert data.y is None and data.extras["file"][0] == name
    meta = data.metadata[0]
    assert meta["format"] == GOOD[name] and meta["file"] == name
    if GOOD[name] == "opus":
        assert meta["block"] == exp["primary_block"]
        assert meta["blocks"] == exp["data_keys"]
        assert meta["instrument"] == exp["instrument"]
        assert meta["sample_name"] == exp["sample_name"]
        assert meta["date"].startswith("2020-02-06")
    if GOOD[name] == "jcamp":
        assert meta["title"] == exp["title"]
    if GOOD[name] == "asd":
        assert meta["asd_data_type"] == exp["asd_data_type"]
        assert meta["date"] is not None
    out, err = capfd.readouterr()
    assert out == "" and err == "", "a reader printed to stdout/stderr"


@pytest.mark.parametrize(("name", "fmt", "words"), REFUSED)
def test_broken_file_refused_with_a_message(name, fmt, words, samples, capfd):
    _need(fmt)
    with pytest.raises(SpectrumFileError) as info:
        read_spectrum(samples / name)
    assert isinstance(info.value, ValueError)
    msg = str(info.value)
    assert name in msg and info.value.path == str(samples / name)
    for word in words:
        assert word in msg
    out, err = capfd.readouterr()
    assert out == "" and err == ""


@pytest.mark.parametrize(
    ("name", "fmt", "word"),
    [
        ("not_opus.spa", "opus", "not a Bruker OPUS file"),
        ("empty.jdx", "opus", "empty"),
        ("test.0000", "jcamp", "binary"),
        ("test.0000", "spc", "not a Galactic/Thermo SPC"),
        ("test.0000", "asd", "not an ASD"),
        ("truncated.0", "wdf", "not a Renishaw"),
        ("LABCALC.DX", "wdf", "not a Renishaw"),
    ],
)
def test_wrong_format_forced_is_refused(name, fmt, word, samples, capfd):
    _need(fmt)
    with pytest.raises(SpectrumFileError, match=word) as info:
        read_spectrum(samples / name, format=fmt)
    assert name in str(info.value)
    assert capfd.readouterr() == ("", "")


def test_spc_truncated_and_wdf_truncated_are_refused(samples, tmp_path):
    _need("spc")
    _need("wdf")
    for name, cut in [("sp1.spc", 700), ("sp.wdf", 600)]:
        broken = tmp_path / name
        broken.write_bytes((samples / name).read_bytes()[:cut])
        with pytest.raises(SpectrumFileError, match="could not be parsed") as info:
            read_spectrum(broken)
        assert name in str(info.value)


# ------------------------------------------------------------ blocks


def test_opus_default_absorbance_without_warning(samples):
    _need("opus")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = read_spectrum(samples / "test.0000")
    assert data.metadata[0]["block"] == "a" and data.kind == "absorbance"
    assert data.metadata[0]["block_label"] == "Absorbance"


@pytest.mark.parametrize("block", ["rf", "igrf", "a", "sm", "phsm", "igsm"])
def test_opus_every_block_of_test0000(block, samples, expected):
    _need("opus")
    exp = expected["test.0000"]["blocks"][block]
    data = read_spectrum(samples / "test.0000", block=block)
    assert data.X.shape == (1, exp["n_points"])
    np.testing.assert_allclose(
        data.wavelengths[[0, -1]], [exp["x_first"], exp["x_last"]]
    )
    np.testing.assert_allclose(
        data.X[0, [0, -1]], [exp["y_first"], exp["y_last"]], rtol=REL
    )
    assert data.wavelength_unit == exp["x_unit"]
    assert data.kind == exp["y_kind"]
    assert data.metadata[0]["block"] == block
    assert data.metadata[0]["block_label"] == exp["label"]


def test_opus_fallback_block_is_announced(samples):
    _need("opus")
    with pytest.warns(UserWarning, match=r"took block 'rf'.*no absorbance"):
        data = read_spectrum(samples / "background.0")
    assert data.metadata[0]["block"] == "rf"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_spectrum(samples / "background.0", block="rf")  # asked: no warning


def test_opus_unknown_block_lists_the_blocks(samples):
    _need("opus")
    with pytest.raises(SpectrumFileError, match=r"no data block 'ab'.*'rf'.*'igrf'"):
        read_spectrum(samples / "background.0", block="ab")


def test_asd_quantities(samples, expected):
    _need("asd")
    name = "44231B009-1-FW300000.asd"
    data = read_spectrum(samples / name, block="digital_number")
    dn = expected[name]["digital_number"]
    np.testing.assert_allclose(data.X[0, [0, -1]], [dn["y_first"], dn["y_last"]])
    assert data.kind == "digital_number"
    with pytest.raises(SpectrumFileError, match="has no reflectance"):
        read_spectrum(samples / "v6sample00000.asd", block="reflectance")
    with pytest.raises(SpectrumFileError, match="block= is one of"):
        read_spectrum(samples / name, block="a")


def test_block_on_a_one_kind_format_is_refused(samples):
    _need("jcamp")
    with pytest.raises(SpectrumFileError, match="block='a' applies to Bruker OPUS"):
        read_spectrum(samples / "PE1800.DX", block="a")


def test_block_on_a_one_kind_file_of_a_folder_is_left_out_with_warn(samples, tmp_path):
    # errors="warn" leaves out the file block= does not apply to, like any
    # file that cannot be read, and reads the others.
    _need("opus")
    _need("jcamp")
    folder = _copy(samples, tmp_path / "run", ["test.0000", "PE1800.DX"])
    with pytest.raises(SpectrumFileError, match="PE1800.DX"):
        read_spectra(folder, block="rf")
    with pytest.warns(UserWarning, match=r"left out 1 of 2 files: .*PE1800\.DX"):
        data = read_spectra(folder, block="rf", errors="warn")
    assert [Path(f).name for f in data.files] == ["test.0000"]
    np.testing.assert_array_equal(
        data.X, read_spectrum(samples / "test.0000", block="rf").X
    )


# ------------------------------------------------------------ several files


def test_folder_on_different_axes_refused_naming_resample(samples, tmp_path):
    _need("opus")
    folder = _copy(samples, tmp_path / "run", ["test.0000", "background.0"])
    with pytest.raises(AxisMismatchError, match="Resample") as info:
        read_spectra(folder, block="rf")
    assert "2 different axes" in str(info.value) and "resample=True" in str(info.value)


def test_folder_resampled_onto_a_common_axis(samples, tmp_path):
    _need("opus")
    folder = _copy(samples, tmp_path / "run", ["test.0000", "background.0"])
    data = read_spectra(folder, block="rf", resample=True)
    assert data.X.shape[0] == 2 and data.files == [
        str(folder / "background.0"),
        str(folder / "test.0000"),
    ]
    w = data.wavelengths
    assert w.min() >= 696.8 and w.max() <= 4003.5  # the range both cover
    assert data.X.shape[1] == w.size == data.feature_names.size
    # both files come from one interferometer: test.0000's rf grid is a stretch
    # of background.0's, so background.0 is only cut and test.0000 kept as is
    assert [m["resampled"] for m in data.metadata] == [True, False]
    rf = read_spectrum(folder / "test.0000", block="rf")
    np.testing.assert_allclose(data.wavelengths, rf.wavelengths, rtol=1e-12)
    np.testing.assert_array_equal(data.X[1], rf.X[0])
    with pytest.warns(UserWarning, match="took block 'rf'"):
        bg = read_spectrum(folder / "background.0")
    keep = (bg.wavelengths >= w.min() - 1e-9) & (bg.wavelengths <= w.max() + 1e-9)
    np.testing.assert_allclose(data.X[0], bg.X[0, keep], rtol=1e-6)
    target = np.linspace(1000.0, 3000.0, 11)
    data = read_spectra(folder, block="rf", resample=target)
    np.testing.assert_array_equal(data.wavelengths, target)
    with pytest.raises(AxisMismatchError, match="does not extrapolate"):
        read_spectra(folder, block="rf", resample=[500.0, 1000.0])


def test_files_on_one_axis_take_an_explicit_axis_and_say_so(samples):
    _need("opus")
    path = samples / "test.0000"
    plain = read_spectra([path], block="rf")
    assert "resampled" not in plain.metadata[0]  # nothing asked, nothing said
    same = read_spectra([path], block="rf", resample=True)
    np.testing.assert_array_equal(same.X, plain.X)
    assert [m["resampled"] for m in same.metadata] == [False]
    assert "resampled" not in same.DESCR
    # an explicit axis is honoured even when the files share one already
    target = np.linspace(1000.0, 3000.0, 11)
    onto = read_spectra([path], block="rf", resample=target)
    np.testing.assert_array_equal(onto.wavelengths, target)
    assert onto.X.shape == (1, 11) and onto.metadata[0]["resampled"] is True
    order = np.argsort(plain.wavelengths)  # np.interp needs an ascending axis
    expected = np.interp(target, plain.wavelengths[order], plain.X[0, order])
    np.testing.assert_allclose(onto.X[0], expected, rtol=1e-10)
    assert "resampled onto a common axis" in onto.DESCR
    # numpy's bool is a flag, not an axis
    flag = read_spectra([path], block="rf", resample=np.bool_(True))
    np.testing.assert_array_equal(flag.X, plain.X)


def test_folder_with_different_kinds_or_units_refused(samples, tmp_path):
    _need("opus")
    _need("asd")
    folder = _copy(samples, tmp_path / "mixed", ["test.0000", "v6sample00000.asd"])
    with pytest.raises(AxisMismatchError, match="different units or measurement kinds"):
        read_spectra(folder, resample=True)


def test_glob_and_list_of_asd_files(samples, expected, tmp_path):
    _need("asd")
    names = sorted(n for n in GOOD if GOOD[n] == "asd")
    folder = _copy(samples, tmp_path / "asd", names)
    (folder / "README.md").write_text("not a spectrum")
    with pytest.raises(AxisMismatchError, match="measurement kinds"):
        read_spectra(folder)  # reflectance, radiance and raw DN do not stack
    data = read_spectra(str(folder / "*.asd"), block="digital_number")
    assert data.X.shape == (4, 2151) and data.kind == "digital_number"
    assert list(data.sample_id) == names
    for row, name in zip(data.X, names, strict=True):
        dn = expected[name]["digital_number"]
        np.testing.assert_allclose(row[[0, -1]], [dn["y_first"], dn["y_last"]])
    same = read_spectra([folder / n for n in names], block="digital_number")
    np.testing.assert_array_equal(same.X, data.X)


def test_errors_warn_leaves_broken_files_out(samples, tmp_path):
    _need("opus")
    folder = _copy(samples, tmp_path / "run", ["test.0000", "truncated.0"])
    with pytest.raises(SpectrumFileError, match="truncated.0"):
        read_spectra(folder)
    with pytest.warns(UserWarning, match=r"left out 1 of 2 files.*truncated\.0"):
        data = read_spectra(folder, errors="warn")
    assert list(data.sample_id) == ["test.0000"]


def test_as_frame_feeds_the_axis_to_transformers(samples):
    pd = pytest.importorskip("pandas")
    _need("asd")
    from sklspec.preprocessing import Resample

    data = read_spectrum(samples / "v7sample00000.asd", as_frame=True)
    assert isinstance(data.X, pd.DataFrame) and isinstance(data.metadata, pd.DataFrame)
    assert list(data.X.columns) == list(data.feature_names)
    assert data.X.columns[0] == "350" and data.X.index[0] == "v7sample00000.asd"
    out = Resample(target_wavelengths=[400.0, 1000.0, 2000.0]).fit_transform(data.X)
    np.testing.assert_allclose(
        out[0], data.X.loc[:, ["400", "1000", "2000"]].to_numpy()[0], rtol=1e-12
    )


# ------------------------------------------------------------ no sample needed


def test_unknown_extension_lists_supported_formats(tmp_path):
    f = tmp_path / "notes.xyz"
    f.write_text("hello")
    with pytest.raises(SpectrumFileError) as info:
        read_spectrum(f)
    msg = str(info.value)
    assert "notes.xyz" in msg and "unknown instrument format" in msg
    for info_ in supported_formats().values():
        assert info_["package"] in msg


def test_missing_file_and_empty_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.0"):
        read_spectrum(tmp_path / "nope.0")
    with pytest.raises(FileNotFoundError, match="nope"):
        read_spectra(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match="no file matches"):
        read_spectra(str(tmp_path / "*.0"))
    (tmp_path / "README.md").write_text("x")
    with pytest.raises(FileNotFoundError, match="holds no instrument file"):
        read_spectra(tmp_path)


def test_missing_reader_names_the_extra(tmp_path, monkeypatch):
    f = tmp_path / "a.jdx"
    f.write_text("##TITLE=x\n##END=\n")
    monkeypatch.setitem(sys.modules, "jcamp", None)
    with pytest.raises(ImportError, match=r'pip install "sklspec\[io\]"') as info:
        read_spectrum(f)
    assert "a.jdx" in str(info.value) and "'jcamp'" in str(info.value)
    g = tmp_path / "a.asd"
    g.write_bytes(b"as7" + bytes(600))
    monkeypatch.setitem(sys.modules, "pyASDReader", None)
    with pytest.raises(ImportError, match="pyASDReader"):
        read_spectrum(g)


def test_core_imports_no_reader_and_pyasdreader_writes_no_log(samples, tmp_path):
    """In a fresh interpreter, in an empty working folder."""
    _need("asd")
    code = textwrap.dedent(
        f"""
        import sys
        import sklspec, sklspec.io, sklspec.datasets
        readers = {sorted(READER.values())!r}
        assert not [m for m in readers if m in sys.modules], "reader imported early"
        from sklspec.io import read_spectrum
        d = read_spectrum({str(samples / "v8sample00001.asd")!r})
        import logging
        assert logging.getLogger().handlers == [], logging.getLogger().handlers
        assert d.X.shape == (1, 2151)
        """
    )
    env = dict(
        os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(Path(__file__).parents[2])
    )
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
        env=env, timeout=120,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stdout == "" and res.stderr == ""
    assert list(tmp_path.iterdir()) == [], "a reader wrote into the working folder"


# ------------------------------------------------------------ load_spectra


def test_load_spectra_folder_with_reference_csv(samples, tmp_path):
    _need("asd")
    from sklspec.datasets import load_spectra

    names = sorted(n for n in GOOD if GOOD[n] == "asd")
    folder = _copy(samples, tmp_path / "field", names)
    refs = tmp_path / "refs.csv"
    refs.write_text(
        "file,moisture,batch,comment\n"
        # by full name, by stem, in any order; an extra row without a file
        f"{names[2]},12.5,b,\n"
        f"{Path(names[0]).stem},10.0,a,first\n"
        f"{names[1]},11.0,a,\n"
        f"{names[3]},13.5,b,last\n"
        "not_measured.asd,99,c,\n"
    )
    data = load_spectra(folder, references=refs, block="digital_number")
    assert data.X.shape == (4, 2151) and data.wavelength_unit == "nm"
    assert data.y.tolist() == [10.0, 11.0, 12.5, 13.5]
    assert data.target_names.tolist() == ["moisture"]
    assert data.groups_name == "batch" and data.groups.tolist() == ["a", "a", "b", "b"]
    assert data.extras["comment"].tolist() == ["first", "", "", "last"]
    assert list(data.sample_id) == names and data.kind == "digital_number"
    assert "refs.csv" in data.DESCR

    two = tmp_path / "two.csv"
    two.write_text(
        "sample_id;fat;water\n"
        + "".join(f"{n};{i};{2 * i}\n" for i, n in enumerate(names))
    )
    both = load_spectra(folder, references=two, key="sample_id", block="digital_number")
    assert both.y.shape == (4, 2) and both.target_names.tolist() == ["fat", "water"]
    one = load_spectra(
        folder, references=two, key="sample_id", target="water", block="digital_number"
    )
    assert one.y.tolist() == [0.0, 2.0, 4.0, 6.0]
    assert one.extras["fat"].tolist() == [0.0, 1.0, 2.0, 3.0]

    plain = load_spectra(folder, block="digital_number")  # no references: y is None
    assert plain.y is None and plain.X.shape == (4, 2151)


def test_load_spectra_reference_errors(samples, tmp_path):
    _need("asd")
    from sklspec.datasets import load_spectra

    folder = _copy(samples, tmp_path / "f", ["v6sample00000.asd", "v8sample00001.asd"])
    refs = tmp_path / "refs.csv"
    refs.write_text("file,y\nv6sample00000.asd,1\n")
    with pytest.raises(ValueError, match=r"1 of 2 spectra have no row.*v8sample00001"):
        load_spectra(folder, references=refs)
    with pytest.raises(ValueError, match="has no column 'sample'"):
        load_spectra(folder, references=refs, key="sample")
    with pytest.raises(ValueError, match="matches no metadata field"):
        (tmp_path / "k.csv").write_text("colour,y\nred,1\n")
        load_spectra(folder, references=tmp_path / "k.csv", key="colour")
    (tmp_path / "dup.csv").write_text("file,y\nv6sample00000,1\nv6sample00000,2\n")
    with pytest.raises(ValueError, match="appears on two rows"):
        load_spectra(folder, references=tmp_path / "dup.csv")
    with pytest.raises(ValueError, match="target= needs reference values"):
        load_spectra(folder, target="y")


def test_load_spectra_single_instrument_file(samples):
    _need("jcamp")
    from sklspec.datasets import load_spectra

    data = load_spectra(samples / "PE1800.DX")
    assert data.X.shape == (1, 3301) and data.kind == "transmittance"
