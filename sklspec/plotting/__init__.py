"""Plots of spectra, models and results (matplotlib, the extra ``plot``).

Every function draws on the matplotlib Axes given as ``ax=`` (a new figure
when None) and returns it, as scikit-learn's ``*Display`` classes do, so
plots compose into the user's own figures:

- :func:`plot_spectra`: spectra against their axis with its unit, coloured
  by class or target, or as mean ± sd bands per class.
- :func:`plot_reconstruction`: a spectrum, its reconstruction (MAE
  ``reconstruct``, VAE ``inverse_transform``) and its clean form.
- :func:`plot_leaderboard`: the result of :func:`sklspec.evaluation.compare`
  as bars with error bars and the chance (or mean-predictor) level.
- :func:`plot_label_fraction_curve`: the result of
  :func:`sklspec.evaluation.label_fraction_curve`, a line and band over the
  repeats per model.
- :func:`plot_embedding`: a 2-D map of embeddings or spectra (PCA, t-SNE,
  UMAP).
- :func:`plot_band_importance` (and :func:`band_importance`, the numbers):
  which bands a fitted pipeline uses, by band permutation or input-gradient
  saliency, on the wavelength axis.
- :func:`plot_predicted_vs_measured`: predictions against reference values
  with the identity line and conformal intervals.

Colours are colour-blind safe (Okabe-Ito for classes and models, viridis for
values). matplotlib is imported only when a function draws: ``pip install
"sklspec[plot]"``.
"""

from ._embedding import plot_embedding
from ._importance import band_importance, plot_band_importance
from ._regression import plot_predicted_vs_measured
from ._results import plot_label_fraction_curve, plot_leaderboard
from ._spectra import plot_reconstruction, plot_spectra

__all__ = [
    "band_importance",
    "plot_band_importance",
    "plot_embedding",
    "plot_label_fraction_curve",
    "plot_leaderboard",
    "plot_predicted_vs_measured",
    "plot_reconstruction",
    "plot_spectra",
]
