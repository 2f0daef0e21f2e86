"""Step 3 in private: the reflection cards about the partners the principal chose (/verdiep).

Per partner the member answers at least one card from each phase (Fase 1 Wie en waartoe,
Fase 2 Randvoorwaarden, Fase 3 Leeropbrengsten), in one or more messages, and can review and
change answers until the principal closes the step. Nobody else sees them before that.
"""

from __future__ import annotations

from core.cards import BY_ID, CARDS, PHASES, missing_phases
from core.edits import SourceKind
from core.protocol import Stage
from core.validation import Problem, clean_answer
from prompts import Html

from .base import Button, Ctx, Outcome, Screen, distinct_labels, rows
from .priority import key_hash


async def _session(ctx: Ctx) -> tuple[int, list[tuple[str, str]]] | None:
    row = await ctx.tx.deep_session(ctx.round.id, "open")
    if row is None:
        return None
    return int(row.id), await ctx.tx.deep_partners(int(row.id))


async def _answers(ctx: Ctx, session_id: int) -> dict[tuple[str, str], str]:
    rows = await ctx.tx.card_answers(session_id, ctx.member.id)
    return {(r.node_key, r.card_id): r.text for r in rows}


def _label(partners: list[tuple[str, str]], key: str | None) -> str:
    return next((label for k, label in partners if k == key), "")


async def start_screens(ctx: Ctx) -> list[Screen]:
    """The instruction and the first partner's cards (or the partner choice)."""
    found = await _session(ctx)
    if found is None:
        return [Screen(ctx.t("member.waiting"))]
    _, partners = found
    names = ", ".join(label for _, label in partners)
    intro = Screen(ctx.t("deep.intro", partners=names))
    if len(partners) == 1:
        await ctx.update(deep_node_key=partners[0][0], deep_card=None)
    return [intro, await menu_screen(ctx)]


async def menu_screen(ctx: Ctx, *, lead: Html | None = None) -> Screen:
    """The cards for the member's current partner, grouped by phase, with ✓ for answered ones."""
    found = await _session(ctx)
    if found is None:
        return Screen(ctx.t("member.waiting"))
    session_id, partners = found
    key = ctx.member.deep_node_key
    if key is None or key not in {k for k, _ in partners}:
        labels = distinct_labels([label for _, label in partners])
        buttons = [
            Button(label, "dpart", key_hash(k))
            for label, (k, _) in zip(labels, partners, strict=True)
        ]
        text = ctx.t("deep.choose_partner")
        return Screen(Html(f"{lead}\n\n{text}") if lead else text, rows(*buttons))
    answers = await _answers(ctx, session_id)
    answered = {card for (k, card) in answers if k == key}
    missing = missing_phases(answered)
    status = (
        ctx.t("deep.status_done")
        if not missing
        else ctx.t("deep.status_missing", phases=", ".join(str(p) for p in missing))
    )
    text = ctx.t("deep.menu", partner=_label(partners, key), status=status)
    if lead:
        text = Html(f"{lead}\n\n{text}")
    layout: list[tuple[Button, ...]] = []
    for phase in PHASES:
        cards = [c for c in CARDS if c.phase == phase]
        layout.extend(
            rows(
                *(
                    Button(
                        ("✓ " if c.id in answered else "")
                        + f"{phase} · {ctx.plain(f'card.{c.id}')}",
                        "dcard",
                        c.id,
                    )
                    for c in cards
                ),
                per_row=1,
            )
        )
    bottom = [Button(ctx.plain("btn.deep_done"), "ddone")]
    if len(partners) > 1:
        bottom.append(Button(ctx.plain("btn.other_partner"), "dpartners"))
    layout.append(tuple(bottom))
    return Screen(text, tuple(layout))


async def card_screen(ctx: Ctx, *, lead: Html | None = None) -> Screen:
    """One card: its main question, the aids, and what the member already wrote."""
    card = BY_ID[ctx.member.deep_card or ""]
    found = await _session(ctx)
    assert found is not None
    session_id, partners = found
    answer = (await _answers(ctx, session_id)).get((ctx.member.deep_node_key or "", card.id))
    aids = "\n".join(
        ("    " if q[-1].isalpha() else "• ") + ctx.texts.t(q, ctx.lang) for q in card.aids
    )
    text = ctx.t(
        "deep.card",
        phase=card.phase,
        phase_name=ctx.plain(f"phase.{card.phase}"),
        title=ctx.plain(f"card.{card.id}"),
        partner=_label(partners, ctx.member.deep_node_key),
        question=ctx.texts.plain(card.main_question, ctx.lang),
        aids=Html(aids),
    )
    if answer:
        text = Html(f"{text}\n\n{ctx.t('deep.your_answer', answer=answer)}")
    if lead:
        text = Html(f"{lead}\n\n{text}")
    buttons = [Button(ctx.plain("btn.to_cards"), "dback")]
    if answer:
        buttons.append(Button(ctx.plain("btn.clear_answer"), "dclear"))
    return Screen(text, (tuple(buttons),))


async def done_screen(ctx: Ctx) -> Screen:
    """Thanks; answers can still be changed until the step closes."""
    return Screen(ctx.t("deep.done"), rows(Button(ctx.plain("btn.review_cards"), "dback")))


async def current_screen(ctx: Ctx) -> Screen:
    """The screen for the member's current deep-conversation stage."""
    stage = Stage(ctx.member.stage)
    if stage is Stage.DEEP_ANSWER and ctx.member.deep_card in BY_ID:
        return await card_screen(ctx)
    if stage is Stage.DEEP_DONE:
        return await done_screen(ctx)
    return await menu_screen(ctx)


async def on_text(ctx: Ctx, text: str) -> Outcome:
    """A message while a card is open is (part of) its answer."""
    stage = Stage(ctx.member.stage)
    found = await _session(ctx)
    if stage is not Stage.DEEP_ANSWER or found is None or ctx.member.deep_card not in BY_ID:
        return Outcome([Screen(ctx.t("deep.choose_card_first")), await current_screen(ctx)])
    session_id, _ = found
    key, card = ctx.member.deep_node_key or "", ctx.member.deep_card or ""
    existing = (await _answers(ctx, session_id)).get((key, card), "")
    cleaned = clean_answer(text, already=len(existing))
    if isinstance(cleaned, Problem):
        return Outcome([Screen(ctx.t(cleaned.key, **cleaned.fields)), await card_screen(ctx)])
    await ctx.tx.add_card_answer(ctx.member.id, session_id, key, card, cleaned)
    await ctx.tx.note_source(
        SourceKind.CARD,
        cleaned,
        member_id=ctx.member.id,
        session_id=session_id,
        node_key=key,
        question_id=card,
    )
    return Outcome([Screen(ctx.t("deep.saved"), (_after_answer(ctx),))])


def _after_answer(ctx: Ctx) -> tuple[Button, ...]:
    return (Button(ctx.plain("btn.to_cards"), "dback"),)


async def on_button(ctx: Ctx, action: str, arg: str) -> Outcome | None:
    """Partner choice, opening a card, back to the cards, clearing an answer, done."""
    found = await _session(ctx)
    if found is None:
        return None
    session_id, partners = found
    stage = Stage(ctx.member.stage)
    if action == "dpart":
        key = next((k for k, _ in partners if key_hash(k) == arg), None)
        if key is None:
            return None
        await ctx.move(Stage.DEEP, deep_node_key=key, deep_card=None)
        return Outcome([await menu_screen(ctx)])
    if action == "dpartners":
        await ctx.move(Stage.DEEP, deep_node_key=None, deep_card=None)
        return Outcome([await menu_screen(ctx)])
    if action == "dcard" and stage is Stage.DEEP and arg in BY_ID:
        if ctx.member.deep_node_key is None:
            return None
        await ctx.move(Stage.DEEP_ANSWER, deep_card=arg)
        return Outcome([await card_screen(ctx)])
    if action == "dback" and stage in (Stage.DEEP_ANSWER, Stage.DEEP_DONE):
        await ctx.move(Stage.DEEP, deep_card=None)
        return Outcome([await menu_screen(ctx)])
    if action == "dclear" and stage is Stage.DEEP_ANSWER and ctx.member.deep_card:
        key = ctx.member.deep_node_key or ""
        await ctx.tx.clear_card_answer(ctx.member.id, session_id, key, ctx.member.deep_card)
        return Outcome([await card_screen(ctx, lead=ctx.t("deep.cleared"))])
    if action == "ddone" and stage is Stage.DEEP:
        answers = await _answers(ctx, session_id)
        for key, label in partners:
            missing = missing_phases({card for (k, card) in answers if k == key})
            if missing:
                lead = ctx.t(
                    "deep.not_yet", partner=label, phases=", ".join(str(p) for p in missing)
                )
                await ctx.update(deep_node_key=key)
                return Outcome([await menu_screen(ctx, lead=lead)])
        await ctx.move(Stage.DEEP_DONE, deep_card=None)
        return Outcome([await done_screen(ctx)], progress_changed=True)
    return None
