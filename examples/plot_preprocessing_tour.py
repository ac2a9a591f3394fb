"""
A tour of spectral preprocessing
================================

The usual chemometric corrections are scikit-learn transformers in
:mod:`sklspec.preprocessing`: scatter corrections
(:class:`~sklspec.preprocessing.StandardNormalVariate`, alias ``SNV``;
:class:`~sklspec.preprocessing.MultiplicativeScatterCorrection`, alias
``MSC``), :class:`~sklspec.preprocessing.SavitzkyGolay` smoothing and
derivatives, :class:`~sklspec.preprocessing.Detrend`,
:class:`~sklspec.preprocessing.RangeCut`,
:class:`~sklspec.preprocessing.Resample` and
:class:`~sklspec.preprocessing.CanonicalGrid`, the map every shipped encoder
puts spectra through. :class:`~sklspec.augmentation.SpectralAugmenter` draws
augmented copies for training. Each is drawn here on the corn spectra
(NIR, 700 points, 1100-2498 nm).
"""

# %%
# Scatter corrections and derivatives
# -----------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from sklspec.augmentation import SpectralAugmenter
from sklspec.datasets import load_spectra
from sklspec.plotting import plot_spectra
from sklspec.preprocessing import (
    MSC,
    SNV,
    CanonicalGrid,
    Detrend,
    RangeCut,
    Resample,
    SavitzkyGolay,
)

corn = load_spectra("corn", target="Protein")
X, y, wl = corn.X, corn.y, corn.wavelengths

steps = {
    "raw": X,
    "SNV": SNV().fit_transform(X),
    "MSC": MSC().fit_transform(X),
    "Detrend (order 2)": Detrend(order=2, wavelengths=wl).fit_transform(X),
    "SNV + SG 1st derivative": make_pipeline(
        SNV(), SavitzkyGolay(window_length=15, polyorder=2, deriv=1)
    ).fit_transform(X),
    "SNV + SG 2nd derivative": make_pipeline(
        SNV(), SavitzkyGolay(window_length=21, polyorder=3, deriv=2)
    ).fit_transform(X),
}
fig, axes = plt.subplots(3, 2, figsize=(11, 9), layout="constrained")
for ax, (name, Xt) in zip(axes.ravel(), steps.items()):
    plot_spectra(Xt, y, wavelengths=wl, unit="nm", ax=ax)
    ax.set_title(name)
plt.show()

# %%
# Does it matter? A PLS regression of protein on each
# ---------------------------------------------------
# The same 8-component PLS regression, 5-fold cross-validated RMSE, after
# each preprocessing. The preprocessing sits inside the pipeline, so it is
# fitted on the training folds only (MSC's reference spectrum, for one).
pipes = {
    "raw": make_pipeline(PLSRegression(8)),
    "SNV": make_pipeline(SNV(), PLSRegression(8)),
    "MSC": make_pipeline(MSC(), PLSRegression(8)),
    "Detrend": make_pipeline(Detrend(order=2, wavelengths=wl), PLSRegression(8)),
    "SNV + SG1": make_pipeline(
        SNV(), SavitzkyGolay(window_length=15, polyorder=2, deriv=1), PLSRegression(8)
    ),
    "SNV + SG2": make_pipeline(
        SNV(), SavitzkyGolay(window_length=21, polyorder=3, deriv=2), PLSRegression(8)
    ),
}
for name, pipe in pipes.items():
    rmse = -cross_val_score(pipe, X, y, cv=5, scoring="neg_root_mean_squared_error")
    print(f"{name:10s} RMSECV {rmse.mean():.3f} ± {rmse.std():.3f} % protein")

# %%
# Cutting and resampling the axis
# -------------------------------
# :class:`~sklspec.preprocessing.RangeCut` keeps a window of the axis,
# :class:`~sklspec.preprocessing.Resample` interpolates onto another one (an
# instrument with another resolution). With a DataFrame whose column names
# are the wavelengths, the axis travels with the data and ``wavelengths=``
# is not needed.
cut = RangeCut(1600, 1800, wavelengths=wl).fit(X)
coarse_axis = np.linspace(1101, 2497, 50)
coarse = Resample(coarse_axis, wavelengths=wl).fit(X)
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
plot_spectra(X[:1], wavelengths=wl, unit="nm", ax=ax, label="raw, 700 points")
ax.plot(coarse_axis, coarse.transform(X[:1])[0], "o", label="Resample: 50 points")
plot_spectra(
    cut.transform(X[:1]),
    wavelengths=wl[(wl >= 1600) & (wl <= 1800)],
    unit="nm",
    ax=ax,
    label="RangeCut 1600-1800 nm",
    linewidth=3,
)
ax.legend()
plt.show()

# %%
# The canonical grid of the shipped encoders
# ------------------------------------------
# :class:`~sklspec.preprocessing.CanonicalGrid` resamples every spectrum over
# its own range onto ``n_points`` evenly spaced points and normalises it
# (SNV), keeping the offset, scale and range it removed as four extra
# columns. So a 700-point corn spectrum and a 5,667-point Raman spectrum
# become rows of the same width.
pork = load_spectra("raman_porkfat")
grid = CanonicalGrid(n_points=256)
G_corn = grid.fit_transform(X)
G_pork = grid.fit_transform(pork.X)
print("corn", X.shape, "->", G_corn.shape, "; pork", pork.X.shape, "->", G_pork.shape)
print("the four kept columns:", list(grid.get_feature_names_out()[-4:]))

fig, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
plot_spectra(G_corn[:5, :256], ax=ax, color="C0", label="corn on the grid")
plot_spectra(G_pork[:5, :256], ax=ax, color="C3", label="pork fat Raman on the grid")
ax.set_xlabel("canonical grid point (each spectrum over its own range)")
ax.set_ylabel("SNV units")
plt.show()

# %%
# Augmented copies for training
# -----------------------------
# :class:`~sklspec.augmentation.SpectralAugmenter` draws noisy, shifted and
# scaled copies (``n_augment`` per spectrum), the transformations of the
# pretext tasks.
aug = SpectralAugmenter(
    n_augment=5, noise_scale=0.01, offset_scale=0.05, random_state=0
)
X_aug = aug.fit_transform(X[:1])
fig, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
plot_spectra(
    X_aug, wavelengths=wl, unit="nm", ax=ax, color="0.6", label="augmented copies"
)
plot_spectra(
    X[:1], wavelengths=wl, unit="nm", ax=ax, color="C0", label="original", linewidth=2
)
ax.legend()
plt.show()
