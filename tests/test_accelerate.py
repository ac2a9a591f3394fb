"""Training through Hugging Face Accelerate: two gloo processes, and AMP.

Each case runs in its own process (Accelerate's state is a process-wide
singleton); the two-process case is launched with ``accelerate launch``, as
a multi-GPU or multi-node run would be (here on CPU, gloo backend).
"""

import inspect
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

pytest.importorskip("accelerate")


def _library():
    rng = np.random.default_rng(0)
    return rng.normal(size=(256, 64)).astype(np.float32).cumsum(axis=1)


# one fit per dict of options, all in one process (under `accelerate launch`,
# in each of its processes); the spectra are those of _library
_RUN = (
    "import json, sys\nimport numpy as np, torch\n"
    + inspect.getsource(_library)
    + textwrap.dedent(
        """
        from accelerate import PartialState
        from sklspec.embedders import MAEEmbedder, VAEEmbedder

        out, runs = sys.argv[1], json.loads(sys.argv[2])
        X = _library()
        for i, options in enumerate(runs):
            cls = {"MAEEmbedder": MAEEmbedder, "VAEEmbedder": VAEEmbedder}
            emb = cls[options.pop("cls")](random_state=0, **options).fit(X)
            state = PartialState()
            rank = state.process_index
            w = torch.cat([p.detach().flatten() for p in emb.module_.parameters()])
            np.save(f"{out}/weights{rank}-{i}.npy", w.numpy())
            Z = emb.transform(X[:8])
            json.dump(
                {
                    "processes": state.num_processes,
                    "type": str(state.distributed_type),
                    "losses": [row["train_loss"] for row in emb.history_],
                    "batches": [row["train_batch_count"] for row in emb.history_],
                    "finite": bool(np.isfinite(Z).all()),
                },
                open(f"{out}/run{rank}-{i}.json", "w"),
            )
        """
    )
)

MAE = dict(cls="MAEEmbedder", max_epochs=3, patch_size=8, batch_size=32)


def _env():
    return {**os.environ, "OMP_NUM_THREADS": "1"}


def _read(out, rank, run=0):
    return (
        json.loads((out / f"run{rank}-{run}.json").read_text()),
        np.load(out / f"weights{rank}-{run}.npy"),
    )


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "run.py"
    path.write_text(_RUN)
    return path


def test_two_processes_train_one_model(script, tmp_path):
    # `accelerate launch`, from this interpreter (the venv need not be on PATH)
    launcher = [sys.executable, "-m", "accelerate.commands.launch"]
    options = {**MAE, "accelerator": {"cpu": True}}
    result = subprocess.run(
        [
            *launcher, "--multi_gpu", "--num_processes", "2",
            "--num_machines", "1", "--mixed_precision", "no",
            "--dynamo_backend", "no", "--main_process_port", "29517",
            str(script), str(tmp_path), json.dumps([options]),
        ],
        capture_output=True, text=True, timeout=300, env=_env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (run0, w0), (run1, w1) = _read(tmp_path, 0), _read(tmp_path, 1)
    assert run0["processes"] == run1["processes"] == 2
    assert "MULTI_CPU" in run0["type"]
    # gradients are averaged across the processes: one model in both
    np.testing.assert_array_equal(w0, w1)
    # each process trained on its half of every epoch's batches
    assert run0["batches"] == run1["batches"] == [4, 4, 4]
    assert run0["losses"] != run1["losses"]
    assert run0["finite"] and run1["finite"]
    assert run0["losses"][-1] < run0["losses"][0]

    # and it is not the model of one process on all the batches (fitted here,
    # without Accelerate: differences far beyond rounding)
    from sklspec.embedders import MAEEmbedder

    options = {k: v for k, v in MAE.items() if k != "cls"}
    single = MAEEmbedder(random_state=0, **options).fit(_library())
    assert [row["train_batch_count"] for row in single.history_] == [8, 8, 8]
    w_single = torch.cat([p.detach().flatten() for p in single.module_.parameters()])
    assert np.abs(w0 - w_single.numpy()).max() > 1e-3


def test_mixed_precision_bf16_trains(script, tmp_path):
    # both embedders in one process (as Accelerate's state is process-wide)
    runs = [
        {**MAE, "accelerator": {"cpu": True, "mixed_precision": "bf16"}},
        {**MAE, "cls": "VAEEmbedder"},
    ]
    runs[1].pop("patch_size")
    runs[1]["accelerator"] = runs[0]["accelerator"]
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path), json.dumps(runs)],
        capture_output=True, text=True, timeout=300, env=_env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    for i, options in enumerate(runs):
        run, w = _read(tmp_path, 0, i)
        assert run["processes"] == 1 and run["finite"], options["cls"]
        assert np.isfinite(w).all(), options["cls"]
        assert run["losses"][-1] < run["losses"][0], options["cls"]


def test_accelerator_parameter_clones_and_is_validated():
    from sklearn.base import clone

    from sklspec.embedders import MAEEmbedder

    emb = MAEEmbedder(accelerator={"mixed_precision": "bf16"})
    assert clone(emb).get_params()["accelerator"] == {"mixed_precision": "bf16"}
    with pytest.raises(ValueError, match="accelerator"):
        MAEEmbedder(accelerator="fast", max_epochs=1).fit(np.ones((4, 32)))
