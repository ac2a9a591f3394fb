"""
From a cheap instrument to the reference one: NIR → MIR conversion
==================================================================

:class:`~sklspec.embedders.NIRtoMIRConverter` (the SSML framework) maps
spectra of a low-fidelity instrument onto those of a high-fidelity one: a
:class:`~sklspec.embedders.VAEEmbedder` learns the reference instrument's
spectra without labels, its decoder is frozen, and a new encoder learns, on
samples scanned on both instruments, where each cheap scan belongs. A model
calibrated on the reference instrument then reads converted cheap scans.

None of the data sets here has a sample measured in both NIR and MIR, so
this example uses the pair the user guide uses (:doc:`/user_guide/nir_to_mir`):
the ``corn`` samples measured on two NIR instruments, mp5 as the cheap one
and m5 as the reference. Nothing in the converter is specific to NIR and
MIR. It is compared with the classic calibration-transfer methods of
:mod:`sklspec.transfer`, direct standardisation and piecewise DS, given the
same transfer samples.
"""

# %%
# The reference library and the transfer samples
# ----------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.frozen import FrozenEstimator

from sklspec.datasets import load_spectra
from sklspec.embedders import NIRtoMIRConverter, VAEEmbedder
from sklspec.evaluation import rmse
from sklspec.plotting import plot_predicted_vs_measured, plot_spectra
from sklspec.transfer import (
    DirectStandardization,
    PiecewiseDirectStandardization,
    kennard_stone,
)

corn = load_spectra("corn", target="Protein")
X_ref, X_cheap, y, wl = corn.X, corn.extras["X_mp5"], corn.y, corn.wavelengths
rng = np.random.default_rng(0)
cal, test = np.split(rng.permutation(len(y)), [60])
# 15 transfer samples scanned on both instruments, spread by Kennard-Stone
pairs = cal[kennard_stone(X_ref[cal], 15)]

# %%
# Train the VAE on the reference spectra, then the converter
# ----------------------------------------------------------
vae = VAEEmbedder(
    latent_dim=16, hidden=(256, 128), beta=0.1, max_epochs=150, random_state=0
).fit(X_ref[cal])
conv = NIRtoMIRConverter(
    FrozenEstimator(vae),
    hidden=(256, 256),
    max_epochs=300,
    batch_size=16,
    random_state=0,
)
conv.fit(X_cheap[pairs], X_ref[pairs])  # (low-fidelity, high-fidelity)

ds = DirectStandardization(alpha=1e-3).fit(X_cheap[pairs], X_ref[pairs])
pds = PiecewiseDirectStandardization(window=5, n_components=2).fit(
    X_cheap[pairs], X_ref[pairs]
)

# %%
# A PLS calibrated on the reference instrument reads every version
# ----------------------------------------------------------------
pls = PLSRegression(10).fit(X_ref[cal], y[cal])
versions = {
    "reference instrument (m5)": X_ref[test],
    "cheap instrument, as measured": X_cheap[test],
    "converted (NIRtoMIRConverter)": conv.transform(X_cheap[test]),
    "direct standardisation": ds.transform(X_cheap[test]),
    "piecewise DS": pds.transform(X_cheap[test]),
}
predictions = {}
for name, X in versions.items():
    predictions[name] = pls.predict(X).ravel()
    print(f"{name:31s} RMSEP {rmse(y[test], predictions[name]):.3f} % protein")

# %%
# One test sample, and the predictions
# ------------------------------------
fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
for name in [
    "reference instrument (m5)",
    "cheap instrument, as measured",
    "converted (NIRtoMIRConverter)",
]:
    plot_spectra(versions[name][:1], wavelengths=wl, unit="nm", ax=axes[0], label=name)
axes[0].legend()
axes[0].set_title("corn test sample 0")
plot_predicted_vs_measured(
    y[test], predictions["converted (NIRtoMIRConverter)"], ax=axes[1]
)
axes[1].set_title("PLS (m5 calibration) on converted mp5 scans")
plt.show()

# %%
# Which transfer method wins depends on the instruments and on the number of
# transfer samples: compare the printed RMSEPs, one split and 15 transfer
# samples here. ``benchmarks/results/vae_converter.md``
# (:doc:`/benchmarks_results/vae_converter`) repeats the comparison over
# 5-40 transfer samples, on corn and on the 2002 shoot-out tablets.
