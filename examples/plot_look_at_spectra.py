"""
Look at your spectra
====================

Before any model, look at the spectra: the axis, the unit, how the classes or
the reference values sit in them, what scatter and baselines do. This example
draws four of the real data sets, each on its own axis, with
:func:`sklspec.plotting.plot_spectra`.

The data sets are found through ``SKLSPEC_DATA`` (default
``../shared/data``; :func:`sklspec.datasets.list_datasets` lists them).
"""

# %%
# Four instruments, four axes
# ---------------------------
# :func:`~sklspec.datasets.load_spectra` returns the spectra ``X`` (one row
# per spectrum), the axis ``wavelengths`` with its ``wavelength_unit``, and
# the reference values ``y``. NIR transmission of pharmaceutical tablets
# (wavenumbers, 4 dose classes), NIR reflectance of corn kernels (nm, protein
# content), Raman spectra of pork fat (Raman shift, iodine value) and MIR
# spectra of soils (wavenumbers, organic carbon).
import matplotlib.pyplot as plt
import numpy as np

from sklspec.datasets import list_datasets, load_spectra
from sklspec.plotting import plot_spectra

print(list_datasets())

tablets = load_spectra("tablets_nir")
corn = load_spectra("corn", target="Protein")
pork = load_spectra("raman_porkfat", target="IV")
soil = load_spectra("limesoda_h138", target="SOC")

fig, axes = plt.subplots(2, 2, figsize=(11, 7), layout="constrained")
plot_spectra(
    tablets.X, tablets.y, wavelengths=tablets.wavelengths, unit="cm-1", ax=axes[0, 0]
)
axes[0, 0].set_title("tablets_nir: NIR transmission, dose class")
plot_spectra(corn.X, corn.y, wavelengths=corn.wavelengths, unit="nm", ax=axes[0, 1])
axes[0, 1].set_title("corn: NIR reflectance, protein (%)")
plot_spectra(pork.X, pork.y, wavelengths=pork.wavelengths, unit="cm-1", ax=axes[1, 0])
axes[1, 0].set_title("raman_porkfat: Raman, iodine value")
plot_spectra(soil.X, soil.y, wavelengths=soil.wavelengths, unit="cm-1", ax=axes[1, 1])
axes[1, 1].set_title("limesoda_h138: soil MIR, organic carbon (%)")
plt.show()

# %%
# Class means with their spread
# -----------------------------
# With many spectra per class, lines hide each other. ``kind="mean_std"``
# draws each class's mean spectrum with a band of one standard deviation:
# on the tablets, the dose classes differ far less than the spectra of one
# class spread (scatter), which is why the models below start with a
# scatter correction.
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
plot_spectra(
    tablets.X,
    tablets.y,
    wavelengths=tablets.wavelengths,
    unit="cm-1",
    kind="mean_std",
    ax=ax,
)
ax.set_title("tablets_nir: mean ± std per dose class")
plt.show()

# %%
# The same sample on three instruments
# ------------------------------------
# ``corn`` holds every sample measured on three NIR instruments (``X`` is m5,
# ``extras`` the two others). The spectra of one sample differ by more than
# the spectra of different samples on one instrument: a model calibrated on
# one instrument needs transfer before it reads another (see
# :ref:`sphx_glr_auto_examples_plot_nir_to_mir.py`).
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
for name, X in [
    ("m5", corn.X),
    ("mp5", corn.extras["X_mp5"]),
    ("mp6", corn.extras["X_mp6"]),
]:
    plot_spectra(
        X[:1],
        wavelengths=corn.wavelengths,
        unit="nm",
        ax=ax,
        label=f"sample 0 on {name}",
        linewidth=1.5,
    )
ax.legend()
ax.set_title("corn: one sample, three instruments")
plt.show()

print(
    "corn, largest gap between instruments for one sample:",
    float(np.abs(corn.X[0] - corn.extras["X_mp5"][0]).max()),
)
