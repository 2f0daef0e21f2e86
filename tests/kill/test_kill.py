"""The real `python -m bot` is SIGKILLed at Bot API calls of a round and started again.

Every numbered call of every principal command (register, /ronde, each /sluit, /prioriteit,
/verdiep, /afsluiter, /afronden, /membercheck, /membercheck sluit) is a kill point, twice: before
Telegram applied the call, and after it applied it but before the bot heard back. The points are
packed into chains, one point per phase: chain j kills at the j-th point of every phase that has
one, so one run of the round tests up to twelve kills, each checked at the next phase boundary
(everyone told of everything, at most one duplicate per kill) and at the end (same counts on
the round announcement, same /export as the uninterrupted run). There are as many chains as the
busiest phase has points (2 x its calls).

Coverage: by default CHAINS_PER_RUN chains run, numbers seed*CHAINS_PER_RUN ... modulo the chain
count, so consecutive seeds (NETWERKKAART_KILL_SEED, e.g. the CI run number; random and printed
when unset) cover every kill point within ceil(chains / CHAINS_PER_RUN) runs of the suite.
NETWERKKAART_KILL_ALL=1 runs every chain; NETWERKKAART_KILL_POINTS=phase:number:mode,...
runs exactly those points as one chain (to reproduce a failure). NETWERKKAART_KILL_JOBS (2)
chains run side by side. When a chain fails, the points it had not reached yet run again in a
new chain, so one failure hides no other point.
"""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path

from bot.testing.http import KillPoint

from .runner import KillFailure, Played, play
from .scenario import PRINCIPAL_PHASES

CHAINS_PER_RUN = 4


def kill_points(reference: Played) -> dict[str, list[KillPoint]]:
    """Per principal phase, every kill point in order: call 1 before, call 1 after, call 2 ..."""
    return {
        phase: [
            KillPoint(phase, number, mode)
            for number in range(1, count + 1)
            for mode in ("before", "after")
        ]
        for phase, count in reference.calls_per_phase().items()
    }


def chains(points: dict[str, list[KillPoint]]) -> list[list[KillPoint]]:
    """Chain j: the j-th point of every phase that has one."""
    longest = max(len(p) for p in points.values())
    return [
        [points[phase][j] for phase in PRINCIPAL_PHASES if j < len(points[phase])]
        for j in range(longest)
    ]


def chosen(
    all_chains: list[list[KillPoint]], env: os._Environ[str]
) -> tuple[str, list[list[KillPoint]]]:
    """The chains this run plays, and a line saying why (with the seed)."""
    if env.get("NETWERKKAART_KILL_POINTS"):
        plan = [KillPoint.parse(p) for p in env["NETWERKKAART_KILL_POINTS"].split(",")]
        return f"NETWERKKAART_KILL_POINTS={env['NETWERKKAART_KILL_POINTS']}", [plan]
    if env.get("NETWERKKAART_KILL_ALL") == "1":
        return f"NETWERKKAART_KILL_ALL=1: all {len(all_chains)} chains", all_chains
    seed = int(env.get("NETWERKKAART_KILL_SEED") or random.randrange(len(all_chains)))
    numbers = sorted({(seed * CHAINS_PER_RUN + t) % len(all_chains) for t in range(CHAINS_PER_RUN)})
    picked = [all_chains[n] for n in numbers]
    return (
        f"NETWERKKAART_KILL_SEED={seed}: chains {numbers} of {len(all_chains)}",
        picked,
    )


async def run_chains(
    plans: list[list[KillPoint]], reference: Played, workdir: Path, jobs: int
) -> tuple[list[KillPoint], list[KillFailure]]:
    """Play every plan (`jobs` at a time); the points that passed and the failures."""
    queue: asyncio.Queue[list[KillPoint]] = asyncio.Queue()
    for plan in plans:
        queue.put_nowait(plan)
    passed: list[KillPoint] = []
    failures: list[KillFailure] = []
    counter = iter(range(10**6))

    async def worker() -> None:
        while not queue.empty():
            plan = queue.get_nowait()
            run_dir = workdir / f"run{next(counter)}"
            try:
                await play(run_dir, plan=plan, reference=reference)
                passed.extend(plan)
            except KillFailure as failure:
                failures.append(failure)
                fired = set(failure.fired)
                # Points before the last kill passed their own checks; the rest go again.
                passed.extend(failure.fired[:-1])
                rest = [p for p in plan if p not in fired]
                if rest:
                    queue.put_nowait(rest)

    await asyncio.gather(*(worker() for _ in range(jobs)))
    return passed, failures


def test_nothing_is_lost_when_the_bot_is_killed_at_any_call(
    reference: Played, tmp_path: Path
) -> None:
    """Killed at any call of a principal command and restarted, the round ends as without kills."""
    why, plans = chosen(chains(kill_points(reference)), os.environ)
    jobs = int(os.environ.get("NETWERKKAART_KILL_JOBS", "2"))
    print(f"kill test: {why}; {sum(map(len, plans))} kill points")
    passed, failures = asyncio.run(run_chains(plans, reference, tmp_path, jobs))
    report = "\n\n".join(str(f) for f in failures)
    print(f"kill test: {len(passed)} kill points passed, {len(failures)} failed")
    assert not failures, f"{why}\n{len(failures)} kill point(s) failed:\n\n{report}"
