"""The outputs the user guide shows in its code comments are what the code gives.

A user-guide page marks its runnable examples with the rst comment
``.. tested-example`` right before a ``.. code-block:: python``. The marked
blocks of a page run in order in one namespace, as a reader would run them,
and every output a comment shows is compared with what the code returns:

- a bare expression followed by ``# <numbers>`` (``# 0.05: the false-alarm
  rate``, ``# [45.2, 22.6, 8.5]``, ``# (78, 4)``): the numbers of the value,
  each within one unit of the last digit shown;
- a bare expression followed by ``# [<strings>]``: the value as a list;
- a bare expression followed by comment lines of a table (a header, then
  rows of numbers): the numbers of the value's ``repr``, as above.

So a change of a default, a seed's use or a bug fix that moves a figure the
docs show fails here, until the page shows the new figure.
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from pathlib import Path

import numpy as np
import pytest

from sklspec.utils._validation import get_data_home

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "user_guide"
MARK = ".. tested-example"
#: the pages with marked examples: the real data sets they read and how many
#: outputs their comments show (so that a comment the parser stops seeing fails)
PAGES = {
    "conformal.rst": (("tecator", "tablets_nir"), 12),
    "domain.rst": (("shootout2002_tablets",), 4),
    "transfer.rst": (("corn",), 6),
}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_NUMERIC_START = re.compile(r"^\s*[\[(]*\s*-?\d")


def marked_blocks(text: str) -> list[str]:
    """The code of the ``python`` code blocks that follow ``.. tested-example``."""
    lines = text.splitlines()
    blocks = []
    for i, line in enumerate(lines):
        if line.strip() != MARK:
            continue
        j = i + 1
        while not lines[j].strip():
            j += 1
        if lines[j].strip() != ".. code-block:: python":
            raise AssertionError(f"{MARK} at line {i + 1} is not before a code block")
        body = []
        for line in lines[j + 1 :]:
            if line.strip() and not line.startswith(" "):
                break
            body.append(line)
        blocks.append(textwrap.dedent("\n".join(body)).strip("\n") + "\n")
    return blocks


def _comments(code: str) -> dict[int, str]:
    """Comment text by line number (1-based), without the ``#``."""
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    return {
        t.start[0]: t.string[1:].strip() for t in tokens if t.type == tokenize.COMMENT
    }


def _shown(comment: str) -> str | None:
    """The leading output of a comment (``0.05`` of ``0.05: the rate``)."""
    if not _NUMERIC_START.match(comment):
        return None
    return re.match(r"^[\s\d.,\[\]()\-]*", comment).group(0)


def _numbers(text: str) -> list[tuple[float, float]]:
    """The numbers of ``text``, each with one unit of its last digit."""
    out = []
    for s in _NUMBER.findall(text):
        decimals = len(s.split(".")[1]) if "." in s else 0
        out.append((float(s), 10.0**-decimals))
    return out


def _values(value) -> np.ndarray | None:
    """The numbers of a value, or None when it is not numeric."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return arr.ravel()


def _check(shown: list[tuple[float, float]], got, where: str) -> None:
    if got is None or len(got) != len(shown):
        raise AssertionError(f"{where}: the page shows {shown}, the code gives {got}")
    for (number, unit), value in zip(shown, got):
        if not abs(value - number) <= unit * 1.0000001:
            raise AssertionError(
                f"{where}: the page shows {number:g}, the code gives {float(value):.6g}"
            )


def run_page(blocks: list[str], page: str) -> int:
    """Run the blocks in one namespace; return the number of outputs checked."""
    namespace: dict = {"__name__": "__docs__"}
    checked = 0
    for b, code in enumerate(blocks):
        comments = _comments(code)
        lines = code.splitlines()
        for stmt in ast.parse(code).body:
            source = ast.get_source_segment(code, stmt)
            where = f"{page}, block {b + 1}: {source.splitlines()[0]}"
            if not isinstance(stmt, ast.Expr):
                exec(compile(ast.Module([stmt], []), page, "exec"), namespace)
                continue
            value = eval(compile(ast.Expression(stmt.value), page, "eval"), namespace)
            trailing = comments.get(stmt.end_lineno, "")
            shown = _shown(trailing)
            if trailing.startswith("[") and shown is None:
                # a list of strings: compare as a list
                end = trailing.index("]") + 1
                assert list(value) == ast.literal_eval(trailing[:end]), where
                checked += 1
                continue
            if shown is not None:
                _check(_numbers(shown), _values(value), where)
                checked += 1
                continue
            # a table in the comment lines right below the expression
            table, k = [], stmt.end_lineno + 1
            while k <= len(lines) and lines[k - 1].lstrip().startswith("#"):
                table.append(comments[k])
                k += 1
            rows = [row for row in table[1:] if _NUMERIC_START.match(row)]
            if table and rows:
                _check(_numbers(" ".join(rows)), _repr_numbers(value), where)
                checked += 1
    return checked


def _repr_numbers(value) -> np.ndarray:
    """The numbers of the value's ``repr`` below the header line."""
    text = repr(value).splitlines()
    return np.array([float(s) for s in _NUMBER.findall(" ".join(text[1:]))])


def test_the_marked_blocks_are_found():
    for page in PAGES:
        blocks = marked_blocks((GUIDE / page).read_text(encoding="utf-8"))
        assert blocks, f"{page} has no {MARK} block"


def test_a_wrong_figure_fails():
    code = "x = 0.123\nx  # 0.12\nx * 2  # 0.30: wrong\n"
    with pytest.raises(AssertionError, match="shows 0.3, the code gives 0.246"):
        run_page([code], "page.rst")
    table = 'class R:\n    def __repr__(self):\n        return "a b\\n1.00 2.0"\n'
    assert run_page([table + "R()\n# a  b\n# 1.00 2.0\n"], "page.rst") == 1
    with pytest.raises(AssertionError, match="shows 2.3"):
        run_page([table + "R()\n# a  b\n# 1.00 2.3\n"], "page.rst")
    assert run_page(["['a', 'b']  # ['a', 'b']\n"], "page.rst") == 1


@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_figures_a_page_shows_are_what_its_code_gives(page, monkeypatch):
    home = get_data_home()
    names, n_outputs = PAGES[page]
    missing = [n for n in names if not (home / n / f"{n}.npz").is_file()]
    if missing:
        pytest.skip(
            f"real data sets {missing} not found under {home}: set SKLSPEC_DATA"
        )
    monkeypatch.setenv("SKLSPEC_DATA", str(home))
    blocks = marked_blocks((GUIDE / page).read_text(encoding="utf-8"))
    assert run_page(blocks, page) >= n_outputs
