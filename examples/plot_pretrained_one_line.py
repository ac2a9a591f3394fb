"""
A pretrained encoder in one line
================================

``sklspec-base`` ships inside the package: a masked-autoencoder encoder
(:class:`~sklspec.embedders.MAEEmbedder`) pretrained on a synthetic NIR / MIR
/ Raman prior plus real unlabelled spectra, never on these data sets (see
:doc:`/user_guide/pretrained`). It loads offline, takes spectra of any width
and axis, and returns an embedding to put under any scikit-learn model.
"""

# %%
# One line
# --------
# :func:`sklspec.pretrained.load_pretrained` returns a fitted
# :class:`~sklspec.embedders.MAEEmbedder`
# (``MAEEmbedder.from_pretrained("sklspec-base")`` is the same). Three data
# sets of three instruments, three widths, one encoder:
import matplotlib.pyplot as plt
import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklspec.baselines import PLSDAClassifier
from sklspec.datasets import load_spectra
from sklspec.embedders import MAEEmbedder
from sklspec.plotting import plot_embedding
from sklspec.preprocessing import SNV
from sklspec.pretrained import load_pretrained

encoder = load_pretrained("sklspec-base")
assert isinstance(encoder, MAEEmbedder)

tablets = load_spectra("tablets_nir")  # 404 points, NIR transmission
coffee = load_spectra("ucr_coffee")  # 286 points, FTIR
pork = load_spectra("raman_porkfat")  # 5,667 points, Raman
for name, data in [
    ("tablets_nir", tablets),
    ("ucr_coffee", coffee),
    ("raman_porkfat", pork),
]:
    Z = encoder.transform(data.X)
    print(f"{name:14s} {data.X.shape} -> {Z.shape}")

# %%
# What the embedding sees
# -----------------------
# A PCA of the embeddings (:func:`sklspec.plotting.plot_embedding`),
# coloured by the class no one told the encoder about: the four dose classes
# of the tablets and the two coffee species (arabica, robusta).
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
plot_embedding(encoder.transform(tablets.X), tablets.y, ax=axes[0])
axes[0].set_title("tablets_nir, sklspec-base embedding (PCA)")
plot_embedding(encoder.transform(coffee.X), coffee.y, ax=axes[1])
axes[1].set_title("ucr_coffee, sklspec-base embedding (PCA)")
plt.show()

# %%
# Under a linear head, next to PLS-DA
# -----------------------------------
# The frozen encoder (``FrozenEstimator``: cross-validation does not refit
# it) under a standardised logistic regression, against SNV + PLS-DA, on the
# same 5 folds. The encoder never saw these spectra; the head is all that is
# trained.
probe = make_pipeline(
    FrozenEstimator(encoder), StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)
)
plsda = make_pipeline(SNV(), PLSDAClassifier(n_components=10))
cv = StratifiedKFold(5, shuffle=True, random_state=0)
for name, model in [("sklspec-base + logistic", probe), ("SNV + PLS-DA", plsda)]:
    acc = cross_val_score(model, tablets.X, tablets.y, cv=cv)
    print(f"tablets_nir {name:24s} accuracy {acc.mean():.3f} ± {acc.std():.3f}")
print(
    "chance (majority class):",
    round(
        float(np.max(np.unique(tablets.y, return_counts=True)[1]) / len(tablets.y)), 3
    ),
)

# %%
# Whether the encoder beats the baselines on your data is an empirical
# question: :doc:`/benchmarks_results/pretrained` answers it set by set, and
# :ref:`sphx_glr_auto_examples_plot_compare_label_fractions.py` shows how to
# ask it on your own spectra.
