"""Copy two gallery figures into ``docs/_static/readme/`` for the README.

Run after ``make docs`` (the figures are drawn by the gallery examples, never
by hand): ``python docs/readme_figures.py``. They are shrunk to at most 900
pixels wide so the repository stays small.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

DOCS = Path(__file__).resolve().parent
IMAGES = DOCS / "auto_examples" / "images"
OUT = DOCS / "_static" / "readme"

FIGURES = {
    # example plot_look_at_spectra.py, first figure: four data sets on their axes
    "sphx_glr_plot_look_at_spectra_001.png": "look_at_spectra.png",
    # example plot_compare_label_fractions.py, second figure: the curve
    "sphx_glr_plot_compare_label_fractions_002.png": "label_fraction_curve.png",
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for source, target in FIGURES.items():
        image = Image.open(IMAGES / source)
        if image.width > 900:
            image = image.resize((900, round(image.height * 900 / image.width)))
        image = image.convert("RGB").quantize(colors=128)
        image.save(OUT / target, optimize=True)
        print(OUT / target, image.size)


if __name__ == "__main__":
    main()
