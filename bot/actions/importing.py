"""Start from the map a school already has (PROTOCOL step 0, PRE.I1: "Ga na of er al een
overzicht of netwerkkaart bestaat").

The facilitator sends a CSV (the bot's own export, a Kumu or Gephi-style sheet) in private. All
rows are checked first (core/importmap.py); then, in ONE transaction, the sheet becomes a kept
round of its own: a round marked `imported_from`, the facilitator its only member, the partners
their post-its, and its version the team's newest map. The next /ronde then starts like a
yearly update: the facilitator reviews the imported partners one by one (keep, move, drop)
while the colleagues add their own. A refused sheet changes nothing.
"""

from __future__ import annotations

import asyncio

from bot import callbacks
from bot.context import Services
from bot.dialogs import finish as finish_dialog
from bot.dialogs.team import new_token
from core.effects import Photo, Tap, Text
from core.importmap import MAX_SHOWN_PROBLEMS, ImportedMap, ImportRefused, parse_map
from core.model import Round, Team
from core.protocol import Stage, Step
from core.validation import normalise_key
from prompts import Html
from storage.store import Tx

from . import control


def refusal_text(services: Services, lang: str, refused: ImportRefused) -> Html:
    """Why nothing was read: the wrong rows by number (at most MAX_SHOWN_PROBLEMS), or the
    file's problem; what to do next."""
    t = services.texts.t
    shown = [t(p.key, lang, **p.fields) for p in refused.problems[:MAX_SHOWN_PROBLEMS]]
    if not refused.wrong_rows:
        return Html(f"{shown[0]}\n\n{t('import.how', lang)}")
    lines = "\n".join(f"• {line}" for line in shown)
    more = refused.wrong_rows - len(shown)
    head = t("import.refused", lang, count=refused.wrong_rows)
    tail = t("import.refused_more", lang, count=more) if more > 0 else Html("")
    return Html(f"{head}\n{lines}{tail}\n\n{t('import.fix', lang)}")


async def import_map(
    services: Services,
    team: Team,
    user_id: int,
    first_name: str,
    data: bytes,
    file_name: str,
) -> Html | None:
    """Read the sheet and keep it as the team's previous map (the picture and the next step
    go to the facilitator through the outbox: None), or the answer why not (nothing kept)."""
    lang = team.language.value
    t = services.texts.t
    parsed = parse_map(data)
    if isinstance(parsed, ImportRefused):
        return refusal_text(services, lang, parsed)
    zone = services.timezone(team)
    async with services.store.tx() as tx:
        if await tx.open_round_of(team.id) is not None:
            return t("import.round_open", lang)
        round_ = await _imported_round(tx, team, user_id, first_name, parsed, file_name)
        data_ = await finish_dialog.report_data(tx, services.texts, team, round_, zone, b"")
        # Drawing the map and the PDF takes a second or two; the transaction stays open so that
        # a failure leaves nothing behind (an import is rare, and one write waits meanwhile).
        files = await asyncio.to_thread(
            finish_dialog.build_files, services.texts, team, round_, data_, zone
        )
        kept = await finish_dialog.keep(tx, services.texts, team, round_, files, zone)
        if kept.round is None:
            raise RuntimeError("the imported round could not be kept")
        count = len(parsed.partners)
        text = t("import.done", lang, count=count, file=file_name)
        button = Tap(services.texts.plain("btn.new_round", lang), callbacks.new_round(team.id))
        await tx.enqueue(Photo(user_id, t("import.caption", lang, count=count), kept.png), team.id)
        await tx.enqueue(Text(user_id, text, ((button,),)), team.id)
        await control.refresh(tx, services, team)
    await services.flush()
    return None


async def _imported_round(
    tx: Tx, team: Team, user_id: int, first_name: str, parsed: ImportedMap, file_name: str
) -> Round:
    """A closed-brainstorm round whose only member (the importer) named every partner."""
    round_ = await tx.open_round(team.id, new_token(), Step.BRAINSTORM_CLOSED.value)
    await tx.mark_imported(round_.id, file_name)
    before = await tx.active_member(user_id)
    member = await tx.add_member(round_.id, user_id, first_name, Stage.WAITING.value)
    # Their private messages keep going where they went (the imported round has no dialog).
    await tx.route_to(user_id, before.id if before else None)
    await tx.update_member(member.id, finished_at=tx.now)
    for partner in parsed.partners:
        postit = await tx.add_postit(member.id, partner.name, normalise_key(partner.name))
        await tx.update_postit(
            postit.id,
            kind=partner.kind,
            category=partner.category,
            distance=partner.distance,
            classified=True,
        )
    return await tx.round(round_.id)
