"""
From a folder of instrument files to a prediction you can trust
===============================================================

The whole chain a lab runs: read a folder of instrument files and a CSV of
reference values (:func:`sklspec.datasets.load_spectra`), calibrate a
pipeline wrapped in conformal intervals
(:class:`~sklspec.conformal.ConformalRegressor`), learn the applicability
domain of the calibration spectra
(:class:`~sklspec.domain.PCAOutlierDetector`), then read new files
(:func:`sklspec.io.read_spectra`) and report, for each, a prediction, its
90 % interval and whether the spectrum is like the calibration ones.

First, real files of five instrument formats are read from
``shared/io-samples`` beside the data sets, **when that folder is present**:
they are the test files of the readers, not part of the package, and this
section is skipped without them. The calibration itself needs a folder of
many measurements with reference values; it is made here by writing the
``tablets_nir`` spectra (real NIR transmission spectra, four dose classes,
active content in % w/w) as JCAMP-DX files, one file per tablet, as an
instrument's export would.
"""

# %%
# Real instrument files (when ``shared/io-samples`` is present)
# -------------------------------------------------------------
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.pipeline import make_pipeline

from sklspec.conformal import ConformalRegressor
from sklspec.datasets import load_spectra
from sklspec.domain import PCAOutlierDetector
from sklspec.io import read_spectra, read_spectrum
from sklspec.plotting import plot_predicted_vs_measured, plot_spectra
from sklspec.preprocessing import SNV
from sklspec.utils import get_data_home

samples = get_data_home().parent / "io-samples"
files = ["test.0000", "PE1800.DX", "sp1.spc", "44231B009-1-FW300000.asd", "sp.wdf"]
if samples.is_dir():
    fig, axes = plt.subplots(1, 5, figsize=(16, 3.2), layout="constrained")
    for ax, name in zip(axes, files):
        s = read_spectrum(samples / name)
        plot_spectra(s.X, wavelengths=s.wavelengths, unit=s.wavelength_unit, ax=ax)
        ax.set_title(f"{name}\n{s.metadata[0]['format']}: {s.kind}", fontsize=9)
        print(
            f"{name:26s} {s.X.shape[1]:5d} points, {s.kind}, {s.axis_kind} "
            f"({s.wavelength_unit})"
        )
    plt.show()
else:
    print(f"{samples} not found: the real instrument files are skipped")

# %%
# A folder of measurements and a CSV of reference values
# ------------------------------------------------------
# The Lab- and Pilot-scale tablets are the calibration set; the new
# measurements are 10 more of them and 10 tablets from Commercial production
# (another scale, which the calibration never saw).
tablets = load_spectra("tablets_nir")
active = tablets.extras["y_active_pct_ww"]
scale = np.asarray(tablets.groups)
rng = np.random.default_rng(0)
small = rng.permutation(np.flatnonzero(scale != "Commercial"))
cal_idx, new_idx = (
    small[10:],
    np.r_[
        small[:10], rng.choice(np.flatnonzero(scale == "Commercial"), 10, replace=False)
    ],
)

workdir = Path(tempfile.mkdtemp())


def write_folder(folder, index):
    """One JCAMP-DX file per tablet, (x, y) pairs as an export writes them."""
    folder.mkdir()
    for i in index:
        points = "\n".join(
            f"{x:.4f}, {v:.6f}" for x, v in zip(tablets.wavelengths, tablets.X[i])
        )
        (folder / f"t{i:03d}.jdx").write_text(
            f"##TITLE=tablet {i}\n##JCAMP-DX=4.24\n##DATA TYPE=NIR SPECTRUM\n"
            f"##XUNITS=1/CM\n##YUNITS=ABSORBANCE\n##NPOINTS={tablets.X.shape[1]}\n"
            f"##XYPOINTS=(XY..XY)\n{points}\n##END=\n"
        )


write_folder(workdir / "scans", cal_idx)
write_folder(workdir / "new_scans", new_idx)
refs = workdir / "refs.csv"
refs.write_text("file,active\n" + "".join(f"t{i:03d},{active[i]}\n" for i in cal_idx))
print(sorted(p.name for p in (workdir / "scans").iterdir())[:3], "...")
print(refs.read_text().splitlines()[:3], "...")

# %%
# Calibrate: a pipeline in conformal intervals, and its domain
# ------------------------------------------------------------
cal = load_spectra(workdir / "scans", references=refs, target="active")
print(cal.X.shape, cal.kind, cal.wavelength_unit)

model = ConformalRegressor(
    make_pipeline(SNV(), PLSRegression(n_components=6)),
    confidence_level=0.9,
    random_state=0,
).fit(cal.X, cal.y)
domain = make_pipeline(
    SNV(), PCAOutlierDetector(n_components=6, alpha=0.05, random_state=0)
).fit(cal.X)

# %%
# New files: prediction, interval, in-domain flag
# -----------------------------------------------
# ``resample=cal.wavelengths`` puts files of another resolution on the
# calibration axis (these share it already).
new = read_spectra(workdir / "new_scans", resample=cal.wavelengths)
y_hat = model.predict(new.X)
interval = model.predict_interval(new.X)  # (n, 2): lower, upper
inside = domain.predict(new.X) == 1  # +1 inside, -1 outside
rows = [int(Path(f).stem[1:]) for f in new.sample_id]  # t049.jdx -> 49
truth, commercial = active[rows], scale[rows] == "Commercial"
for name, yh, (lo, hi), ok, t, c in zip(
    new.sample_id, y_hat, interval, inside, truth, commercial
):
    print(
        f"{name} ({'Commercial' if c else 'Lab/Pilot '}): {yh:4.1f} "
        f"[{lo:4.1f}, {hi:4.1f}]  measured {t:4.1f}",
        "" if ok else " OUTSIDE the domain",
    )
print(
    "flagged outside: Commercial",
    int((~inside[commercial]).sum()),
    "of 10,",
    "Lab/Pilot",
    int((~inside[~commercial]).sum()),
    "of 10",
)

fig, ax = plt.subplots(figsize=(5.5, 5), layout="constrained")
plot_predicted_vs_measured(truth, y_hat, intervals=interval, ax=ax)
ax.scatter(
    truth[~inside],
    y_hat[~inside],
    s=120,
    facecolors="none",
    edgecolors="C3",
    label="outside the domain",
)
ax.legend()
ax.set_title("new tablets: prediction, 90 % interval, domain")
plt.show()

# %%
# The interval holds the reference value 90 % of the time only for spectra
# like the calibration ones; a spectrum flagged outside the domain gets a
# number, but neither it nor its interval should be trusted.
# ``benchmarks/results/trust.md`` (:doc:`/benchmarks_results/trust`)
# measures the detectors on other instruments and scales and the coverage of
# the intervals; :ref:`sphx_glr_auto_examples_plot_applicability_domain.py`
# compares the detectors.
