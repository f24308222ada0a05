"""A realistic, valid set of step outputs for one situation, for tests that need a good plan."""

from __future__ import annotations

from datetime import date
from typing import Any

from net_skill.skills.networking.models import NETWORKING_STEP_MODELS, StepModel
from net_skill.skills.networking.plan import NetworkingPlan, build_networking_plan

SITUATION = (
    "I'm Priya, a data analyst at Contoso Retail for four years, moving into product management. "
    "My former manager Dana Okafor is now a group PM at Fabrikam. I studied at Northwind "
    "University and still talk to my classmate Luis Romero, a designer at Tailspin Toys."
)

GOOD_STEP_OUTPUTS: dict[int, dict[str, Any]] = {
    1: {
        "primary_goal": "career_exploration",
        "goal_statement": "Learn how analysts move into PM and find a first PM role.",
        "needs": [
            {"kind": "information", "detail": "What a PM's week looks like at a retail company"},
            {"kind": "access", "detail": "Introductions to PMs who came from analytics"},
        ],
        "who_can_help": [
            {
                "kind_of_person": "Product managers who started as analysts",
                "where": "Retail and e-commerce companies",
                "seniority": "Senior PM or group PM",
            }
        ],
    },
    2: {
        "contacts": [
            {
                "name": "Dana Okafor",
                "description": "Former manager, now group PM at Fabrikam",
                "relationship": "former_colleague",
                "strength": "medium",
                "relevance": "Made the same move and hires PMs",
            },
            {
                "name": "Luis Romero",
                "description": "Classmate from Northwind University, designer at Tailspin Toys",
                "relationship": "alumni",
                "strength": "strong",
                "relevance": "Works daily with PMs and can introduce some",
            },
        ],
        "gaps": ["No PMs in retail outside Fabrikam", "No recruiters for product roles"],
        "where_to_build": ["Local product management meetups"],
    },
    3: {
        "offers": [
            {"kind": "skills", "detail": "SQL and experiment analysis for product questions"},
            {"kind": "knowledge", "detail": "Four years of retail customer data patterns"},
        ],
        "superpower": "Turning messy retail data into clear product decisions",
        "value_proposition": (
            "I help product teams in retail decide faster by turning customer and sales data "
            "into clear experiment results."
        ),
    },
    4: {
        "targets": [
            {
                "name": "Dana Okafor",
                "profile": "Group PM at Fabrikam, former manager",
                "tier": 1,
                "path": "warm",
                "via": None,
                "research": {
                    "background": "Moved from analytics lead to PM at Fabrikam two years ago",
                    "common_ground": "Worked together at Contoso Retail",
                    "value_to_offer": "Analysis help on Fabrikam's checkout experiments",
                },
            },
            {
                "name": None,
                "profile": "Senior PM on a pricing team at a large online retailer",
                "tier": 2,
                "path": "warm",
                "via": "Luis Romero",
                "research": {
                    "background": "Find through Luis Romero's product colleagues",
                    "common_ground": "Retail pricing data, which Priya knows well",
                    "value_to_offer": "Benchmarks on promotion effects from retail data",
                },
            },
        ]
    },
    5: {
        "messages": [
            {
                "target": 1,
                "channel": "email",
                "why_you": "Dana, you made the analyst-to-PM move at Fabrikam that I now plan.",
                "who_i_am": "Since you left Contoso I have run the web store pricing tests.",
                "ask": "Could we talk for 20 minutes about how you made the switch?",
                "make_it_easy": "Tuesday or Thursday afternoon both work; a call is fine.",
                "follow_up_message": "Hi Dana, a gentle nudge on my note about the PM move.",
            },
            {
                "target": 2,
                "channel": "linkedin",
                "why_you": "Luis Romero suggested you as the pricing PM to learn from.",
                "who_i_am": "I analyse promotion effects on retail sales at Contoso.",
                "ask": "Would you share how pricing PMs use experiment data?",
                "make_it_easy": "15 minutes by video any day next week works for me.",
                "follow_up_message": "Following up once on Luis's introduction; no pressure.",
            },
        ]
    },
    6: {
        "preparations": [
            {
                "target": 1,
                "hope_to_learn": "Which analyst skills carried over to PM and which were new",
                "tell_me_about_yourself": "Retail analyst, four years, pricing experiments.",
                "questions": [
                    "What made you decide to move into product?",
                    "Which analyst habits helped most as a new PM?",
                    "What surprised you in your first PM year?",
                    "How do PM interviews at Fabrikam test product sense?",
                    "What would you do differently in the transition?",
                ],
                "closing_questions": ["Who else should I talk to?", "How can I be helpful to you?"],
                "thank_you_note": "Thank you, Dana: your advice on product sense was very helpful.",
            }
        ]
    },
    7: {
        "tracking_fields": ["name", "last contact", "notes", "next follow-up", "strength"],
        "relationships": [
            {"person": "Dana Okafor", "strength": "medium", "reason_to_reach_out": "Share results"},
            {"person": "Luis Romero", "strength": "strong", "reason_to_reach_out": "Design news"},
        ],
        "habits": ["Log every conversation the same day"],
    },
    8: {
        "asks": [
            {
                "kind": "introduction",
                "person": "Luis Romero",
                "why_them": "Works with PMs at Tailspin Toys",
                "message": (
                    "Hi Luis, I'm exploring product management and noticed you work closely "
                    "with the PMs at Tailspin Toys. Would you introduce me to one of them?"
                ),
                "timing": "After our next catch-up, since we talk monthly",
            }
        ],
        "if_they_say_no": "Thank them, don't push, and keep in touch.",
        "after_help": "Tell them how it went and look for a way to return the favour.",
    },
}


def good_step_outputs() -> dict[int, StepModel]:
    return {
        n: NETWORKING_STEP_MODELS[n].model_validate(GOOD_STEP_OUTPUTS[n]) for n in GOOD_STEP_OUTPUTS
    }


def good_plan(today: date = date(2026, 11, 25)) -> NetworkingPlan:
    return build_networking_plan(good_step_outputs(), situation=SITUATION, today=today)
