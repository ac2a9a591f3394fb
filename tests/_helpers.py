"""Small configurations, data and checks shared by several test modules."""

import numpy as np
import torch

#: The smallest masked autoencoder worth testing (sklspec.nn and the embedder).
TINY_MAE = dict(
    patch_size=8,
    embed_dim=16,
    depth=1,
    num_heads=2,
    decoder_dim=16,
    decoder_heads=2,
)

#: A VAE that learns a low-rank data set in a few seconds.
TRAINED_VAE = dict(
    hidden=(32,),
    beta=0.1,
    max_epochs=60,
    batch_size=16,
    lr=5e-3,
    random_state=0,
)


def gaussian_peaks(n_samples: int, n_points: int = 48, seed: int = 0):
    """One noisy Gaussian band a spectrum, centred in [0.2, 0.8]; ``(X, centres)``."""
    rng = np.random.default_rng(seed)
    grid = np.linspace(0, 1, n_points)
    centers = rng.uniform(0.2, 0.8, size=(n_samples, 1))
    X = np.exp(-((grid - centers) ** 2) / 0.01) + 0.01 * rng.normal(
        size=(n_samples, n_points)
    )
    return X, centers[:, 0]


def check_seeded_and_global_rng_untouched(make, X):
    """``make(seed)`` gives an unfitted embedder: fitting is reproducible by seed,
    differs across seeds and leaves torch's global random state alone."""
    state = torch.random.get_rng_state()
    a = make(3).fit(X).transform(X)
    b = make(3).fit(X).transform(X)
    c = make(4).fit(X).transform(X)
    assert torch.equal(state, torch.random.get_rng_state())
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
