"""Benchmark: merging a team's post-its, beside a rapidfuzz cdist over the same names.

Run: .venv/bin/python bench/merge_bench.py [--members 10] [--names 50]

- merge: core.merge.merge of N members x M realistic partner names (spelling variants, plurals,
  short forms, typos), cold (every cache emptied first, as the first merge after a change) and
  warm, beside rapidfuzz.process.cdist(names, names) over the same N x M names, the least any
  fuzzy comparison of every name with every other costs. Goal: cold merge <= 2 x cdist.
- suggestions: how many pairs the principal is asked about on the 83-partner list below (a
  team's list with short forms and one name contained in another), and which pairs.
- pick screen: the time one tap on a priority pick screen takes in the dialog (a page of the
  merged map, from a real SQLite file), the first tap after a change and the next ones.
Not a test: it prints figures; the numbers depend on the machine, the ratios much less.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import fuzz, process

from core import merge as merge_module
from core.merge import Mention, merge
from core.model import Language, Role

# A Flemish primary school's partners as a team of ten wrote them: 83 partners, with the short
# forms, case variants, plurals, typos and "one name in the other" that real lists have.
PARTNERS_83 = [
    "CLB", "C.L.B.", "Centrum voor Leerlingenbegeleiding", "VCLB", "CLB Gent", "ouders",
    "Ouders", "de ouders", "Ouderraad", "oudercomité", "bib", "Bibliotheek", "bibliotheek",
    "Bibliotheek Zuid", "HoGent", "Hogeschool Gent", "Artevelde", "Arteveldehogeschool",
    "Universiteit Gent", "UGent", "Chiro", "Jeugdbeweging Chiro", "Scouts", "KSA",
    "Brandweer", "brandweer Gent", "Politie", "wijkagent", "voetbalclub",
    "Voetbalclub KFC Eendracht", "Sportdienst", "Zwembad", "Academie", "Muziekacademie",
    "Academie voor Muziek en Woord", "Kinderopvang 't Vlindertje", "Kinderopvang",
    "Huisarts", "huisartsen", "Logopedist", "logopedisten", "Kinesist", "CGG", "CAW",
    "OCMW", "Gemeente", "Stad Gent", "Stad Genk", "Scholengemeenschap",
    "scholengemeenschap", "Scholengroep", "Inrichtende macht", "Schoolbestuur",
    "Pedagogische begeleidingsdienst", "Pedagogische begeleidingdienst", "PBD",
    "Pedagogische Begeleidingsdienst", "Ondersteuningsnetwerk", "ondersteuningsnetwerk",
    "Inspectie", "Onderwijsinspectie", "LOP", "Lokaal overlegplatform", "Nascholing",
    "nascholingen", "Stagiairs", "stagiairs", "Stagiairs lerarenopleiding", "Vrijwilligers",
    "vrijwilliger", "Leesouders", "Buurtwerk", "Buurtwerk De Brug", "Museum", "Natuurpunt",
    "Speelpleinwerking", "Revalidatiecentrum", "Welzijnsschakel", "Brugfiguur",
    "Kind en Gezin", "Huis van het Kind", "Klasse", "KlasCement", "Bakker", "Supermarkt",
    "Parochie", "Jeugdhuis", "Directeurs andere scholen", "Collega's andere scholen",
    "basisschool 1", "basisschool 2", "Vzw Leerkracht", "Centrum Kind en Gezin", "Tandarts",
    "Apotheek", "Gezinsbond", "Rode Kruis", "Technopolis", "Kinderboerderij", "Kunstencentrum",
    "Verkeerspark", "Woonzorgcentrum", "Dienstencentrum", "Turnkring",
]  # fmt: skip


KINDS = ["Sportclub", "Jeugdhuis", "Kinesist", "Logopediepraktijk", "Bakkerij", "Apotheek",
         "Basisschool", "Kunstacademie", "Buurthuis", "Wijkgezondheidscentrum", "Speelplein",
         "Vzw", "Dienstencentrum", "Tekenacademie", "Scouts", "Turnkring", "Muziekschool",
         "Kinderboerderij", "Woonzorgcentrum", "Bibliotheekfiliaal"]  # fmt: skip
PLACES = ["Noord", "Zuid", "Oost", "West", "De Brug", "Ter Linden", "Het Anker", "Rivierland",
          "Ruisbeek", "Sint-Jan", "De Regenboog", "Klank", "Lindenhof", "Ter Beke", "Het Wiel",
          "De Ploeg", "Kortrijk", "Gent", "Eeklo", "Lokeren"]  # fmt: skip


def team_names(members: int, names: int, seed: int = 1) -> list[Mention]:
    """N members who each wrote M names: half from the list above (variants included), half
    their own local partners (a sports club, a physiotherapist ...), some named by others too."""
    rnd = random.Random(seed)
    pool = list(dict.fromkeys(PARTNERS_83))
    mentions: list[Mention] = []
    for member in range(members):
        chosen = rnd.sample(pool, min(names // 2, len(pool)))
        while len(chosen) < names:
            own = f"{rnd.choice(KINDS)} {rnd.choice(PLACES)}"
            if own not in chosen:
                chosen.append(own)
        for offset, name in enumerate(chosen):
            mentions.append(Mention(member * names + offset, member, Role.LERAAR, name))
    return mentions


def _clear_caches() -> None:
    """Empty every functools cache of the merge, as after a restart."""
    for value in vars(merge_module).values():
        clear = getattr(value, "cache_clear", None)
        if callable(clear):
            clear()


def _time(
    fn: Callable[[], object], repeat: int, *, before: Callable[[], object] | None = None
) -> float:
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def merge_figures(members: int, names: int, repeat: int = 9) -> tuple[float, float, float]:
    """(cold merge, warm merge, cdist) in seconds for the same N x M names, measured in turns
    so that the machine's load weighs on both sides alike."""
    mentions = team_names(members, names)
    texts = [m.text for m in mentions]
    cold, warm, base = [], [], []
    for _ in range(repeat):
        cold.append(_time(lambda: merge(mentions), 1, before=_clear_caches))
        warm.append(_time(lambda: merge(mentions), 1))
        base.append(_time(lambda: process.cdist(texts, texts, scorer=fuzz.ratio), 1))
    return statistics.median(cold), statistics.median(warm), statistics.median(base)


def suggestions_83() -> list[tuple[str, str]]:
    """The pairs the principal is asked about for the 83-partner list, one member per name."""
    mentions = [Mention(i, i, Role.LERAAR, name) for i, name in enumerate(PARTNERS_83)]
    result = merge(mentions)
    return [(result.nodes[a].label, result.nodes[b].label) for a, b in result.suggestions]


async def pick_tap_figures(members: int, names: int, taps: int = 7) -> tuple[float, float, float]:
    """(first tap after a restart, first tap after a change, median of the next taps) in seconds
    on a priority pick screen of a team of N members x M post-its, from a real SQLite file."""
    from bot.dialogs import mapview, priority
    from bot.dialogs.base import Ctx
    from core.merge import name_key
    from core.protocol import Stage, Step
    from prompts import Texts
    from storage.store import Store

    texts = Texts.load()
    with tempfile.TemporaryDirectory(prefix="merge-bench-") as folder:
        store = await Store.open(Path(folder) / "bench.sqlite3")
        try:
            async with store.tx() as tx:
                team = await tx.create_team(-100, 1, Language.NL)
                round_ = await tx.open_round(team.id, "token", Step.BRAINSTORM.value)
                people = []
                by_member: dict[int, list[Mention]] = {}
                for mention in team_names(members, names):
                    by_member.setdefault(mention.member_id, []).append(mention)
                for n, own in by_member.items():
                    member = await tx.add_member(round_.id, 1000 + n, f"m{n}", Stage.PRIORITY.value)
                    people.append(member)
                    for mention in own:
                        await tx.add_postit(member.id, mention.text, f"{mention.postit_id}")
                await tx.set_round_step(round_.id, Step.PRIORITIES.value)

            async def tap(n: int) -> float:
                start = time.perf_counter()
                async with store.tx() as tx:
                    ctx = Ctx(tx, texts, await tx.team(team.id), await tx.round(round_.id),
                              await tx.member(people[n % len(people)].id))  # fmt: skip
                    await priority.on_button(ctx, "plist", str(n % 3))
                return time.perf_counter() - start

            _clear_caches()
            if hasattr(mapview, "MERGES"):  # (the bench also runs on the code before the cache)
                mapview.MERGES = type(mapview.MERGES)()
            restart = await tap(0)
            # A change: the principal keeps two partners apart (the names were stemmed when
            # they were typed, as the bot does).
            for mention in team_names(members, names):
                name_key(mention.text)
            async with store.tx() as tx:
                await tx.decide(round_.id, name_key("CLB"), name_key("CLB Gent"), "apart")
            changed = await tap(1)
            samples = [await tap(n) for n in range(2, taps + 2)]
        finally:
            await store.close()
    return restart, changed, statistics.median(samples)


def main() -> None:
    """Print the merge figures, the suggestions and the pick screen's tap time."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--names", type=int, default=50)
    args = parser.parse_args()
    cold, warm, base = merge_figures(args.members, args.names)
    print(f"merge {args.members} members x {args.names} names (median of 9, in turns)")
    print(f"  merge, warm      {warm * 1000:8.1f} ms   (the names were seen before: the bot")
    print("                               stems each post-it when it is typed)")
    print(f"  merge, cold      {cold * 1000:8.1f} ms   (every cache emptied, as after a restart)")
    print(f"  rapidfuzz cdist  {base * 1000:8.1f} ms")
    print(f"  ratio merge / cdist   warm {warm / base:6.2f}   goal <= 2;   cold {cold / base:6.2f}")
    pairs = suggestions_83()
    partners = len(merge(Mention(i, i, Role.LERAAR, n) for i, n in enumerate(PARTNERS_83)).nodes)
    print(
        f"suggestions on the list of {len(PARTNERS_83)} names ({partners} partners): {len(pairs)}"
    )
    for a, b in pairs:
        print(f"  {a}  /  {b}")
    restart, changed, rest = asyncio.run(pick_tap_figures(args.members, args.names))
    print("priority pick screen, one tap (paging), the whole update's dialog work")
    print(f"  first tap after a restart  {restart * 1000:8.1f} ms")
    print(f"  first tap after a change   {changed * 1000:8.1f} ms   goal <= 50")
    print(f"  next taps (median)         {rest * 1000:8.1f} ms   goal <= 50")


if __name__ == "__main__":
    main()
