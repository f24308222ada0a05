"""The networking plan as readable markdown (plan.md and the terminal view)."""

from __future__ import annotations

from collections.abc import Iterable

from net_skill.skills.networking.models import Target
from net_skill.skills.networking.plan import NetworkingPlan

_GOALS = {
    "career_exploration": "Career exploration",
    "job_search": "Job search",
    "industry_knowledge": "Industry knowledge",
    "mentorship": "Mentorship",
    "community": "Community",
    "business_development": "Business development",
}


def _bullets(lines: Iterable[str]) -> list[str]:
    return [f"- {line}" for line in lines]


def _target_label(plan: NetworkingPlan, number: int) -> str:
    targets = plan.targets.targets
    if 1 <= number <= len(targets):
        return f"{number}. {_describe_target(targets[number - 1])}"
    return f"target {number}"


def _describe_target(target: Target) -> str:
    if target.name:
        return f"{target.name} ({target.profile})"
    return f"{target.profile} (to be identified)"


def render_networking_markdown(plan: NetworkingPlan) -> str:
    out: list[str] = [
        "# Networking plan",
        "",
        f"*Prepared {plan.today.isoformat()}.*",
        "",
        "## 1. Purpose",
        f"**Primary goal:** {_GOALS[plan.purpose.primary_goal]}: {plan.purpose.goal_statement}",
        "",
        "**What you need:**",
        *_bullets(f"{n.kind.capitalize()}: {n.detail}" for n in plan.purpose.needs),
        "",
        "**Who can help:**",
        *_bullets(
            f"{h.kind_of_person} ({h.where}; {h.seniority})" for h in plan.purpose.who_can_help
        ),
        "",
        "## 2. Your network today",
    ]
    if plan.audit.contacts:
        out += ["| Contact | Relationship | Strength | Relevance |", "|---|---|---|---|"]
        for c in plan.audit.contacts:
            who = f"{c.name}, {c.description}" if c.name else c.description
            relation = c.relationship.replace("_", " ")
            out.append(f"| {_cell(who)} | {relation} | {c.strength} | {_cell(c.relevance)} |")
    else:
        out.append("No contacts were named in the situation.")
    out += ["", "**Gaps:**", *_bullets(plan.audit.gaps)]
    out += ["", "**Where to build:**", *_bullets(plan.audit.where_to_build), ""]
    out += [
        "## 3. The value you offer",
        f"**Value proposition:** {plan.value.value_proposition}",
        f"**Networking superpower:** {plan.value.superpower}",
        *_bullets(f"{o.kind.capitalize()}: {o.detail}" for o in plan.value.offers),
        "",
        "## 4. Targets",
    ]
    for number, target in enumerate(plan.targets.targets, 1):
        path = f"{target.path} path" + (f" via {target.via}" if target.via else "")
        out += [
            f"### {number}. {_describe_target(target)}",
            f"Tier {target.tier} · {path}",
            f"- Background: {target.research.background}",
            f"- Common ground: {target.research.common_ground}",
            f"- Value to offer: {target.research.value_to_offer}",
            "",
        ]
    rule = plan.follow_up_rule
    out += ["## 5. Outreach"]
    for message in plan.outreach.messages:
        out += [
            f"### To {_target_label(plan, message.target)} ({message.channel})",
            "",
            *(f"> {line}" for line in message.text.splitlines()),
            "",
            f"Follow-up (once, after {rule.wait_days_min}-{rule.wait_days_max} days without a "
            f"reply): {message.follow_up_message}",
            "",
        ]
    out += [f"{rule.then}", "", "## 6. Informational interviews"]
    for prep in plan.interviews.preparations:
        out += [
            f"### With {_target_label(plan, prep.target)}",
            f"Hope to learn: {prep.hope_to_learn}",
            "",
            f"About you (brief): {prep.tell_me_about_yourself}",
            "",
            "Questions:",
            *(f"{i}. {q}" for i, q in enumerate(prep.questions, 1)),
            "",
            "Closing:",
            *_bullets(prep.closing_questions),
            "",
            f"Thank-you (send within {plan.thank_you_within_hours} hours): {prep.thank_you_note}",
            "",
        ]
    out += _render_maintenance(plan)
    out += ["## 8. Asks"]
    for ask in plan.asks.asks:
        out += [
            f"### {ask.kind.capitalize()} ask: {ask.person}",
            f"Why them: {ask.why_them}. When: {ask.timing}",
            "",
            *(f"> {line}" for line in ask.message.splitlines()),
            "",
        ]
    out += [
        f"If they say no: {plan.asks.if_they_say_no}",
        "",
        f"After help: {plan.asks.after_help}",
    ]
    return "\n".join(out).rstrip() + "\n"


def _render_maintenance(plan: NetworkingPlan) -> list[str]:
    out = [
        "## 7. Keeping in touch",
        "**Track:** " + ", ".join(plan.maintenance.tracking_fields),
        "",
        "| Person | Strength | Cadence | Reason to reach out |",
        "|---|---|---|---|",
    ]
    cadences = {rc.person: rc.cadence.label for rc in plan.relationship_cadences}
    for r in plan.maintenance.relationships:
        cadence = cadences.get(r.person, plan.cadences[r.strength].label)
        out.append(
            f"| {_cell(r.person)} | {r.strength} | {cadence} | {_cell(r.reason_to_reach_out)} |"
        )
    out += ["", "**Habits:**", *_bullets(plan.maintenance.habits), ""]
    if plan.schedule:
        out += ["**Calendar:**"]
        for action in plan.schedule:
            when = action.on.isoformat()
            if action.latest and action.latest != action.on:
                when += f" to {action.latest.isoformat()}"
            note = f" ({action.note})" if action.note else ""
            out.append(f"- {when}: {action.action.replace('_', ' ')}: {action.who}{note}")
        out.append("")
    return out


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
