"""Oversubscription: ``sklspec compare`` alone, beside another run, n_jobs=2.

Torch and BLAS start one thread per core in every process, and OpenMP
threads spin while they wait, so two busy processes on a 2-core machine slow
each other far more than twice. The ``sklspec`` command checks at start-up
whether other processes keep cores busy; if so it takes only the free cores
and lets idle OpenMP threads sleep, on an idle machine it changes nothing.
This script runs the same small ``sklspec compare`` (tablets_nir, 3 folds,
PLS-DA and the SSL-CNN probe):

- alone on an idle machine (the reference; the policy does nothing here);
- started 10 s after another run, under the policy and with it switched off
  (``SKLSPEC_THREADS=all``): the case of a user with a job already running;
- two runs started at the same instant (both see an idle machine, so the
  policy cannot act: the gap it leaves);
- alone with ``--n-jobs 2`` (joblib workers over the folds);

and writes the wall times to ``results/threads.md`` / ``.json``.
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


def _run_together(
    n_procs: int, n_jobs: int, env: dict, data: str, stagger: float = 0.0
) -> list[float]:
    """Start ``n_procs`` compares ``stagger`` s apart; return their wall times."""
    with tempfile.TemporaryDirectory() as tmp:
        procs = []
        for i in range(n_procs):
            if i and stagger:
                time.sleep(stagger)
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
    off_env = {**base_env, "SKLSPEC_THREADS": "all"}
    rows = []
    for policy, label, n_procs, n_jobs, stagger, env in [
        ("either (idle machine)", "one run alone", 1, 1, 0.0, base_env),
        ("default", "second run started 10 s after a first", 2, 1, 10.0, base_env),
        (
            "off (SKLSPEC_THREADS=all)",
            "second run started 10 s after a first",
            2,
            1,
            10.0,
            off_env,
        ),
        (
            "either (both see an idle machine)",
            "two runs started together",
            2,
            1,
            0.0,
            base_env,
        ),
        ("either (idle machine)", "one run, --n-jobs 2", 1, 2, 0.0, base_env),
    ]:
        times = _run_together(n_procs, n_jobs, env, data, stagger)
        run.log(f"{policy} / {label}: {', '.join(f'{t:.1f}' for t in times)} s")
        rows.append(
            {
                "thread policy": policy,
                "case": label,
                "wall (s), each run": ", ".join(f"{t:.1f}" for t in times),
                "slowest (s)": max(times),
            }
        )
    alone = rows[0]["slowest (s)"]
    for r in rows:
        r["vs alone"] = r["slowest (s)"] / alone
    body = "\n".join(
        [
            f"`sklspec compare --data {data} --cv 3 --models {' '.join(MODELS)}`; "
            "two overlapping runs do twice the work, so up to 2.0x the time of "
            "one run is the fair share of the cores and anything above it is "
            "lost to oversubscription.",
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
