"""Oversubscription: one ``sklspec compare`` alone, two side by side, n_jobs=2.

Torch and BLAS start one thread per core in every process. Two processes on
a 2-core machine then run four busy threads, and OpenMP threads that spin
while waiting slow each other far more than twice. This script runs the same
small ``sklspec compare`` (tablets_nir, 3 folds, PLS-DA and the SSL-CNN probe)

- alone (the reference);
- twice at the same time, as a user with another job on the machine would;
- alone with ``--n-jobs 2`` (joblib workers over the folds);

each under the CLI's default thread policy and, for comparison, with the
policy switched off (``SKLSPEC_THREADS=all``), and writes the wall times to
``results/threads.md`` / ``.json``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import Run, parser, table

MODELS = ["PLS-DA", "SSL-CNN embedding + linear"]


def _cmd(out: Path, data: str, n_jobs: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "sklspec",
        "compare",
        "--data",
        data,
        "--cv",
        "3",
        "--models",
        *MODELS,
        "--n-jobs",
        str(n_jobs),
        "--output",
        str(out),
    ]


def _run_together(n_procs: int, n_jobs: int, env: dict, data: str) -> list[float]:
    """Start ``n_procs`` compares at once; return each one's wall time."""
    with tempfile.TemporaryDirectory() as tmp:
        procs = []
        for i in range(n_procs):
            t0 = time.perf_counter()
            p = subprocess.Popen(
                _cmd(Path(tmp) / str(i), data, n_jobs),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            procs.append((p, t0))
        times = []
        for p, t0 in procs:
            _, err = p.communicate()
            if p.returncode:
                raise RuntimeError(f"sklspec compare failed:\n{err[-2000:]}")
            times.append(time.perf_counter() - t0)
    return times


def main(argv=None):
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    run = Run("threads", argv)
    data = "ucr_beef" if args.smoke else "tablets_nir"
    base_env = {k: v for k, v in os.environ.items() if k != "SKLSPEC_THREADS"}
    if args.data_home:
        base_env["SKLSPEC_DATA"] = args.data_home
    rows = []
    for policy, env in [
        ("default", base_env),
        ("off (SKLSPEC_THREADS=all)", {**base_env, "SKLSPEC_THREADS": "all"}),
    ]:
        for label, n_procs, n_jobs in [
            ("one run alone", 1, 1),
            ("two runs side by side", 2, 1),
            ("one run, --n-jobs 2", 1, 2),
        ]:
            times = _run_together(n_procs, n_jobs, env, data)
            run.log(f"{policy} / {label}: {', '.join(f'{t:.1f}' for t in times)} s")
            rows.append(
                {
                    "thread policy": policy,
                    "case": label,
                    "wall (s), each run": ", ".join(f"{t:.1f}" for t in times),
                    "slowest (s)": max(times),
                }
            )
    alone = {
        r["thread policy"]: r["slowest (s)"]
        for r in rows
        if r["case"] == "one run alone"
    }
    for r in rows:
        r["vs alone"] = r["slowest (s)"] / alone[r["thread policy"]]
    body = "\n".join(
        [
            f"`sklspec compare --data {data} --cv 3 --models {' '.join(MODELS)}`; "
            "two runs side by side do twice the work, so 2.0x the time of one "
            "run is the fair share of the cores and anything above it is lost "
            "to oversubscription.",
            "",
            table(
                rows,
                [
                    "thread policy",
                    "case",
                    "wall (s), each run",
                    "slowest (s)",
                    "vs alone",
                ],
                {"slowest (s)": "{:.1f}", "vs alone": "{:.2f}x"},
            ),
        ]
    )
    run.write(
        "Threads: runs side by side and n_jobs", body, {"rows": rows}, args.output
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
