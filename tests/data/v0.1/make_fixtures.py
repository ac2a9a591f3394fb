"""Write the v0.1-format (model.pt) embedder directories of this folder.

Run with sklspec 0.1 (commit 3faed14) on the path: `python make_fixtures.py .`
"""

import pathlib
import sys

import numpy as np

import sklspec
from sklspec.datasets import make_paired_spectra, make_spectra
from sklspec.embedders import (
    MAEEmbedder,
    NIRtoMIRConverter,
    TransformRecogEmbedder,
    VAEEmbedder,
)


def main(argv):
    # only when run as a script: pytest's --doctest-modules imports this file
    out = pathlib.Path(argv[1])
    print(sklspec.__file__)
    X, _ = make_spectra(n_samples=40, n_wavelengths=48, random_state=0, return_X_y=True)
    models = {
        "TransformRecogEmbedder": TransformRecogEmbedder(
            channels=(4, 8, 8), hidden=(8,), max_epochs=2, batch_size=16, random_state=0
        ),
        "MAEEmbedder": MAEEmbedder(
            patch_size=8,
            embed_dim=16,
            depth=1,
            num_heads=2,
            decoder_dim=16,
            decoder_heads=2,
            max_epochs=2,
            pooling="mean",
            random_state=0,
        ),
        "VAEEmbedder": VAEEmbedder(
            latent_dim=4, hidden=(16,), max_epochs=2, random_state=0
        ),
    }
    arrays = {"X": X}
    for name, est in models.items():
        est.fit(X)
        est.save_pretrained(out / name)
        arrays[name] = est.transform(X)
    d = make_paired_spectra(n_samples=30, random_state=0)
    lo, hi = d["X_low"][:, ::8], d["X_high"][:, ::32]
    vae = VAEEmbedder(latent_dim=3, hidden=(8,), max_epochs=2, random_state=0).fit(hi)
    conv = NIRtoMIRConverter(vae, hidden=(8,), max_epochs=2, random_state=0).fit(lo, hi)
    conv.save_pretrained(out / "NIRtoMIRConverter")
    arrays["X_low"] = lo
    arrays["NIRtoMIRConverter"] = conv.transform(lo)
    np.savez(out / "expected.npz", **arrays)


if __name__ == "__main__":
    main(sys.argv)
