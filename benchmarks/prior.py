"""Throughput of the spectral prior (sklspec.datasets.SpectralPrior).

The bar of issue 10: at least 50,000 spectra/s on 2 CPU cores at a typical
size (256 points), so that pretraining never waits on data. This script draws
batches of ``--batch-size`` spectra from :meth:`SpectralPrior.stream` for
``--seconds`` per run, at 128, 256 and 512 points, single and paired views,
``--repeats`` runs each, and writes the medians to ``results/prior.md`` /
``.json``. Paired rows count samples (pairs) and spectra (two per sample).
"""

from __future__ import annotations

import os
import time

import numpy as np
from _common import Run, output_dir, parser, table

from sklspec.datasets import SpectralPrior

BAR = 50_000  # spectra/s at 256 points


def rate(prior, batch_size: int, paired: bool, seconds: float) -> float:
    """Samples per second drawn from the stream during ``seconds``."""
    stream = prior.stream(batch_size, paired=paired)
    next(stream)  # warm-up
    n, t0 = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - t0) < seconds or n == 0:
        next(stream)
        n += batch_size
    return n / elapsed


def main(argv=None):
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--seconds", type=float, default=3.0, help="per run")
    p.add_argument("--batch-size", type=int, default=4096)
    args = p.parse_args(argv)
    if args.smoke:
        args.repeats, args.seconds = 1, 0.2
    run = Run("prior", argv)
    rows = []
    for n_points in (128, 256, 512):
        for paired in (False, True):
            prior = SpectralPrior(n_points, random_state=args.seed)
            rates = [
                rate(prior, args.batch_size, paired, args.seconds)
                for _ in range(args.repeats)
            ]
            med = float(np.median(rates))
            spectra = med * (2 if paired else 1)
            rows.append(
                {
                    "points": n_points,
                    "views": "paired" if paired else "single",
                    "samples/s": med,
                    "spectra/s": spectra,
                    "min-max samples/s": f"{min(rates):,.0f}-{max(rates):,.0f}",
                    "bar (50k spectra/s at 256)": (
                        ("yes" if spectra >= BAR else "**no**")
                        if n_points == 256
                        else ""
                    ),
                }
            )
            run.log(f"{n_points} points, {rows[-1]['views']}: {spectra:,.0f} spectra/s")
    formats = {"samples/s": "{:,.0f}", "spectra/s": "{:,.0f}"}
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    body = "\n".join(
        [
            f"`SpectralPrior(n_points, random_state={args.seed}).stream("
            f"{args.batch_size})` with the default settings (three regimes, "
            "a new library every 128 spectra), float32; each run draws batches "
            f"for {args.seconds:g} s; median of {args.repeats} runs. "
            f"OMP_NUM_THREADS={threads}. The generator is numpy code on one "
            "thread (the batched matmul may use BLAS threads).",
            "",
            table(rows, list(rows[0]), formats),
        ]
    )
    run.write(
        "Throughput of the spectral prior",
        body,
        {"rows": rows, "batch_size": args.batch_size, "seconds": args.seconds},
        output_dir(args),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
