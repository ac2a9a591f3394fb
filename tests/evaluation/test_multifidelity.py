"""Tests of multifidelity_table."""

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from sklspec.datasets import make_paired_spectra
from sklspec.embedders._converter import NIRtoMIRConverter
from sklspec.embedders._vae import VAEEmbedder
from sklspec.evaluation._multifidelity import FEATURE_SETS, multifidelity_table


@pytest.fixture(scope="module")
def result():
    d = make_paired_spectra(
        n_samples=30, n_wavelengths_low=24, n_wavelengths_high=32, random_state=0
    )
    conv = NIRtoMIRConverter(hidden=(8,), max_epochs=1, random_state=0)
    vae = VAEEmbedder(latent_dim=3, hidden=(8,), max_epochs=1, random_state=0)
    y = np.column_stack([d.y, d.concentrations[:, 0]])
    return multifidelity_table(
        d.X_low,
        d.X_high,
        y,
        converter=conv,
        embedder=vae,
        cv=2,
        target_names=["analyte", "c0"],
    )


def test_table_rows_and_conversions(result):
    summary = result.summary()
    assert len(summary) == 5 * 2
    assert [r["feature_set"] for r in summary[::2]] == list(FEATURE_SETS)
    assert len(result.records) == 2 * 5 * 2
    assert {"r2", "rmse", "rpiq", "ccc", "bias", "rmse_std"} <= set(summary[0])
    latent = [r for r in result.records if r["feature_set"] == "low latent"]
    assert all(r["n_features"] == 3 for r in latent)
    text = str(result)
    assert "low->high spectra" in text and "2 folds" in text
    assert set(result.to_dict()) == {"records", "summary"}
    pd = pytest.importorskip("pandas")
    assert isinstance(result.to_frame(), pd.DataFrame)
    assert len(result.to_frame(per_fold=True)) == 20


def test_custom_model_and_errors():
    d = make_paired_spectra(
        n_samples=20, n_wavelengths_low=16, n_wavelengths_high=16, random_state=1
    )
    conv = NIRtoMIRConverter(
        VAEEmbedder(latent_dim=2, hidden=(4,), max_epochs=1, random_state=0),
        hidden=(4,),
        max_epochs=1,
        random_state=0,
    )
    res = multifidelity_table(
        d.X_low, d.X_high, d.y, converter=conv, models={"ridge": Ridge()}, cv=2
    )
    assert {r["model"] for r in res.records} == {"ridge"}
    with pytest.raises(ValueError, match="target_names"):
        multifidelity_table(
            d.X_low, d.X_high, d.y, converter=conv, cv=2, target_names=["a", "b"]
        )
