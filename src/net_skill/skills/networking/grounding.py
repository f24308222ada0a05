"""What the situation itself says about the people in it, read in code.

A 135M model cannot be trusted to tell "my former manager Dana" from "my cousin Dana"; the
words next to a name can. For each person the situation names, this module finds the clause
around the name and reads from it the relationship (cue words before or after the name), the
strength (explicit cues only: "close friend", "lost touch"), and a short description (what the
sentence says after the name). `ground_audit` then corrects the Step 2 contacts, and
`ground_maintenance` gives tracked contacts the strength the audit found, so the model only
fills what needs language (relevance, gaps, reasons).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from pydantic import BaseModel

from net_skill.names import candidate_names
from net_skill.skills.networking.models import (
    MAX_CONTACTS,
    Asks,
    Contact,
    Interviews,
    Maintenance,
    NetworkAudit,
    Outreach,
    RelationshipType,
    Strength,
    Target,
    TargetList,
)
from net_skill.text import contains_phrase, content_terms

_BEFORE = 70
"""Characters before a name searched for cue words (within its sentence)."""
_SELF = 0.8
"""An unnamed contact described by this share of the situation, word for word, is the user."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _cues(*pairs: tuple[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((label, re.compile(pattern, re.IGNORECASE)) for label, pattern in pairs)


RELATIONSHIP_CUES = _cues(
    # Chinese and Japanese first: no word boundaries, and the relation word stands right
    # before the name ("元同僚の佐藤美咲", "我的前同事李明").
    ("former_colleague", r"(?:元同僚|元上司|前同僚|前同事|前上司|前领导|前老板|老同事)の?$"),
    ("current_colleague", r"(?:同僚|上司|同事|领导|老板|部長|課長)の?$"),
    (
        "friend_or_family",
        r"(?:友人|友達|親友|いとこ|兄|姉|弟|妹|父|母|朋友|表哥|表姐|表弟|表妹|堂哥|哥哥|姐姐)の?$",
    ),
    ("alumni", r"(?:同級生|先輩|後輩|恩師|教授|同学|校友|导师|老师)の?$"),
    (
        "board_contact",
        r"\bboard (?:chair|member|director)s?\b|\btrustees?\b|\bchair of (?:the|our) board\b",
    ),
    (
        "former_colleague",
        r"(?:\b(?:former|old|previous|past|ex)\s+|\bex-\s*)(?:\w+\s+)?(?:manager|boss|"
        r"colleague|co-?worker|teammate|supervisor|lead|director|report|employer|client|"
        r"ceo|cto|cfo|coo|vp|head|founder|partner)s?\b|"
        r"\bused to (?:work|report) (?:with|for|to)\b|\bworked (?:with|for|under|together)\b|"
        r"\b(?:antigu[oa]|ex) (?:jef[ea]|compañer[oa]|coleg[ao])\b|\bexcompañer[oa]s?\b|"
        r"\bancien(?:ne)? (?:collègue|manager|chef|cheffe|responsable|patron(?:ne)?)\b|"
        r"\behemalige[rn]? (?:Kolleg(?:e|in)|Chef(?:in)?|Vorgesetzte[rn]?)\b",
    ),
    (
        "friend_or_family",
        r"\b(?:cousin|cousine|sister|brother|aunt|uncle|niece|nephew|mother|father|mom|dad|"
        r"mum|wife|husband|partner|fiancée?|friend|neighbou?r|room-?mate|flatmate|in-law|"
        r"godmother|godfather|primo|prima|hermano|hermana|amig[oa]|tí[oa]|vecin[oa]|"
        r"frère|sœur|ami|amie|oncle|tante|Bruder|Schwester|Freund(?:in)?|Onkel|Tante)s?\b",
    ),
    (
        "alumni",
        r"\bclassmates?\b|\balumn(?:us|a|i|ae)\b|\b(?:went to|studied at|studied with) "
        r"(?:school|college|university|uni|grad school)\b|\b(?:professor|advisor|adviser|"
        r"supervisor at (?:university|uni)|thesis advisor|tutor|lecturer|teacher)s?\b|"
        r"\bfrom (?:my |our )?(?:university|college|school|mba|bootcamp|program(?:me)?|"
        r"cohort|class)\b|\bcompañer[oa] de (?:clase|universidad|estudios)\b|"
        r"\bstudienfreund(?:in)?\b|\bkommiliton(?:e|in)\b|\bcamarade de promo\b",
    ),
    (
        "met_at_event",
        r"\bmet\b[^.;]{0,40}\b(?:at|during)\b|\bconocí\b|\bconheci\b|\brencontré\b|"
        r"\b(?:conference|meetup|hackathon|summit|workshop) (?:contact|acquaintance)\b",
    ),
    (
        "online_connection",
        r"\b(?:on|via|through|from) (?:linkedin|twitter|x\.com|slack|discord|reddit|"
        r"github|mastodon|bluesky)\b",
    ),
    (
        "current_colleague",
        r"\b(?:my|our)\s+(?:\w+\s+)?(?:manager|boss|colleague|co-?worker|teammate|"
        r"supervisor|team lead|director|cto|ceo|vp)s?\b|\bworks? with me\b|"
        r"\bon my team\b|\b(?:mi|nuestro) (?:jef[ea]|compañer[oa] de trabajo)\b|"
        r"\bmon (?:collègue|manager|chef)\b|\bmein(?:e)? (?:Kolleg(?:e|in)|Chef(?:in)?)\b",
    ),
)
"""Cue words per relationship, most specific first (a former manager is a former colleague)."""

STRENGTH_CUES = _cues(
    (
        "dormant",
        r"\b(?:lost touch|haven'?t (?:talked|spoken|been in touch)|not (?:talked|spoken) "
        r"(?:to|with) (?:him|her|them) (?:in|for)|years since|out of touch)\b",
    ),
    (
        "strong",
        r"\b(?:close|best|good) (?:friend|friends)\b|\b(?:talk|speak|meet|see)s? "
        r"(?:to |with )?(?:\w+ )?(?:every|each) (?:week|day|month)\b|\bstill talk\b|"
        r"\bwe(?:'re| are) close\b|\bmentors? me\b",
    ),
    (
        "weak",
        r"\bmet (?:\w+ )?once\b|\bbarely know\b|\bbriefly\b|\bonly met\b|\bacquaintance\b",
    ),
)

EXPLICIT_STRENGTH = _cues(*((s, rf"\b{s}\b") for s in ("strong", "medium", "weak", "dormant")))
"""A strength stated outright about a person ("Julia Novak (met at RSA, weak)")."""

_SENTENCE_END = re.compile(r"[.!?;\n。！？]")
_INTO_NEXT = re.compile(r"(?:,\s*|\s+)(?:and|und|et|y|e|but|while|plus)\s+[^,]*$", re.IGNORECASE)
"""The words leading into the next name of one sentence ("…in Lisbon, and I met Rui")."""
_LEAD_IN = re.compile(
    r"^[\s,;:–—-]*(?:(?:who|that)\s+)?(?:is|was|'s|are|were)?\s*(?:now|currently|still)?\s*",
    re.IGNORECASE,
)
_ORG_BEFORE = re.compile(
    r"\b(?:at|in|for|from|joined|join|with|of|by|into|to|em|en|à|au|dans|bei|im|"
    r"nach|aus|na|no|del)(?:\s+the)?\s*$",
    re.IGNORECASE,
)
_ORG_SUFFIX = re.compile(
    r"^\s*(?:Inc|Ltd|LLC|GmbH|Corp|Co|plc|AG|SA|University|College|Institute|Labs?|Group|"
    r"Foundation|Bank|Hospital|School|firm|company|startup|team|agency|code|method|"
    r"conference|office)\b"
)


@dataclass(frozen=True)
class PersonFacts:
    """What the situation says around one person's name."""

    name: str
    relationship: RelationshipType | None
    strength: Strength | None
    description: str


_LEADING_WORDS = frozenset(
    {
        "my",
        "our",
        "mi",
        "mis",
        "nuestro",
        "nuestra",
        "mon",
        "ma",
        "mes",
        "notre",
        "mein",
        "meine",
        "meinem",
        "meinen",
        "unser",
        "unsere",
        "meu",
        "minha",
        "nosso",
        "nossa",
        "il",
        "la",
        "le",
        "el",
        "los",
        "las",
        "der",
        "die",
        "das",
        "ein",
        "eine",
        "un",
        "una",
        "a",
        "an",
        "the",
        "i",
        "ich",
        "je",
        "yo",
        "eu",
        "soy",
        "sou",
        "suis",
        "bin",
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
    }
)
_TITLE_CASE = re.compile(r"^[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]*(?:['’-]?[A-ZÀ-ÖØ-Þ]?[a-zß-öø-ÿ]+)+$")
_PARTICLES = _words("de da del della di do dos das van von der den la le bin al ibn ter")
_RELATION_NOUNS = _words(
    "studienfreund studienfreundin kollege kollegin freund freundin chef chefin cousin cousine "
    "bruder schwester mentor mentorin nachbar nachbarin professor professorin "
    "excompañero excompañera compañero compañera amigo amiga jefe jefa primo prima "
    "collègue ami amie cheffe patron patronne colega chefe"
)
_HONORIFIC = re.compile(
    r"\b(?:Mr|Mrs|Ms|Mx|Dr|Prof|Sr|Sra|Mme|Herr|Frau)\.?\s+([A-ZÀ-ÖØ-Þ][\w'’-]+)"
)
_HONORIFIC_DOT = re.compile(r"\b(Mr|Mrs|Ms|Mx|Dr|Prof|Sr|Sra|Mme)\.")
_ORG_WORDS = _words(
    "foundation university college institute bank group labs lab inc ltd llc gmbh corp "
    "school hospital agency partners capital ventures society council association"
)
_RELATION_WORD_TEXT = (
    r"manager|boss|colleague|co-?worker|teammate|cousin|sister|brother|friend|aunt|uncle|mentor|"
    r"advisor|adviser|professor|classmate|roommate|neighbou?r|partner|wife|husband|chair|"
    r"predecessor|director|founder|recruiter"
)
_RELATION_WORDS = re.compile(rf"\b(?:{_RELATION_WORD_TEXT}|lead)\s*$", re.IGNORECASE)
_OTHER_PEOPLE = re.compile(
    rf"\b(?:{_RELATION_WORD_TEXT}|lecturer|tutor|headhunter|contact|people|someone|"
    r"alumn(?:us|a|i|ae)|client|customer|investor|jef[ea]|compañer[oa]|excompañer[oa]|coleg[ao]|"
    r"amig[oa]|prim[oa]|contact[oa]|conhecid[oa]|collègue|chef|cheffe|ami|amie|patron(?:ne)?|"
    r"Kolleg(?:e|in)|Freund(?:in)?|Chef(?:in)?|Studienfreund(?:in)?|Leute)s?\b"
    r"|\b(?:I|we) (?:know|met)\b|\b(?:anyone|everyone|network|following|followers)\b"
    r"|同僚|上司|同事|领导|老板|友人|友達|親友|朋友|先輩|後輩|恩師|教授|同学|校友|导师|老师|知り合い|知人"
    r"|人脉|联系人",
    re.IGNORECASE,
)
"""Words that say the situation is about someone besides the user (`recruiters`, `元上司`)."""


def named_people(text: str) -> list[PersonFacts]:
    """People the text names (not organisations), with what it says about each.

    A person's name is two or three title-case words (possessives and articles before it
    dropped: "Mein Studienfreund Jonas Weber" gives "Jonas Weber"), or one such word right
    after a relation word ("my cousin Dana"), that the text never uses as an organisation.
    """
    text = _HONORIFIC_DOT.sub(lambda m: m.group(1) + " ", text)  # "Mr." ends no sentence
    names = _person_names(text)
    spans = sorted(
        (m.start(), m.end(), name) for name in names for m in re.finditer(_name_pattern(name), text)
    )
    found: dict[str, PersonFacts] = {}
    for index, (start, end, name) in enumerate(spans):
        previous_end = spans[index - 1][1] if index else 0
        next_start = spans[index + 1][0] if index + 1 < len(spans) else len(text)
        before, after = _clause(text, start, end, previous_end, next_start)
        facts = _facts(name, before, after)
        old = found.get(name)
        found[name] = facts if old is None else _merge(old, facts)
    return [found[n] for n in names if n in found]


def _name_pattern(name: str) -> str:
    """A name as a whole word; in scripts written without spaces, wherever it stands."""
    if not re.search(r"[A-Za-zÀ-ÿ]", name):
        return re.escape(name)
    return rf"(?<!\w){re.escape(name)}(?!\w)"


def _person_names(text: str) -> list[str]:
    names: list[str] = []
    for candidate in [*candidate_names(text), *_HONORIFIC.findall(text)]:
        words = candidate.split()
        while words and (
            words[0].casefold() in _LEADING_WORDS
            or (len(words) > 2 and words[0].casefold() in _RELATION_NOUNS)
        ):
            words = words[1:]
        if len(words) > 3:
            words = words[-2:]
        name = " ".join(words)
        if name and not re.search(r"[A-Za-zÀ-ÿ]", name):  # a script without letter case
            names.append(name)
            continue
        well_formed = bool(words) and words[0] not in _PARTICLES
        well_formed = well_formed and all(_TITLE_CASE.match(w) or w in _PARTICLES for w in words)
        if name in names or not well_formed or _ORG_WORDS & {w.casefold() for w in words}:
            continue
        spans = [m.span() for m in re.finditer(_name_pattern(name), text)]
        if not spans or all(_looks_like_org(text, s, e) for s, e in spans):
            continue
        single_ok = any(
            _RELATION_WORDS.search(text[max(0, s - 40) : s])
            or _HONORIFIC.search(text[max(0, s - 6) : s + len(name)])
            for s, _ in spans
        )
        if len(words) >= 2 or single_ok:
            names.append(name)
    return [n for n in names if not any(n != m and n in m.split() for m in names)]


def _looks_like_org(text: str, start: int, end: int) -> bool:
    return bool(_ORG_BEFORE.search(text[max(0, start - 12) : start])) or bool(
        _ORG_SUFFIX.match(text[end:])
    )


def _facts(name: str, before: str, after: str) -> PersonFacts:
    context = f"{before} {after}"
    relationship = _first(RELATIONSHIP_CUES, before) or _first(RELATIONSHIP_CUES, context)
    strength = _first(STRENGTH_CUES, context) or _first(EXPLICIT_STRENGTH, after)
    return PersonFacts(
        name,
        cast("RelationshipType | None", relationship),
        cast("Strength | None", strength),
        _describe(before, after),
    )


def _merge(old: PersonFacts, new: PersonFacts) -> PersonFacts:
    return PersonFacts(
        old.name,
        old.relationship or new.relationship,
        old.strength or new.strength,
        old.description or new.description,
    )


def _clause(text: str, start: int, end: int, previous_end: int, next_start: int) -> tuple[str, str]:
    """The words about the name at `start:end`: before it (since the sentence start or the
    previous name, at most `_BEFORE` characters) and after it (to the sentence end or the next
    name; a parenthesis right after the name is taken whole)."""
    head = text[max(previous_end, start - _BEFORE) : start]
    cut = [m.end() for m in _SENTENCE_END.finditer(head)]
    closed = head.rfind(")")  # what a parenthesis said was about someone before
    before = head[max([*cut, closed + 1]) :]
    rest = text[end:next_start]
    if rest.lstrip().startswith("("):
        closing = rest.find(")")
        return before.strip(), rest.lstrip()[1 : closing if closing > 0 else None].strip()
    tail = _SENTENCE_END.search(rest)
    said = rest[: tail.start()] if tail else _INTO_NEXT.sub("", rest)
    return before.strip(" ,;:–—-)"), said.strip()


def _first(cues: Sequence[tuple[str, re.Pattern[str]]], text: str) -> str | None:
    for label, pattern in cues:
        if pattern.search(text):
            return label
    return None


_ROLE_BEFORE = re.compile(
    r"(?:\b(?:my|our|a|an|the|mon|ma|mes|notre|mi|mis|nuestr[oa]|mein|meine|unser|unsere|"
    r"meu|minha|nosso|nossa)\s+)((?:[\w'-]+\s+){0,3}?[\w'-]+)\s*,?\s*$",
    re.IGNORECASE,
)


def _describe(before: str, after: str) -> str:
    """`my former manager` + `is now a group PM at Fabrikam` -> `Former manager, now a group PM
    at Fabrikam`."""
    role_match = _ROLE_BEFORE.search(before)
    role = role_match.group(1).strip() if role_match else ""
    if not role and _RELATION_WORDS.search(before):
        role = " ".join(before.split()[-3:])
    role = re.sub(r"\s*\b(?:Mr|Mrs|Ms|Mx|Dr|Prof|Sr|Sra|Mme)\.?\s*$", "", role)
    said = _LEAD_IN.sub("", after).strip(" ,;:–—-()")
    said = re.sub(r"^(?:さん|様|氏|先生|女士|老师)?[がはも]?", "", said)
    said = re.sub(r",?\s*\b(?:strong|medium|weak|dormant)\s*$", "", said, flags=re.IGNORECASE)
    if not role and re.search(r"\bmet\s*$", before, re.IGNORECASE) and said:
        who = re.match(r"(an?\s+[^,]+),\s*(.+)", said)  # "I met Rui, a designer, at …"
        said = f"{who.group(1)}, met {who.group(2)}" if who else "met " + said
    if len(said.split()) < 3 and role:
        said = ""
    said = re.sub(r"^(?:a|an)\s+", lambda m: m.group(0).lower(), said)
    parts = [p for p in (role, said) if p]
    text = ", ".join(parts)[:160].strip()
    return text[:1].upper() + text[1:] if text else ""


def ground_audit(audit: NetworkAudit, text: str) -> NetworkAudit:
    """The audit with each named contact's relationship, strength and description as the
    situation states them (where it states them), and organisations and unnamed contacts the
    situation does not mention taken out of the list, and the people it names with a
    relationship whom the model left out added."""
    facts = {p.name: p for p in named_people(text)}
    people = {n.casefold() for n in facts}
    others = bool(facts) or bool(_OTHER_PEOPLE.search(text))
    contacts = []
    mentioned = content_terms(text)
    for contact in audit.contacts:
        if contact.name is None:
            # an unnamed contact is someone the text mentions ("my old manager at Fabrikam");
            # one whose description shares no word with it is made up, and one that is most
            # of the text ("nurse, want ux research job") is the user; a text about nobody
            # else has no unnamed contacts ("The nurse is a medical doctor." is the user too)
            shared = content_terms(contact.description) & mentioned
            if others and shared and not _is_the_situation(contact, text):
                contacts.append(contact)
            continue
        known = facts.get(contact.name) or _by_part(facts, contact.name)
        if known is None:
            if contact.name.casefold() not in people and _is_org_everywhere(contact.name, text):
                continue
            contacts.append(contact)
            continue
        update: dict[str, object] = {}
        if known.relationship:
            update["relationship"] = known.relationship
        if known.strength:
            update["strength"] = known.strength
        if known.description:  # the user's own words about them, which a paraphrase may garble
            update["description"] = known.description
        contacts.append(contact.model_copy(update=update))
    kept = _first_of_each(contacts, _contact_key)
    return audit.model_copy(update={"contacts": [*kept, *_left_out(facts, kept)]})


def _is_the_situation(contact: Contact, text: str) -> bool:
    said = contact.description
    return contains_phrase(text, said) and len(said.split()) >= _SELF * len(text.split())


def _left_out(facts: dict[str, PersonFacts], kept: Sequence[Contact]) -> list[Contact]:
    """The people the text names with a relationship ("my former manager Dana Okafor") whom
    the model left out (a small model's list is capped below the number of people), as far
    as the list has room; how each relates to the goal is left for the model (unanswered)."""
    listed = [_fold(c.name) for c in kept if c.name]

    def is_listed(name: str) -> bool:
        folded = _fold(name)
        return any(folded == n or folded in n.split() or n in folded.split() for n in listed)

    missing = [
        Contact.model_construct(
            name=person.name,
            description=person.description,
            relationship=person.relationship,
            strength=person.strength or "medium",
            relevance="",
        )
        for person in facts.values()
        if person.relationship and person.description and not is_listed(person.name)
    ]
    return missing[: max(0, MAX_CONTACTS - len(kept))]


def ground_maintenance(maintenance: Maintenance, audit: NetworkAudit | None) -> Maintenance:
    """Each person is tracked once, and a tracked contact keeps the strength the audit gave."""
    strengths = {c.name or c.description: c.strength for c in audit.contacts} if audit else {}
    relationships = [
        r.model_copy(update={"strength": strengths[r.person]}) if r.person in strengths else r
        for r in _first_of_each(maintenance.relationships, lambda r: _fold(r.person))
    ]
    return maintenance.model_copy(update={"relationships": relationships})


def ground_targets(targets: TargetList, audit: NetworkAudit | None) -> TargetList:
    """Each person is a target once; nobody is reached "via" themselves; a named target the
    audit describes gets that description as its profile (the model's own wrote `Mateusz` for
    an old friend at Duolingo, or another contact's role)."""
    described = {c.name: c.description for c in audit.contacts if c.name} if audit else {}
    kept: list[Target] = []
    for target in _first_of_each(targets.targets, lambda t: _fold(t.name or t.profile)):
        update: dict[str, object] = {}
        if target.via and target.name and _fold(target.via) == _fold(target.name):
            update["via"] = None
        known = described.get(target.name or "")
        if known:
            update["profile"] = known
        kept.append(target.model_copy(update=update) if update else target)
    return targets.model_copy(update={"targets": kept})


def ground_outreach(outreach: Outreach) -> Outreach:
    """One message per target: the most complete one the model wrote."""
    kept = _most_complete_of_each(outreach.messages, lambda m: m.target)
    return outreach.model_copy(update={"messages": kept})


def ground_interviews(interviews: Interviews) -> Interviews:
    """One preparation per target: the most complete one the model wrote."""
    kept = _most_complete_of_each(interviews.preparations, lambda p: p.target)
    return interviews.model_copy(update={"preparations": kept})


def ground_asks(asks: Asks) -> Asks:
    """One ask of each kind per person."""
    kept = _first_of_each(asks.asks, lambda a: (a.kind, _fold(a.person)))
    return asks.model_copy(update={"asks": kept})


Grounder = Callable[[Any, str, "NetworkAudit | None"], BaseModel]
"""Corrects one step's answer from the situation's text and the step 2 audit."""

_GROUNDERS: dict[type[BaseModel], Grounder] = {
    NetworkAudit: lambda audit, text, _: ground_audit(audit, text),
    TargetList: lambda targets, _, audit: ground_targets(targets, audit),
    Outreach: lambda outreach, _text, _audit: ground_outreach(outreach),
    Interviews: lambda interviews, _text, _audit: ground_interviews(interviews),
    Maintenance: lambda maintenance, _, audit: ground_maintenance(maintenance, audit),
    Asks: lambda asks, _text, _audit: ground_asks(asks),
}


def ground_step(output: BaseModel, source_text: str, audit: NetworkAudit | None) -> BaseModel:
    """`output` with what the text itself decides corrected in code (the step's grounder)."""
    grounder = _GROUNDERS.get(type(output))
    return grounder(output, source_text, audit) if grounder else output


T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def _first_of_each(items: Sequence[T], key: Callable[[T], object]) -> list[T]:
    seen: set[object] = set()
    kept = []
    for item in items:
        marker = key(item)
        if marker in seen:
            continue
        seen.add(marker)
        kept.append(item)
    return kept


def _most_complete_of_each(items: Sequence[M], key: Callable[[M], object]) -> list[M]:
    """One item per key, in first-seen order: of several, the one with the fewest empty
    values (a value left unanswered is empty)."""
    best: dict[object, M] = {}
    for item in items:
        marker = key(item)
        if marker not in best or _empties(item) < _empties(best[marker]):
            best[marker] = item
    return list(best.values())


def _empties(node: object) -> int:
    if isinstance(node, BaseModel):
        return _empties(node.model_dump(mode="json"))
    if isinstance(node, dict):
        return sum(_empties(v) for v in node.values())
    if isinstance(node, list):
        return sum(_empties(v) for v in node)
    return int(node is None or (isinstance(node, str) and not node.strip()))


def _contact_key(contact: Contact) -> str:
    return _fold(contact.name) if contact.name else f"\0{_fold(contact.description)}"


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def _by_part(facts: dict[str, PersonFacts], name: str) -> PersonFacts | None:
    matches = [f for n, f in facts.items() if name in n.split() or n in name.split()]
    return matches[0] if len(matches) == 1 else None


def _is_org_everywhere(name: str, text: str) -> bool:
    spans = [m.span() for m in re.finditer(_name_pattern(name), text)]
    return bool(spans) and all(_looks_like_org(text, s, e) for s, e in spans)
