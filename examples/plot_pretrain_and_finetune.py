"""
Pretrain your own encoder, then fine-tune it
============================================

When a lab has many unlabelled spectra of its own, an encoder can be
pretrained on them and fine-tuned on the few labelled ones. Two routes:

* classification: a :class:`~sklspec.embedders.TransformRecogEmbedder`
  (Zhao et al. 2025: a 1-D CNN pretrained to recognise six spectral
  transformations) pretrained on unlabelled ``tablets_nir`` spectra, then a
  :class:`~sklspec.finetune.FineTunedClassifier` on a few labelled ones;
* regression: the shipped ``sklspec-base`` fine-tuned as a
  :class:`~sklspec.finetune.FineTunedRegressor` for the fat content of
  ``tecator`` meat, next to PLS and an
  :class:`~sklspec.baselines.ELMRegressor`.

The settings are small so the example runs in under a minute on 2 CPU
cores; the class defaults and the papers' presets
(``TransformRecogEmbedder.from_preset("paper")``) train longer.
"""

# %%
# Pretrain on unlabelled spectra, fine-tune on a few labelled ones
# ----------------------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import make_pipeline

from sklspec.baselines import ELMRegressor, PLSDAClassifier
from sklspec.datasets import load_spectra
from sklspec.embedders import TransformRecogEmbedder
from sklspec.evaluation import rmse
from sklspec.finetune import FineTunedClassifier, FineTunedRegressor
from sklspec.plotting import plot_predicted_vs_measured
from sklspec.preprocessing import SNV
from sklspec.pretrained import load_pretrained

tablets = load_spectra("tablets_nir")
rng = np.random.default_rng(0)
order = rng.permutation(len(tablets.y))
unlabelled, labelled, test = order[:150], order[150:190], order[190:]

cnn = TransformRecogEmbedder(max_epochs=5, random_state=0)
cnn.fit(SNV().fit_transform(tablets.X[unlabelled]))  # no labels

finetuned = make_pipeline(
    SNV(),
    FineTunedClassifier(
        FrozenEstimator(cnn), max_epochs=100, lr=3e-3, dropout=0.1, random_state=0
    ),
)
plsda = make_pipeline(SNV(), PLSDAClassifier(n_components=10))
for name, model in [("CNN pretrained + fine-tuned", finetuned), ("PLS-DA", plsda)]:
    model.fit(tablets.X[labelled], tablets.y[labelled])
    acc = model.score(tablets.X[test], tablets.y[test])
    print(f"{name:28s} trained on {len(labelled)} labels: test accuracy {acc:.3f}")

# %%
# Fine-tune the shipped encoder for a regression
# ----------------------------------------------
# ``FineTunedRegressor`` copies the encoder of ``sklspec-base``, puts a
# regression head on it and trains both on the official training split of
# ``tecator`` (fat, % w/w). The encoder reads spectra on its 256-point
# canonical grid, and the fine-tuned model maps its input onto that grid
# itself, so the raw 100-point spectra go in as they are.
tecator = load_spectra("tecator", target="fat")
split = np.asarray(tecator.split)
train, test = split != "test", split == "test"
X, y = tecator.X, tecator.y

models = {
    "sklspec-base fine-tuned": FineTunedRegressor(
        load_pretrained("sklspec-base"), max_epochs=20, lr=1e-3, random_state=0
    ),
    "PLSR (12 components)": PLSRegression(12),
    "SNV + ELM": make_pipeline(SNV(), ELMRegressor(n_hidden=200, random_state=0)),
}
predictions = {}
for name, model in models.items():
    predictions[name] = np.ravel(model.fit(X[train], y[train]).predict(X[test]))
    print(f"{name:24s} RMSEP {rmse(y[test], predictions[name]):.2f} % fat")

fig, axes = plt.subplots(1, 3, figsize=(14, 4.5), layout="constrained")
for ax, (name, pred) in zip(axes, predictions.items()):
    plot_predicted_vs_measured(y[test], pred, ax=ax)
    ax.set_title(f"tecator fat: {name}")
plt.show()

# %%
# Neither route is guaranteed to beat the classic models: on these sets
# with this little training, compare the printed numbers.
# :doc:`/benchmarks_results/transform_recog` and
# :doc:`/benchmarks_results/mae` measure both routes with more training and
# repeats.
