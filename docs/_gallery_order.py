"""The order of the gallery: from looking at spectra to trusting a prediction.

sphinx-gallery takes the sort key by its import path (``conf.py`` puts
``docs/`` on ``sys.path``), which keeps the configuration picklable.
"""

from __future__ import annotations

ORDER = [
    "plot_look_at_spectra.py",
    "plot_preprocessing_tour.py",
    "plot_pretrained_one_line.py",
    "plot_denoising_reconstruct.py",
    "plot_nir_to_mir.py",
    "plot_folder_to_prediction.py",
    "plot_compare_label_fractions.py",
    "plot_applicability_domain.py",
    "plot_pretrain_and_finetune.py",
]


class ExampleOrder:
    """Sort key: the listed examples first, in ``ORDER``; others by name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename: str):
        if filename in ORDER:
            return (0, ORDER.index(filename), filename)
        return (1, 0, filename)

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}>"
