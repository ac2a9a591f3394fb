"""Every public estimator is used in at least one gallery example.

The list of estimators is built as ``tests/test_common.py`` builds it, from
the ``__all__`` of the subpackages, so a new public estimator fails here until
an example in ``examples/`` uses it; sphinx-gallery then links that example
from the estimator's API page ("Examples using ..."). With the docs built
(``make docs``), the backreference files of sphinx-gallery are checked too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.test_common import public_estimator_exports

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
BACKREFERENCES = ROOT / "docs" / "api" / "generated" / "backreferences"


def _names_used(path: Path) -> set[str]:
    """Names an example imports from sklspec and uses."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "sklspec"
        ):
            imported |= {alias.asname or alias.name for alias in node.names}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return imported & used


ESTIMATORS = public_estimator_exports()


def test_examples_exist():
    assert sorted(EXAMPLES.glob("plot_*.py")), f"no plot_*.py in {EXAMPLES}"


@pytest.mark.parametrize(
    "cls", sorted(ESTIMATORS, key=lambda c: c.__name__), ids=lambda c: c.__name__
)
def test_every_public_estimator_is_in_an_example(cls):
    module, names = ESTIMATORS[cls]
    users = [
        p.name for p in sorted(EXAMPLES.glob("plot_*.py")) if _names_used(p) & names
    ]
    assert users, (
        f"{module}.{cls.__name__} (exported as {sorted(names)}) is used in no "
        f"example of {EXAMPLES}: use it in one, so that its API page links to "
        "an example"
    )


@pytest.mark.skipif(
    not BACKREFERENCES.is_dir(), reason="docs not built (make docs writes them)"
)
@pytest.mark.parametrize(
    "cls", sorted(ESTIMATORS, key=lambda c: c.__name__), ids=lambda c: c.__name__
)
def test_api_page_links_an_example(cls):
    module, names = ESTIMATORS[cls]
    files = [BACKREFERENCES / f"{module}.{name}.examples" for name in sorted(names)]
    linked = [f for f in files if f.is_file() and "sphx-glr" in f.read_text()]
    assert linked, (
        f"no 'Examples using' section for {module}.{cls.__name__}: sphinx-gallery "
        f"wrote none of {[f.name for f in files]}"
    )
