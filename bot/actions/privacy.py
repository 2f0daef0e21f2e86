"""/vergeetmij: everything about a person leaves the database, also the kept versions."""

from __future__ import annotations

import asyncio
import json

from bot.context import Services
from bot.dialogs import finish as finish_dialog
from bot.dialogs import survey
from core.model import Team
from core.records import Forgotten
from storage.store import Tx

from . import progress
from .finish import report


async def forget(services: Services, user_id: int, lang: str) -> Forgotten:
    """Delete or anonymise every row about the person, rewrite the kept versions and member
    check reports that quoted them, scrub what is still owed to others, then empty the WAL.

    One transaction: a crash half-way leaves everything as it was (and the person can ask
    again), never a half-forgotten person. Rewriting a kept version draws its map and PDF
    again in a worker thread while the transaction waits (a second or two, rarely needed).
    """
    gone = services.texts.plain("forget.removed", lang)
    async with services.store.tx() as tx:
        data = await tx.personal_data(user_id)
        texts = data.texts()
        kept: dict[int, Team] = {}
        for team, round_, _member in data.memberships:
            if await tx.round_versions(round_.id):
                kept[round_.id] = team
        done = await tx.forget_person(user_id, kept)
        # Commitments they took on stay the team's, without them: the facilitator follows up.
        await tx.forget_commitment_owner(user_id)
        await tx.forget_note_person(user_id)
        for round_id, team in kept.items():
            await _rewrite_versions(tx, services, team, round_id)
        for team, check, _response in data.checks:
            if check.closed_at is not None:
                fresh = await tx.member_check(check.id)
                if fresh is not None:
                    text = await survey.report(tx, services.texts, team, fresh)
                    await tx.set_member_check_report(check.id, text)
        teams = {team.id: team for team, _r, _m in data.memberships}
        teams.update({team.id: team for team, _c, _r in data.checks})
        dropped = await tx.scrub_pending(teams, texts, gone)
        if dropped:
            for team in teams.values():
                if team.id in {t.id for t in kept.values()}:
                    await report(tx, services, team, team.principal_user_id, notify=None)
        for _team, round_, _member in data.memberships:
            if round_.closed_at is None:
                await progress.refresh(tx, services, round_.id)
    await services.store.purge()
    return done


async def _rewrite_versions(tx: Tx, services: Services, team: Team, round_id: int) -> None:
    """Every kept version of the round again, from the (now anonymous) rows: same partners
    and counts, without the forgotten person's texts."""
    round_ = await tx.round(round_id)
    zone = services.timezone(team)
    for version in await tx.round_versions(round_id):
        snapshot = json.loads(version.snapshot_json)
        labels = {str(p.get("label")) for p in snapshot.get("partners", [])}
        data = await finish_dialog.report_data(
            tx, services.texts, team, round_, zone, b"", additions=labels
        )
        png, pdf, markdown, raw = await asyncio.to_thread(
            finish_dialog.build_files, services.texts, team, round_, data, zone
        )
        await tx.anonymise_map_version(version.id, raw.decode("utf-8"), png, pdf, markdown)
