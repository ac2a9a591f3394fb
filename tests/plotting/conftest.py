"""Image comparison for the tests of :mod:`sklspec.plotting`.

Each image test draws a figure from fixed data and compares it, with
:func:`matplotlib.testing.compare.compare_images` (RMS difference of the
pixels below ``TOLERANCE`` on a 0-255 scale), with the baseline
``tests/plotting/baseline/<name>.png``. Figures are drawn on the Agg backend
in matplotlib's default style with its test font settings (DejaVu Sans, no
hinting) at a fixed size and resolution, so they do not depend on the
user's matplotlibrc.

A failing comparison leaves the new image and a difference image in pytest's
``tmp_path`` of that test and names them. To regenerate the baselines after
an intended change of a plot (or for a new matplotlib), run

    SKLSPEC_UPDATE_BASELINES=1 python -m pytest tests/plotting

which writes every baseline anew (those tests are then reported as skipped,
"baseline written"), look at the images, and commit them. The baselines were
drawn with the matplotlib version in ``baseline/MATPLOTLIB_VERSION``.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

try:
    import matplotlib
except ImportError:  # the error-message tests still run
    matplotlib = None
else:
    matplotlib.use("Agg")

BASELINE = Path(__file__).parent / "baseline"
#: RMS pixel difference (0-255) tolerated against a baseline.
TOLERANCE = 3.0
#: Size (inches) and resolution of the compared figures.
FIGSIZE, DPI = (5.0, 3.5), 72
UPDATE = os.environ.get("SKLSPEC_UPDATE_BASELINES", "") not in ("", "0")


@pytest.fixture(autouse=True)
def _fixed_style():
    """matplotlib's default style with its test font settings; figures closed."""
    if matplotlib is None:
        yield
        return
    import matplotlib.pyplot as plt
    from matplotlib.testing import set_font_settings_for_testing

    with matplotlib.rc_context():
        matplotlib.style.use("default")
        set_font_settings_for_testing()
        matplotlib.rcParams.update(
            {"figure.figsize": FIGSIZE, "figure.dpi": DPI, "savefig.dpi": DPI}
        )
        yield
    plt.close("all")


@pytest.fixture
def check_image(request, tmp_path):
    """``check_image(ax_or_fig, name=None)``: compare with the stored baseline."""
    if matplotlib is None:
        pytest.skip('matplotlib is not installed (pip install "sklspec[plot]")')
    from matplotlib.testing.compare import compare_images

    def check(obj, name: str | None = None) -> None:
        fig = getattr(obj, "figure", obj)
        name = name or re.sub(r"[^\w-]+", "_", request.node.name).strip("_")
        expected = BASELINE / f"{name}.png"
        actual = tmp_path / f"{name}.png"
        fig.savefig(actual, dpi=DPI)
        if UPDATE:
            BASELINE.mkdir(exist_ok=True)
            shutil.copyfile(actual, expected)
            (BASELINE / "MATPLOTLIB_VERSION").write_text(matplotlib.__version__ + "\n")
            pytest.skip(f"baseline written: {expected}")
        if not expected.exists():
            pytest.fail(
                f"no baseline {expected}; write it with SKLSPEC_UPDATE_BASELINES=1 "
                "python -m pytest tests/plotting (see tests/plotting/conftest.py)"
            )
        err = compare_images(str(expected), str(actual), TOLERANCE, in_decorator=True)
        if err is not None:
            made_with = (BASELINE / "MATPLOTLIB_VERSION").read_text().strip()
            pytest.fail(
                f"{name}: the figure differs from its baseline (RMS {err['rms']:.2f} "
                f"> {TOLERANCE}); new image {actual}, difference {err['diff']}. "
                f"Baselines were drawn with matplotlib {made_with}, this is "
                f"{matplotlib.__version__}. If the change is intended, regenerate "
                "(see tests/plotting/conftest.py)."
            )

    return check
