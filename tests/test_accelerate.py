"""Training through Hugging Face Accelerate: two gloo processes, and AMP.

Each case runs in its own process (Accelerate's state is a process-wide
singleton); the two-process case is launched with ``accelerate launch``, as
a multi-GPU or multi-node run would be (here on CPU, gloo backend).
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("accelerate")

_RUN = textwrap.dedent(
    """
    import json, sys
    import numpy as np, torch
    from sklspec.embedders import MAEEmbedder, VAEEmbedder

    out, options = sys.argv[1], json.loads(sys.argv[2])
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 64)).astype(np.float32).cumsum(axis=1)
    cls = {"MAEEmbedder": MAEEmbedder, "VAEEmbedder": VAEEmbedder}[options.pop("cls")]
    emb = cls(random_state=0, **options).fit(X)
    from accelerate import PartialState
    state = PartialState()
    w = torch.cat([p.detach().flatten() for p in emb.module_.parameters()])
    np.save(f"{out}/weights{state.process_index}.npy", w.numpy())
    Z = emb.transform(X[:8])
    json.dump(
        {
            "processes": state.num_processes,
            "type": str(state.distributed_type),
            "losses": [row["train_loss"] for row in emb.history_],
            "batches": [row["train_batch_count"] for row in emb.history_],
            "finite": bool(np.isfinite(Z).all()),
        },
        open(f"{out}/run{state.process_index}.json", "w"),
    )
    """
)

MAE = dict(cls="MAEEmbedder", max_epochs=3, patch_size=8, batch_size=32)


def _env():
    return {**os.environ, "OMP_NUM_THREADS": "1"}


def _read(out, rank):
    return (
        json.loads((out / f"run{rank}.json").read_text()),
        np.load(out / f"weights{rank}.npy"),
    )


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "run.py"
    path.write_text(_RUN)
    return path


def test_two_processes_train_one_model(script, tmp_path):
    # `accelerate launch`, from this interpreter (the venv need not be on PATH)
    launcher = [sys.executable, "-m", "accelerate.commands.launch"]
    out = tmp_path / "two"
    out.mkdir()
    options = {**MAE, "accelerator": {"cpu": True}}
    result = subprocess.run(
        [
            *launcher, "--multi_gpu", "--num_processes", "2",
            "--num_machines", "1", "--mixed_precision", "no",
            "--dynamo_backend", "no", "--main_process_port", "29517",
            str(script), str(out), json.dumps(options),
        ],
        capture_output=True, text=True, timeout=300, env=_env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (run0, w0), (run1, w1) = _read(out, 0), _read(out, 1)
    assert run0["processes"] == run1["processes"] == 2
    assert "MULTI_CPU" in run0["type"]
    # gradients are averaged across the processes: one model in both
    np.testing.assert_array_equal(w0, w1)
    # each process trained on its half of every epoch's batches
    assert run0["batches"] == run1["batches"] == [4, 4, 4]
    assert run0["losses"] != run1["losses"]
    assert run0["finite"] and run1["finite"]
    assert run0["losses"][-1] < run0["losses"][0]

    # and it is not the single-process model
    single = tmp_path / "one"
    single.mkdir()
    subprocess.run(
        [sys.executable, str(script), str(single), json.dumps(MAE)],
        check=True, timeout=300, env=_env(),
    )  # fmt: skip
    _, w_single = _read(single, 0)
    assert not np.array_equal(w0, w_single)


@pytest.mark.parametrize("cls", ["MAEEmbedder", "VAEEmbedder"])
def test_mixed_precision_bf16_trains(cls, script, tmp_path):
    options = {
        **MAE,
        "cls": cls,
        "accelerator": {"cpu": True, "mixed_precision": "bf16"},
    }
    if cls == "VAEEmbedder":
        options.pop("patch_size")
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path), json.dumps(options)],
        capture_output=True, text=True, timeout=300, env=_env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    run, w = _read(tmp_path, 0)
    assert run["processes"] == 1 and run["finite"]
    assert np.isfinite(w).all()
    assert run["losses"][-1] < run["losses"][0]


def test_accelerator_parameter_clones_and_is_validated():
    from sklearn.base import clone

    from sklspec.embedders import MAEEmbedder

    emb = MAEEmbedder(accelerator={"mixed_precision": "bf16"})
    assert clone(emb).get_params()["accelerator"] == {"mixed_precision": "bf16"}
    with pytest.raises(ValueError, match="accelerator"):
        MAEEmbedder(accelerator="fast", max_epochs=1).fit(np.ones((4, 32)))
