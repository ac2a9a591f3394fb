"""Tests of the ``sklspec`` command line."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from sklspec import cli
from sklspec.cli import main
from sklspec.datasets import make_spectra


@pytest.fixture
def npz_file(tmp_path):
    d = make_spectra(n_samples=60, n_wavelengths=64, random_state=0)
    path = tmp_path / "toy.npz"
    np.savez(
        path,
        X=d.X.astype(np.float32),
        wavelengths=d.wavelengths,
        wavelength_unit=np.array("nm"),
        y=d.y,
        conc=np.r_[np.nan, d.concentrations[1:, 0]],
    )
    return path


def test_models_lists_baselines_and_ssl(capsys):
    assert main(["models", "--task", "classification"]) == 0
    out = capsys.readouterr().out
    for name in ("PLS-DA", "SVM", "kNN", "MiniRocket", "SSL-CNN fine-tuned"):
        assert name in out


def test_compare_writes_results(npz_file, tmp_path, capsys):
    out_dir = tmp_path / "out"
    code = main(
        [
            "compare",
            "--data",
            str(npz_file),
            "--models",
            "pls-da",
            "kNN",
            "--cv",
            "3",
            "--output",
            str(out_dir),
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert "PLS-DA" in captured.out and "±" in captured.out
    payload = json.loads((out_dir / "results.json").read_text())
    assert payload["task"] == "classification"
    assert payload["n_spectra"] == 60
    assert payload["machine"]["cpu_count"] >= 1
    assert payload["wall_seconds"] > 0
    assert "sklspec compare" in payload["command"]
    assert (out_dir / "results.csv").read_text().count("\n") >= 3
    if cli._pyplot() is not None:  # the chart, next to the CSV / JSON
        assert (out_dir / "leaderboard.png").is_file()
        assert "leaderboard.png" in payload["files"]
        assert f"leaderboard chart: {out_dir / 'leaderboard.png'}" in captured.err


def test_demo_with_ssl_pretrained_on_unlabelled_pool(tmp_path, capsys):
    code = main(
        [
            "demo",
            "--n-samples",
            "60",
            "--n-unlabeled",
            "40",
            "--models",
            "PLS-DA",
            "SSL-CNN embedding + linear",
            "--cv",
            "2",
            "--no-curve",
            "--output",
            str(tmp_path),
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert "pretrained TransformRecogEmbedder on 40 unlabelled spectra" in (
        captured.out + captured.err
    )
    assert "SSL-CNN embedding + linear" in captured.out
    assert (tmp_path / "results.json").is_file()


def test_regression_target_with_missing_values(npz_file, tmp_path, capsys):
    code = main(
        [
            "compare",
            "--data",
            str(npz_file),
            "--target",
            "conc",
            "--models",
            "PLSR",
            "--cv",
            "3",
            "--output",
            str(tmp_path),
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert "1 spectra without a target value are left out" in captured.err
    assert json.loads((tmp_path / "results.json").read_text())["n_spectra"] == 59
    assert "rpd" in captured.out
    if cli._pyplot() is not None:  # R² bars, the mean predictor at 0
        assert (tmp_path / "leaderboard.png").is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (["compare", "--data", "does/not/exist.npz"], "does/not/exist.npz"),
        (["compare", "--models", "nope"], "unknown model"),
        (["compare", "--target", "nope"], "nope"),
        (["compare", "--cv", "1"], "--cv must be at least 2"),
    ],
)
def test_errors_name_the_problem(npz_file, tmp_path, capsys, args, message):
    if "--data" not in args:
        args = [*args, "--data", str(npz_file)]
    code = main([*args, "--output", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("sklspec: error:")
    assert message in err


def test_module_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "sklspec", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip()


def _threads_in_fresh_process(env_extra):
    import subprocess
    import sys

    code = (
        "from sklspec.cli import _apply_thread_policy as a; n = a(); "
        "import torch; print(n, torch.get_num_threads())"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "SKLSPEC_THREADS")
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, **env_extra},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def test_thread_policy_sets_torch_threads_before_torch_starts():
    assert _threads_in_fresh_process({"SKLSPEC_THREADS": "1"}) == ["1", "1"]


@pytest.mark.parametrize(
    "env, expected",
    [
        # the user's own OMP_NUM_THREADS wins
        ({"SKLSPEC_THREADS": "1", "OMP_NUM_THREADS": "2"}, "2"),
        # "all" switches the policy off
        ({"SKLSPEC_THREADS": "all"}, None),
    ],
)
def test_thread_policy_leaves_the_users_settings(env, expected, monkeypatch):
    from sklspec.cli import _apply_thread_policy

    names = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    for name in (*names, "OMP_WAIT_POLICY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # as at the start of the command, before torch is imported
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    assert _apply_thread_policy() is None
    assert [os.environ.get(name) for name in names] == [expected, None, None]


# eight copies of one scan: PLS warns about the constant spectra, as it should
@pytest.mark.filterwarnings("ignore")
def test_compare_on_a_folder_of_instrument_files(tmp_path, capsys):
    import importlib.util
    import shutil
    from pathlib import Path

    samples = Path(
        os.environ.get(
            "SKLSPEC_IO_SAMPLES",
            Path(__file__).resolve().parents[2].parent / "shared" / "io-samples",
        )
    )
    source = samples / "v7sample00000.asd"
    if not source.is_file() or importlib.util.find_spec("pyASDReader") is None:
        pytest.skip("needs shared/io-samples and the io extra (pyASDReader)")
    folder = tmp_path / "scans"
    folder.mkdir()
    rng = np.random.default_rng(0)
    rows = ["file,protein"]
    for i in range(8):
        shutil.copy(source, folder / f"s{i}.asd")
        rows.append(f"s{i},{rng.normal():.3f}")
    (tmp_path / "refs.csv").write_text("\n".join(rows) + "\n")
    out_dir = tmp_path / "out"
    args = ["compare", "--data", str(folder), "--models", "PLSR", "--cv", "2"]
    args += ["--output", str(out_dir)]
    assert main(args) == 2  # reference values are needed for a folder of files
    assert "reference" in capsys.readouterr().err
    args += ["--references", str(tmp_path / "refs.csv"), "--target", "protein"]
    assert main(args) == 0
    payload = json.loads((out_dir / "results.json").read_text())
    assert payload["task"] == "regression" and payload["n_spectra"] == 8


def test_compare_reports_the_applicability_domain(tmp_path, capsys):
    # two batches; batch b looks like another instrument (a baseline and a band
    # batch a never had), so with grouped 2-fold CV the fold trained on a
    # flags (nearly) every b spectrum, while the domain check itself costs a PCA
    d = make_spectra(n_samples=80, n_wavelengths=64, random_state=1)
    X = d.X.copy()
    batch = np.array(["a"] * 50 + ["b"] * 30)
    band = 0.05 * np.exp(-0.5 * ((np.arange(64) - 40) / 3.0) ** 2)
    X[50:] += 0.2 + band
    path = tmp_path / "two_batches.npz"
    np.savez(path, X=X, wavelengths=d.wavelengths, y=d.y, batch=batch)
    out_dir = tmp_path / "out"
    base = ["compare", "--data", str(path), "--models", "PLS-DA", "--cv", "2"]
    assert main([*base, "--groups", "batch", "--output", str(out_dir)]) == 0
    out = capsys.readouterr().out
    line = [ln for ln in out.splitlines() if ln.startswith("applicability domain")]
    assert len(line) == 1 and "test spectra" in line[0]
    assert out.index("PLS-DA") < out.index("applicability domain")  # after the board
    domain = json.loads((out_dir / "results.json").read_text())["domain"]
    assert domain["alpha"] == 0.05 and len(domain["folds"]) == 2
    assert domain["n_test"] == 80
    assert domain["n_outside"] == sum(f["n_outside"] for f in domain["folds"])
    by_size = {f["n_test"]: f for f in domain["folds"]}
    assert by_size[30]["fraction_outside"] >= 0.9  # batch b, trained on a
    assert f"{domain['n_outside']} of 80 test spectra" in line[0]

    # ordinary shuffled folds of one population: about alpha flagged
    one = make_spectra(n_samples=120, n_wavelengths=64, random_state=2)
    np.savez(path, X=one.X, wavelengths=one.wavelengths, y=one.y)
    assert main([*base, "--cv", "3", "--output", str(out_dir)]) == 0
    capsys.readouterr()
    domain = json.loads((out_dir / "results.json").read_text())["domain"]
    assert domain["n_test"] == 120 and domain["fraction_outside"] < 0.2

    # --no-domain: nothing computed, nothing printed
    assert main([*base, "--no-domain", "--output", str(out_dir)]) == 0
    assert "applicability domain" not in capsys.readouterr().out
    assert json.loads((out_dir / "results.json").read_text())["domain"] is None


def test_busy_cpus_sees_another_busy_process():
    from sklspec.cli import _busy_cpus

    idle = _busy_cpus()
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        import time

        time.sleep(0.3)
        busy = _busy_cpus(0.5)
    finally:
        spinner.kill()
        spinner.wait()
    assert 0.0 <= idle <= (os.cpu_count() or 1)
    assert busy >= 0.7  # one core spinning
