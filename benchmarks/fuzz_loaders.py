"""Fuzz the scenario loader, the ACLED importer and the CLI for a time budget (issue 6, part 1).

Runs the hypothesis strategies of ``tests/test_fuzz.py`` -- random bytes, random text and mutated
copies of every file of a valid scenario (the bundled ``odesa-2025-12`` plus status updates,
temperature readings, blackouts and a ``[needs]`` section), and random or mutated ACLED exports --
in rounds until ``--seconds`` have passed. The only allowed outcomes are a valid scenario / import
or ``impact.ScenarioError`` (``impact.acled.AcledError`` for the importer); every ``--cli-every``-th
round also goes through ``impact validate`` / ``impact import-acled`` and through ``impact run
--samples 5 --out`` to a CSV, Excel, NetCDF or Parquet file, so that scenarios which load are
also run and exported (exit code 0 or 2, no traceback; with 0 the export exists). Prints how
many examples ran per target and every failure found (the shrunk example and its traceback);
exits 1 if any.

Fuzzed-but-valid input (``tests/test_fuzz_valid.py``, issue 6 part 6) runs in the same rounds:
the bundled scenario and random scenarios rewritten in other valid forms (rows and columns in
another order, CRLF, byte order mark, quoting, other UTC offsets, other exact number forms)
must give a result identical to the canonical form's and keep every invariant; small random
scenarios must also give fast engine = reference engine.

    python benchmarks/fuzz_loaders.py [--seconds 300] [--round 50] [--seed N]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import test_fuzz as fuzz
import test_fuzz_valid as valid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300, help="time budget (default 300 s)")
    parser.add_argument("--round", type=int, default=50, help="examples per round and target (default 50)")
    parser.add_argument("--cli-every", type=int, default=5, help="a CLI round every N rounds (default 5)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the random rounds (default random)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    workspace = fuzz.Workspace()
    ran: Counter[str] = Counter()
    failures: list[str] = []
    start = time.monotonic()
    health = list(HealthCheck)

    def fuzz_round(name: str, strategy: st.SearchStrategy, check, examples: int) -> None:
        @seed(rng.getrandbits(64))
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=health,
            derandomize=False,
            print_blob=True,
        )
        @given(case=strategy)
        def run(case) -> None:
            if time.monotonic() - start >= args.seconds:
                return  # the budget is spent: let the round end quickly
            ran[name] += 1
            check(case)

        try:
            run()
        except Exception:  # every failure is reported
            failures.append(f"--- {name}\n{traceback.format_exc()}")
            print(failures[-1], flush=True)

    targets = [
        (
            "scenario: mutated or random file",
            fuzz.scenario_cases(fuzz.FILES),
            lambda case: fuzz.check_load(workspace, *case),
        ),
        (
            "scenario: random bytes",
            st.tuples(st.sampled_from(sorted(fuzz.FILES)), st.binary(max_size=2000)),
            lambda case: fuzz.check_load(workspace, *case),
        ),
        (
            "acled: mutated or random file",
            st.tuples(fuzz.acled_cases(), st.booleans()),
            lambda case: fuzz.check_acled(workspace, *case),
        ),
        ("valid: odesa written another way", valid.forms(), lambda form: valid.check_form("odesa", form)),
        (
            "valid: random scenario another way",
            st.tuples(st.integers(0, 10**6), valid.forms()),
            lambda case: valid.check_form(str(case[0]), case[1]),
        ),
    ]
    cli_targets = [
        ("cli: validate", fuzz.scenario_cases(fuzz.FILES), lambda case: _cli_validate(workspace, case)),
        ("cli: import-acled", fuzz.acled_cases(), lambda content: _cli_acled(workspace, content)),
        (
            "cli: run and export",
            st.tuples(fuzz.run_cases(fuzz.FILES), st.sampled_from(fuzz.EXPORT_SUFFIXES)),
            lambda case: fuzz.check_run_export(workspace, *case[0], case[1]),
        ),
    ]
    rounds = 0
    try:
        while time.monotonic() - start < args.seconds:
            rounds += 1
            chosen = targets + (cli_targets if rounds % args.cli_every == 0 else [])
            for name, strategy, check in chosen:
                if time.monotonic() - start >= args.seconds:
                    break
                slow = name.startswith(("cli", "valid"))  # a process or a model run per example
                fuzz_round(name, strategy, check, max(1, args.round // 5) if slow else args.round)
    finally:
        workspace.close()
    elapsed = time.monotonic() - start
    print(f"fuzzed for {elapsed:.0f} s in {rounds} rounds: {sum(ran.values())} examples")
    for name, count in sorted(ran.items()):
        print(f"  {name:<36} {count:>7} examples")
    print(f"{len(failures)} failure(s) found" if failures else "no failure found")
    return 1 if failures else 0


def _cli_validate(workspace: fuzz.Workspace, case: tuple[str, bytes | None]) -> None:
    with workspace.replaced(*case) as folder:
        fuzz.check_cli(["validate", str(folder)])


def _cli_acled(workspace: fuzz.Workspace, content: bytes) -> None:
    workspace.acled.write_bytes(content)
    fuzz.check_cli(
        [
            "import-acled",
            str(workspace.acled),
            "--scenario",
            str(workspace.folder),
            "--out",
            str(workspace.root / "strikes-out.csv"),
            "--skip-bad-rows",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
