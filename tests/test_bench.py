"""The benchmarks still run (with tiny numbers; nothing here is timed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


async def test_update_bench_runs_in_at_most_two_transactions_per_update() -> None:
    """Members adding partners through the real bot, beside the echo baseline: every update is
    counted; a typed name takes two transactions and a tap one (1.25 per update)."""
    bench = _bench("update_bench")
    result = await bench.run(members=2, partners=1, rounds=1)
    assert [f.updates for f in result.echo] == [8]
    assert [f.updates for f in result.bot] == [8]
    assert [f.updates for f in result.mirror] == [8]
    assert all(ratio > 0 for ratio in result.ratios())
    assert result.per_update("transactions") == 1.25
    assert result.per_update("statements") > result.per_update("transactions")


async def test_merge_bench_runs_beside_cdist() -> None:
    """The merge bench measures the merge beside a rapidfuzz cdist, lists the suggestions of
    its realistic list and times pick-screen taps (tiny numbers, nothing here is timed)."""
    bench = _bench("merge_bench")
    assert all(seconds > 0 for seconds in bench.merge_figures(2, 5, repeat=1))
    pairs = {frozenset(pair) for pair in bench.suggestions_83()}
    assert {frozenset(("CLB", "VCLB")), frozenset(("Chiro", "Jeugdbeweging Chiro"))} <= pairs
    assert all(seconds > 0 for seconds in await bench.pick_tap_figures(2, 5, taps=1))
