"""Data sets: synthetic spectra generators and loaders for the npz/CSV schema.

- :func:`make_spectra`: NIR-like Beer-Lambert mixtures with scatter, baseline,
  shifts and heteroscedastic noise, for classification or regression.
- :func:`make_demo_scene`: the scene of ``sklspec demo``: few labelled
  spectra and a large unlabelled pool, classes set by a non-linear rule on
  two constituents whose bands hide under major ones, strong scatter.
- :func:`make_paired_spectra`: the same samples seen by a NIR-like and a
  MIR-like instrument.
- :class:`SpectralPrior` / :func:`make_prior_spectra`: a seeded, vectorised,
  streaming prior of NIR, MIR/FTIR and Raman spectra (Voigt-band libraries,
  Beer-Lambert mixing, instrument and scatter effects), with paired views.
- :func:`load_spectra`: an ``.npz`` of the sklspec schema, a wide ``.csv``,
  or a data set by name from the data folder (``SKLSPEC_DATA``).
- :func:`list_datasets`: the names available in the data folder.
"""

from ._demo import make_demo_scene
from ._loaders import list_datasets, load_spectra
from ._prior import SpectralPrior, make_prior_spectra
from ._synthetic import make_paired_spectra, make_spectra

__all__ = [
    "SpectralPrior",
    "list_datasets",
    "load_spectra",
    "make_demo_scene",
    "make_paired_spectra",
    "make_prior_spectra",
    "make_spectra",
]
