"""Bad input thrown at every public sklspec estimator and reader: what is refused.

Runs the case tables of ``tests/bad_input_cases.py`` (the ones
``tests/test_bad_input.py`` asserts on) over every public estimator and every
reader of ``sklspec.io``, and writes the counts to ``results/bad_input.md``,
every outcome to ``results/bad_input.json`` and, from those outcomes alone,
the table the user guide includes (``docs/user_guide/_refusals.rst``). The
tests hold the stored outcomes and the page to a live run, so neither can
drift from the library.
"""

from __future__ import annotations

import collections
import sys
import tempfile

from _common import HERE, Run, parser, table

sys.path.insert(0, str(HERE.parent))  # the shared case tables live in tests/

from tests.bad_input_cases import (  # noqa: E402
    FILE_CASES,
    KNOWN_WRONG,
    OUTCOMES,
    REFUSALS_PAGE,
    case_kinds,
    estimators,
    readers,
    refusals_page,
    run_estimator,
    run_reader,
    samples_present,
    short,
)


def _by_case(records, kinds) -> list[dict]:
    per_case = collections.defaultdict(collections.Counter)
    for r in records:
        name = r["case"]
        if name.endswith("_beyond"):
            name = "<param>_beyond"
        elif name.startswith("sample:"):
            name = "sample:<name>"
        per_case[name][r["outcome"]] += 1
    return [
        {"case": name, "input": text, **{o: per_case[name][o] for o in OUTCOMES}}
        for name, text in kinds
        if per_case[name]
    ]


def _counts(records) -> str:
    counts = collections.Counter(r["outcome"] for r in records)
    return (
        f"**{counts['refused']} refused clearly**, **{counts['warned']} warned**, "
        f"**{counts['accepted']} accepted harmlessly**, **{counts['wrong']} wrong**"
    )


def main(argv=None):
    p = parser(__doc__.splitlines()[0])
    args = p.parse_args(argv)
    run = Run("bad_input", argv)
    records = []
    for name, factory in estimators().items():
        if args.smoke and name not in ("StandardNormalVariate", "PLSDAClassifier"):
            continue
        records.extend(run_estimator(name, factory))
        run.log(name)
    reader_records = []
    with tempfile.TemporaryDirectory() as folder:
        for name in readers():
            reader_records.extend(run_reader(name, folder))
            run.log(name)
    wrong = [r for r in records + reader_records if r["outcome"] == "wrong"]
    n_est = len({r["estimator"] for r in records})
    everything = records + reader_records
    body = "\n".join(
        [
            f"{len(everything)} cases tried: {_counts(everything)}.",
            "",
            f"- {len(records)} cases on {n_est} public estimators (every class of "
            "the subpackages' `__all__`, cheap settings of `tests/test_common.py`; "
            "the fixed cases, and one per integer parameter the data bound): "
            f"{_counts(records)}.",
            f"- {len(reader_records)} cases on the {len(readers())} readers of "
            "`sklspec.io` (every format of its registry"
            + (
                ", and the io samples' files cut, renamed and broken"
                if samples_present()
                else "; the io samples were absent, so no case made from them"
            )
            + f"): {_counts(reader_records)}.",
            "",
            "Refused: an exception whose message names the problem (an "
            "estimator's case keyword; a reader's file). Warned: a documented "
            "warning. Accepted: finite output where that is harmless, with a "
            "written reason where the case would otherwise be refused (a "
            "reader: the very spectra of the good file). Wrong: anything else.",
            "",
            "## Estimators, by case",
            "",
            table(
                _by_case(records, [(n, t) for n, t, _ in case_kinds()]),
                ["case", "input", *OUTCOMES],
            ),
            "## Readers, by case",
            "",
            table(
                _by_case(
                    reader_records,
                    [(c.name, c.description) for c in FILE_CASES]
                    + [("sample:<name>", "a broken file of the io samples")],
                ),
                ["case", "input", *OUTCOMES],
            ),
            "## Wrong",
            "",
            (
                table(
                    [
                        {
                            **r,
                            "detail": short(r["detail"], 120),
                            "reason": KNOWN_WRONG.get(r["estimator"], {}).get(
                                r["case"], ""
                            ),
                        }
                        for r in wrong
                    ],
                    ["estimator", "case", "detail", "reason"],
                )
                if wrong
                else "None.\n"
            ),
            "## Every estimator case",
            "",
            table(
                [{**r, "detail": short(r["detail"], 120)} for r in records],
                ["estimator", "case", "outcome", "detail"],
            ),
            "## Every reader case",
            "",
            table(
                [
                    {**r, "reader": r["estimator"], "detail": short(r["detail"], 120)}
                    for r in reader_records
                ],
                ["reader", "format", "case", "outcome", "detail"],
            ),
        ]
    )
    counts = collections.Counter(r["outcome"] for r in records)
    reader_counts = collections.Counter(r["outcome"] for r in reader_records)
    run.write(
        "Bad input: refused, warned, accepted, wrong",
        body,
        {
            "counts": dict(counts),
            "reader_counts": dict(reader_counts),
            "records": records,
            "reader_records": reader_records,
        },
        args.output,
    )
    if not args.smoke:
        REFUSALS_PAGE.write_text(refusals_page(records, reader_records))
        run.log(f"wrote {REFUSALS_PAGE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
