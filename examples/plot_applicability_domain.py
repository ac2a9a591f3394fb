"""
Is this spectrum like the calibration ones? Applicability domain and sets
=========================================================================

A model answers for every spectrum, including those of a sample it was
never calibrated for. :mod:`sklspec.domain` flags them: PCA and PLS
T² / Q-residual detectors (:class:`~sklspec.domain.PCAOutlierDetector`,
:class:`~sklspec.domain.PLSOutlierDetector`), the distance to the
calibration embeddings of the shipped encoder
(:class:`~sklspec.domain.EmbeddingDistanceDetector`), T² / Q in a PCA of those
embeddings (:class:`~sklspec.domain.EmbeddingPCADetector`) and its reconstruction
error (:class:`~sklspec.domain.ReconstructionErrorDetector`). Each is an
outlier detector (+1 inside, -1 outside) whose threshold is set at a
false-alarm rate ``alpha``.

On ``tablets_nir``, calibrated on Lab- and Pilot-scale tablets, the
detectors are asked to recognise tablets of Commercial production, which
the calibration never saw; :class:`~sklspec.conformal.ConformalClassifier`
then gives each tablet a set of dose classes with 90 % coverage.
"""

# %%
# Calibration and test spectra
# ----------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline

from sklspec.baselines import PLSDAClassifier
from sklspec.conformal import ConformalClassifier
from sklspec.datasets import load_spectra
from sklspec.domain import (
    EmbeddingDistanceDetector,
    EmbeddingPCADetector,
    PCAOutlierDetector,
    PLSOutlierDetector,
    ReconstructionErrorDetector,
)
from sklspec.plotting import plot_embedding
from sklspec.preprocessing import SNV
from sklspec.pretrained import load_pretrained

tablets = load_spectra("tablets_nir")
X, dose = tablets.X, tablets.y
active = tablets.extras["y_active_pct_ww"]
scale = np.asarray(tablets.groups)
rng = np.random.default_rng(0)
small = rng.permutation(np.flatnonzero(scale != "Commercial"))
cal, held_out = small[40:], small[:40]
commercial = np.flatnonzero(scale == "Commercial")
test = np.r_[held_out, commercial]
is_new = np.r_[np.zeros(len(held_out)), np.ones(len(commercial))]
print(
    f"calibration {len(cal)}, held-out Lab/Pilot {len(held_out)}, "
    f"Commercial {len(commercial)}"
)

# %%
# Five detectors, one question
# ----------------------------
# ``score_samples`` is higher inside the domain; the AUROC says how well
# each separates Commercial tablets from held-out Lab/Pilot ones (1.0:
# perfectly, 0.5: not at all), and ``predict`` applies the threshold.
encoder = load_pretrained("sklspec-base")
detectors = {
    "SNV + PCA T²/Q": make_pipeline(
        SNV(), PCAOutlierDetector(n_components=6, random_state=0)
    ),
    "SNV + PLS T²/Q": make_pipeline(
        SNV(), PLSOutlierDetector(n_components=6, random_state=0)
    ),
    "sklspec-base Mahalanobis": EmbeddingDistanceDetector(
        FrozenEstimator(encoder), method="mahalanobis", random_state=0
    ),
    "sklspec-base embedding PCA T²/Q": EmbeddingPCADetector(
        FrozenEstimator(encoder), n_components=6, random_state=0
    ),
    "sklspec-base reconstruction": ReconstructionErrorDetector(
        FrozenEstimator(encoder), error_params={"n_repeats": 8}, random_state=0
    ),
}
auroc = {}
for name, det in detectors.items():
    if "PLS" in name:
        det.fit(X[cal], active[cal])  # a PLS model needs the reference values
    else:
        det.fit(X[cal])
    auroc[name] = roc_auc_score(is_new, -det.score_samples(X[test]))
    flagged = det.predict(X[test]) == -1
    print(
        f"{name:28s} AUROC {auroc[name]:.3f}; flags {flagged[is_new == 1].mean():.0%}"
        f" of Commercial, {flagged[is_new == 0].mean():.0%} of held-out Lab/Pilot"
    )

fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
names = list(auroc)
axes[0].barh(names, [auroc[n] for n in names], color="C0")
axes[0].axvline(0.5, color="0.5", linestyle="--", label="chance")
axes[0].set_xlim(0.4, 1.0)
axes[0].set_xlabel("AUROC: Commercial vs held-out Lab/Pilot")
axes[0].invert_yaxis()
axes[0].legend()
plot_embedding(
    encoder.transform(X[test]),
    np.where(is_new == 1, "Commercial", "Lab/Pilot"),
    ax=axes[1],
)
axes[1].set_title("sklspec-base embeddings of the test tablets (PCA)")
plt.show()

# %%
# A set of classes with 90 % coverage
# -----------------------------------
# :class:`~sklspec.conformal.ConformalClassifier` (split conformal, on
# MAPIE) wraps any classifier with ``predict_proba``, here SNV + PLS-DA;
# ``predict_set`` returns, per spectrum, every
# class that cannot be excluded at the chosen confidence. Tablets like the
# calibration ones get small sets; larger sets say "unsure".
clf = ConformalClassifier(
    make_pipeline(SNV(), PLSDAClassifier(n_components=10)),
    confidence_level=0.9,
    random_state=0,
).fit(X[cal], dose[cal])
sets = clf.predict_set(X[test])  # (n, n_classes) booleans
covered = sets[np.arange(len(test)), np.searchsorted(clf.classes_, dose[test])]
for label, mask in [("held-out Lab/Pilot", is_new == 0), ("Commercial", is_new == 1)]:
    print(
        f"{label:18s} coverage {covered[mask].mean():.0%}, "
        f"mean set size {sets[mask].sum(axis=1).mean():.2f} classes"
    )
