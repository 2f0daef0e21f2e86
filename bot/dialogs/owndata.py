"""What the bot tells a person about their own data: /mijngegevens and /vergeetmij (no Telegram)."""

from __future__ import annotations

from core.records import Forgotten, PersonalData
from prompts import Html, Texts

from .brainstorm import details

# Kinds of deleted things, in the order the bot lists them (key of Forgotten -> prompt key).
FORGOTTEN_KINDS = (
    "memberships",
    "answers",
    "postits",
    "priorities",
    "cards",
    "closing",
    "absences",
    "check_answers",
    "messages",
)


def my_data(texts: Texts, lang: str, data: PersonalData, extra: tuple[str, ...] = ()) -> Html:
    """Everything stored about the person, per round and per member check (and `extra`
    blocks, e.g. the commitments they took on)."""
    t, plain = texts.t, texts.plain
    if not data.memberships and not data.checks:
        return t("mydata.none", lang)
    blocks: list[str] = [t("mydata.header", lang, user_id=data.user_id)]
    for team, round_, member in data.memberships:
        blocks.append(
            t(
                "mydata.membership",
                lang,
                school=team.school_name or "",
                number=round_.number,
                first_name=member.first_name,
                role=plain(f"role.{member.role.value}", lang) if member.role else "–",
                function=member.function or "–",
                stage=member.stage,
                joined=member.joined_at.strftime("%d-%m-%Y"),
            )
        )
        for answer in data.answers.get(member.id, []):
            question = plain(answer.question_id, lang)
            blocks.append(t("mydata.answer", lang, question=question, text=answer.text))
        postits = data.postits.get(member.id, [])
        lines = [t("mydata.postits_header", lang, count=len(postits))]
        lines += [
            t("mydata.postit", lang, name=p.text, details=details(texts, lang, p)) for p in postits
        ] or [t("mydata.no_postits", lang)]
        blocks.append("\n".join(lines))
        if member.id in data.priorities:
            priority, label = data.priorities[member.id]
            blocks.append(t("mydata.priority", lang, partner=label, reason=priority.reason or "–"))
        cards = data.cards.get(member.id, [])
        if cards:
            lines = [t("mydata.cards_header", lang, count=len(cards))]
            lines += [
                t(
                    "mydata.card",
                    lang,
                    partner=label,
                    card=plain(f"card.{card.card_id}", lang),
                    text=card.text,
                )
                for card, label in cards
            ]
            blocks.append("\n".join(lines))
        votes = data.look_votes.get(member.id, [])
        links = data.look_links.get(member.id, [])
        if votes or links:
            lines = [t("look.mydata_header", lang)]
            for label, field_name, vote in votes:
                said = plain(
                    f"map.category.{vote}" if field_name == "category" else f"look.move_{vote}",
                    lang,
                )
                lines.append(t("look.mydata_vote", lang, partner=label, answer=said))
            lines += [t("look.mydata_link", lang, link=link) for link in links]
            blocks.append("\n".join(lines))
        for closing in data.closing.get(member.id, []):
            question = plain(closing.question_id, lang)
            blocks.append(t("mydata.answer", lang, question=question, text=closing.text))
        absences = data.absences.get(member.id, [])
        if absences:
            lines = [t("mydata.absences_header", lang, count=len(absences))]
            lines += [
                t(
                    "mydata.absence",
                    lang,
                    what=a.description,
                    why=a.why or "–",
                    steps=a.steps or "–",
                )
                for a in absences
            ]
            blocks.append("\n".join(lines))
    for team, check, response in data.checks:
        respondent = response.respondent
        blocks.append(
            t(
                "mydata.check",
                lang,
                school=team.school_name or "",
                date=check.opened_at.strftime("%d-%m-%Y"),
                role=plain(f"role.{respondent.role.value}", lang) if respondent.role else "–",
                function=respondent.function or "–",
            )
        )
        for qid, text in sorted(response.answers.items()):
            blocks.append(t("mydata.answer", lang, question=plain(qid, lang), text=text))
        if response.missing:
            blocks.append(t("mydata.check_missing", lang, names=", ".join(response.missing)))
        blocks.append(t("mydata.check_notice", lang))
    blocks.extend(extra)
    blocks.append(t("mydata.footer", lang))
    return Html("\n\n".join(blocks))


def forgotten(texts: Texts, lang: str, done: Forgotten) -> Html:
    """Exactly what /vergeetmij did, kind by kind."""
    if not done.anything:
        return texts.t("forget.nothing", lang)
    lines = [texts.t("forget.done_title", lang)]
    for kind in FORGOTTEN_KINDS:
        count = getattr(done, kind)
        if count:
            lines.append(texts.t(f"forget.kind.{kind}", lang, count=count))
    if done.kept_rounds:
        lines.append(
            texts.t("forget.kept", lang, rounds=done.kept_rounds, postits=done.kept_postits)
        )
    lines.append(texts.t("forget.done_end", lang))
    return Html("\n".join(lines))
