"""plot_embedding: images against baselines, t-SNE, UMAP's absence, errors.

Baselines: tests/plotting/baseline/*.png; regenerate them with
``SKLSPEC_UPDATE_BASELINES=1 python -m pytest tests/plotting`` (see
conftest.py).
"""

import sys

import numpy as np
import pytest

from sklspec.plotting import plot_embedding
from tests.plotting._data import spectra

X, CLASSES, VALUES = spectra()


def test_pca_map_of_spectra_by_class(check_image):
    from sklearn.decomposition import PCA

    ax = plot_embedding(X, CLASSES)
    share = 100 * PCA(2).fit(X).explained_variance_ratio_
    assert ax.get_xlabel() == f"PC 1 ({share[0]:.0f} % of variance)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0", "1", "2"]
    check_image(ax, "embedding_pca_classes")


def test_two_columns_are_drawn_as_given_with_a_colorbar(check_image):
    Z = np.c_[VALUES, np.sin(VALUES)]
    ax = plot_embedding(Z, VALUES, s=30)
    np.testing.assert_allclose(ax.collections[0].get_offsets(), Z)
    assert ax.get_xlabel() == "dimension 1" and len(ax.figure.axes) == 2
    check_image(ax, "embedding_values")


def test_tsne_is_seeded():
    a = plot_embedding(X, CLASSES, method="tsne", random_state=0)
    b = plot_embedding(X, CLASSES, method="tsne", random_state=0)
    assert a.get_xlabel() == "t-SNE 1"
    np.testing.assert_allclose(
        a.collections[0].get_offsets(), b.collections[0].get_offsets()
    )


def test_umap_without_umap_learn_names_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "umap", None)  # import umap -> ImportError
    with pytest.raises(ImportError, match="pip install umap-learn"):
        plot_embedding(X, method="umap")


@pytest.mark.parametrize(
    "Z, kwargs, match",
    [
        (X, {"method": "mds"}, "method must be one of 'pca', 'tsne', 'umap'"),
        (np.r_[X[:-1], [np.full(X.shape[1], np.nan)]], {}, "NaN or infinite"),
        (X, {"y": CLASSES[:5]}, "y has 5 values but there are 24"),
        (X[:2], {}, "at least 3 samples"),
        (X, {"y": CLASSES, "c": "red"}, "c= is set by y"),
    ],
)
def test_embedding_errors(Z, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_embedding(Z, **kwargs)
