"""What free text says against the skill's own rules, read by form in several languages.

Each function finds one kind of statement the step schemas cannot hold: a gap that says there
is no gap, a value proposition that asks for something instead of offering it, and follow-up
waits and counts or thank-you delays written into habits, messages and notes. Patterns cover
English, Spanish, French, German, Portuguese, Japanese and Chinese; digits and number words
(`three`, `tres`, `drei`, `三`) count alike. They read form, not meaning: a sentence they do
not recognise passes, and what only meaning can tell is left to the judge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from net_skill.skills.networking.schedule import (
    FOLLOW_UP_WAIT_DAYS,
    MAX_FOLLOW_UPS,
    THANK_YOU_WITHIN_HOURS,
)
from net_skill.text import fold

__all__ = [
    "Statement",
    "asks_instead_of_offers",
    "gap_denies_itself",
    "stated_follow_ups",
    "stated_thank_you_delays",
    "thanks",
]


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# --- gaps that deny themselves ----------------------------------------------------------------

_DENIAL = _any(
    r"^\W*(?:none|nothing|nobody|not really|n/?a|ningun[oa]|nada|aucun(?:e)?|rien|keine?|"
    r"nichts|nenhum(?:a)?)\W*(?:$|[-–—,:;.(])",
    r"\bno (?:real |major |obvious |big |significant |notable )?(?:gaps?|holes|blind spots)\b",
    r"\b(?:already|fully|completely) (?:covers?|covered|have|has|got)\b",
    r"\bcovers? (?:this|it|everything|all (?:of )?(?:it|this|that))\b",
    r"\bnothing (?:is |seems )?missing\b|\bnot missing anyone\b|\bno one (?:is )?missing\b",
    r"\b(?:don'?t|do not) need (?:any(?:one)?|more|new|other)\b",
    r"\bya (?:cubre|tengo|est[aá] cubierto)\b|\bno (?:hay|tengo) (?:brechas|huecos|carencias)\b",
    r"\bd[ée]j[àa] couvert|\bpas de (?:lacunes?|manques?)\b",
    r"\bbereits abgedeckt\b|\bkeine l[üu]cken?\b",
    r"\bj[áa] (?:cobre|tenho)\b|\bsem lacunas\b",
    r"^\W*(?:なし|無し|特にな[いし]|没有|无)\W*$",
    r"特にな[いし]|不足(?:は|が)?(?:ない|ありません)|十分(?:です|に揃)|没有(?:缺口|空白|不足)|已经覆盖|都有了",
)


def gap_denies_itself(text: str) -> bool:
    """True when a gap says there is none: "None - my network already covers this"."""
    return bool(_DENIAL.search(fold(text)))


# --- value propositions that ask --------------------------------------------------------------

_ASKING = _any(
    r"\b(?:i'?m |i am |currently |actively )?(?:looking|searching|hoping|seeking|eager) "
    r"(?:for|to (?:find|get|land|join|grow|learn|break|move|transition|gain|start))\b",
    r"\bseeking\b",
    r"\bi (?:want|need|hope|wish|would like|'d like)\b",
    r"\bwhere i (?:can|could|will) (?:grow|learn|develop|thrive|gain|improve)\b",
    r"\b(?:a|an) (?:chance|opportunity) (?:to|where i) (?:grow|learn|develop|gain|prove|get)\b",
    r"\bhelp me\b|\bgive me\b|\bto (?:land|get|find) (?:a|an|my)\b",
    r"\b(?:busco|estoy buscando|quiero|me gustar[ií]a|necesito)\b|\bdonde pueda\b",
    r"\b(?:je (?:re)?cherche|je veux|je voudrais|j'aimerais)\b|\bo[uù] je (?:peux|pourrais)\b",
    r"\bich (?:suche|m[öo]chte|will|brauche)\b|\bwo ich\b",
    r"\b(?:procuro|estou procurando|quero|gostaria|preciso)\b|\bonde eu possa\b",
    r"探して|したい(?:です)?|たいです|希望して|求めて|想要|想找|我想|寻找|正在找|希望(?:能|找到|加入)",
)
_OFFERING = _any(
    r"\b(?:i|we) (?:can|could|will|help|bring|offer|give|build|turn|teach|share|run|design|"
    r"write|fix|connect|analy[sz]e|make|save|deliver|provide|translate|coach|mentor|review|"
    r"introduce|spot|explain|cut|automate|know)\b",
    r"\bi'll\b|\bi'?ve (?:built|run|led|shipped|written|designed|taught|cut|saved)\b",
    r"\b(?:helping|offering|bringing|giving|turning)\b|\bhelps?\b|\boffers?\b",
    r"\b(?:puedo|ofrezco|aporto|ayudo|traigo|brindo|s[ée] (?:hacer|c[oó]mo))\b",
    r"\b(?:je peux|j'apporte|j'offre|j'aide|je sais)\b",
    r"\b(?:ich kann|ich biete|ich bringe|ich helfe)\b",
    r"\b(?:posso|ofere[çc]o|trago|ajudo|sei)\b",
    r"できます|支えます|提供|貢献|お手伝い|役立て|活かして|活かせ|可以|能够|提供|帮助|贡献|分享",
)


def asks_instead_of_offers(text: str) -> bool:
    """True when a value proposition says what the person wants ("a role where I can grow")
    and nothing they give: the skill asks "How can you help people in your target area?"."""
    folded = fold(text)
    if not _ASKING.search(folded):
        return False
    return not _OFFERING.search(_ASKING.sub(" ", folded))  # "where I can grow" offers nothing


# --- numbers and durations -------------------------------------------------------------------

_NUMBER_WORDS = {
    **dict.fromkeys(["a", "an", "one", "un", "una", "uno", "une", "ein", "eine", "einen", "um"], 1),
    **dict.fromkeys(["two", "couple", "dos", "deux", "zwei", "dois", "duas"], 2),
    **dict.fromkeys(["three", "few", "tres", "trois", "drei", "tres", "três"], 3),
    **dict.fromkeys(["four", "cuatro", "quatre", "vier", "quatro"], 4),
    **dict.fromkeys(["five", "cinco", "cinq", "fünf", "funf"], 5),
    **dict.fromkeys(["six", "seis", "sechs"], 6),
    **dict.fromkeys(["seven", "siete", "sept", "sieben", "sete"], 7),
    **dict.fromkeys(["eight", "ocho", "huit", "acht", "oito"], 8),
    **dict.fromkeys(["ten", "diez", "dix", "zehn", "dez"], 10),
    **dict.fromkeys(["fourteen", "catorce", "quatorze", "vierzehn"], 14),
}
_CJK_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九十", start=0)} | {"两": 2, "兩": 2}
_NUMBER = (
    r"(?P<n>\d+(?:[.,]\d+)?|"
    + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len)[::-1])
    + r")"
)
_UNIT_DAYS = {
    "hour": 1 / 24,
    "hora": 1 / 24,
    "heure": 1 / 24,
    "stunde": 1 / 24,
    "day": 1.0,
    "dia": 1.0,
    "jour": 1.0,
    "tag": 1.0,
    "week": 7.0,
    "semana": 7.0,
    "semaine": 7.0,
    "woche": 7.0,
    "fortnight": 14.0,
    "month": 30.0,
    "mes": 30.0,
    "mois": 30.0,
    "monat": 30.0,
}
_DURATION = re.compile(
    rf"(?<!\w){_NUMBER}[\s-]*(?P<unit>hours?|hrs?|h(?=\b)|horas?|heures?|stunden?|days?|d[ií]as?|"
    r"jours?|tagen?|tage|weeks?|semanas?|semaines?|wochen?|fortnights?|months?|mes(?:es)?|mois|"
    r"monate?n?)\b",
    re.IGNORECASE,
)
_BARE_UNIT = re.compile(
    r"\b(?:the )?(?:next|following) (?P<unit>day|week|month)\b|\btomorrow\b|\bovernight\b|"
    r"\bsame day\b|\bla semana (?:que viene|pr[oó]xima)|\bsemaine prochaine\b|"
    r"\bn[äa]chste[nr]? woche\b|\bpr[óo]xima semana\b",
    re.IGNORECASE,
)
_CJK_DURATION = re.compile(
    r"(?P<n>\d+|[〇一二三四五六七八九十两兩]+)\s*(?P<unit>時間|小时|小時|日|天|週間|周|星期|か月|ヶ月|个月|個月)"
)
_CJK_UNIT_DAYS = {
    "時間": 1 / 24,
    "小时": 1 / 24,
    "小時": 1 / 24,
    "日": 1.0,
    "天": 1.0,
    "週間": 7.0,
    "周": 7.0,
    "星期": 7.0,
    "か月": 30.0,
    "ヶ月": 30.0,
    "个月": 30.0,
    "個月": 30.0,
}
_PAST = re.compile(r"\b(?:last|past|ago|previous|earlier|hace|dernier|letzte|passad)\w*\s*$|前$")


def _number(text: str) -> float | None:
    text = text.casefold()
    if text in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[text])
    if all(c in _CJK_DIGITS for c in text):
        if text == "十":
            return 10.0
        if text.startswith("十"):
            return 10.0 + _CJK_DIGITS[text[1]]
        if len(text) == 2 and text.endswith("十"):
            return 10.0 * _CJK_DIGITS[text[0]]
        return float(_CJK_DIGITS[text[0]]) if len(text) == 1 else None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _unit_days(unit: str) -> float:
    unit = fold(unit)
    if unit in ("h", "hr", "hrs"):
        return 1 / 24
    for stem_, days in _UNIT_DAYS.items():
        if unit.startswith(stem_):
            return days
    return 1.0


def _durations(sentence: str) -> list[tuple[float, str]]:
    """(days, as written) of every duration in `sentence` that is not in the past."""
    found: list[tuple[float, str]] = []
    for match in _DURATION.finditer(sentence):
        if _PAST.search(sentence[: match.start()]) or re.match(
            r"\s*(?:ago|before|earlier)", sentence[match.end() :]
        ):
            continue
        number = _number(match.group("n"))
        if number is not None:
            found.append((number * _unit_days(match.group("unit")), match.group(0)))
    for match in _CJK_DURATION.finditer(sentence):
        number = _number(match.group("n"))
        if number is not None and sentence[match.end() : match.end() + 1] != "前":
            found.append((number * _CJK_UNIT_DAYS[match.group("unit")], match.group(0)))
    for match in _BARE_UNIT.finditer(sentence):
        word = match.group(0).casefold()
        unit = match.groupdict().get("unit") or ""
        days = 1.0 if "tomorrow" in word or "overnight" in word or unit == "day" else 0.0
        days = 7.0 if "week" in word or "semana" in word or "woche" in word else days
        days = 30.0 if unit == "month" else days
        found.append((days, match.group(0)))
    return found


_SENTENCES = re.compile(r"(?<=[.!?;\n])\s+|(?<=[。！？；\n])")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCES.split(text) if s.strip()]


# --- follow-ups -----------------------------------------------------------------------------

_FOLLOW_UP = _any(
    r"\bfollow[\s-]*ups?\b|\bfollow(?:ing|s|ed)?[\s-]+up\b|\bchas(?:e|es|ing|ed)\b|\bnudg\w*|"
    r"\bping\w*|\bremind\w*|\bcheck(?:ing)? back\b|\b(?:write|reach out|message|email) again\b|"
    r"\bresend\w*",
    r"\bseguimientos?\b|\binsist\w*|\brecordatori\w*|\brelanc\w*|\bnachfass\w*|\bnachhak\w*|"
    r"\berinner\w*|\bacompanhamento\w*|\bcobrar\b|\blembrete\w*",
    r"フォロー|催促|リマインド|再度連絡|跟进|追问|提醒|再次联系",
)
_NO_REPLY = _any(
    r"\bno (?:reply|response|answer)\b|\b(?:don'?t|doesn'?t|do not|does not|didn'?t|did not) "
    r"(?:reply|respond|answer|hear)\b|\bunanswered\b|\bhaven'?t heard\b|\bnot heard\b|"
    r"\bunti?l (?:they|he|she|someone|people|you get a) ?(?:reply|replies|respond|responds|answer)",
    r"\bsin respuesta\b|\bno (?:responden?|contestan?)\b|\bsans r[ée]ponse\b|\bkeine antwort\b|"
    r"\bsem resposta\b|\bn[ãa]o responde",
    r"返信が?ない|返事が?ない|返信がなければ|没有回复|没回复|未回复|不回复",
    r"\boutreach\b|\b(?:first|initial|cold|outreach) (?:message|note|email)s?\b",
)
_REPEATS = _any(
    r"\bkeep (?:following up|chasing|nudging|pinging|reminding|writing)\b",
    r"\bunti?l (?:they|he|she|someone|people|you get a) ?(?:reply|replies|respond|responds|answer)",
    r"\b(?:again and again|repeatedly|every (?:few )?(?:days?|week|other day)|daily|weekly)\b",
    r"\bhasta que (?:respondan?|contesten?)\b|\bjusqu'?[àa] ce qu'\w+ r[ée]pond|"
    r"\bbis (?:sie|er) antwortet|\bat[ée] (?:que )?responder",
    r"返信(?:が)?(?:来る|ある)まで|直到(?:对方)?回复|每天|每周|毎日|毎週",
)
_COUNT = re.compile(
    rf"(?<!\w){_NUMBER}\s+(?:more\s+)?(?:follow[\s-]*ups?|reminders?|nudges?|times|attempts|"
    r"pings|chasers?|veces|seguimientos|relances|fois|mal|vezes)\b|"
    r"\b(?P<w>once|twice|thrice)\b",
    re.IGNORECASE,
)
_CJK_COUNT = re.compile(r"(?P<n>\d+|[一二三四五六七八九十两兩]+)\s*(?:回|次|度)")
_AGAIN = _any(
    r"\b(?:follow(?:ing)? up|check(?:ing)? back|write|reach out|nudge|ping) (?:once )?again\b",
    r"\b(?:another|a second|a third|one more) (?:follow[\s-]*up|reminder|nudge|note|message)\b",
    r"\bde nuevo\b|\botra vez\b|\bnouveau\b|\bnochmal\b|\bnovamente\b|もう一度|再次|再度",
)
_LIMIT = _any(r"\b(?:no more than|not more than|at most|max(?:imum)?|never more than)\b")


@dataclass(frozen=True)
class Statement:
    """A sentence that contradicts a rule, and why."""

    sentence: str
    problem: str


def _count_in(sentence: str) -> tuple[int, str] | None:
    for match in _COUNT.finditer(sentence):
        word = (match.group("w") or "").casefold()
        if word:
            return {"once": 1, "twice": 2, "thrice": 3}[word], match.group(0)
        number = _number(match.group("n"))
        if number is not None:
            return int(number), match.group(0)
    for match in _CJK_COUNT.finditer(sentence):
        number = _number(match.group("n"))
        if number is not None:
            return int(number), match.group(0)
    return None


def stated_follow_ups(text: str, *, follow_up_message: bool = False) -> list[Statement]:
    """Sentences of `text` about following up on an unanswered message that contradict the
    rule (wait 5-7 days, one follow-up): a wait outside 5-7 days, more than one follow-up,
    chasing until a reply. In a follow-up message itself, announcing another follow-up is a
    second one.

    Only sentences about following up *on no reply* count ("follow up twice if they don't
    answer"); "follow up with strong contacts monthly" is a touch-point, not a follow-up.
    """
    low, high = FOLLOW_UP_WAIT_DAYS
    found: list[Statement] = []
    for sentence in _sentences(text):
        folded = fold(sentence)
        about = _FOLLOW_UP.search(folded)
        if not about:
            continue
        if follow_up_message:
            if _AGAIN.search(folded) or _REPEATS.search(folded):
                found.append(Statement(sentence, "announces a further follow-up"))
            continue
        if not _NO_REPLY.search(folded):
            continue
        count = _count_in(folded)
        if count is not None and count[0] > MAX_FOLLOW_UPS:
            found.append(Statement(sentence, f"{count[1]!r}: {count[0]} follow-ups (rule: one)"))
            continue
        if _REPEATS.search(folded) and not _LIMIT.search(folded):
            found.append(Statement(sentence, "follows up repeatedly (rule: one follow-up)"))
            continue
        for days, written in _durations(folded):
            if days and not low <= days <= high:
                found.append(Statement(sentence, f"waits {written!r} (rule: {low}-{high} days)"))
                break
    return found


# --- thank-you timing -------------------------------------------------------------------------

_THANKS = _any(
    r"\bthank[\s-]*(?:you|s)?\b|\bthank(?:ing|ed)\b|\bgratitude\b",
    r"\bgracias\b|\bagradec\w*|\bmerci\b|\bremerci\w*|\bdank\w*|\bbedank\w*|\bobrigad\w*|"
    r"\bagrade[çc]\w*",
    r"お礼|感謝|ありがとう|感谢|谢谢|致谢|道谢",
)
_AFTER_HELP = _any(
    r"\bagain\b|\bafter (?:they|he|she) (?:help|helped|introduce|refer)\w*|\bonce (?:they|it)\b|"
    r"\bon (?:the )?outcome\b|\bwhen (?:you|it|they) (?:land|get|hear|start)\w*",
)


def thanks(text: str) -> bool:
    """True when `text` thanks someone (in any of the languages above)."""
    return bool(_THANKS.search(fold(text)))


def stated_thank_you_delays(text: str) -> list[Statement]:
    """Sentences of `text` that plan the thank-you after a conversation later than 24 hours
    ("send a thank-you within a week"). Thanks again after help is received is another habit
    (Step 8) and not timed by this rule."""
    found: list[Statement] = []
    limit_days = THANK_YOU_WITHIN_HOURS / 24
    for sentence in _sentences(text):
        folded = fold(sentence)
        if not _THANKS.search(folded) or _AFTER_HELP.search(folded):
            continue
        for days, written in _durations(folded):
            if days > limit_days + 1e-9:
                found.append(
                    Statement(
                        sentence,
                        f"thanks after {written!r} (rule: within {THANK_YOU_WITHIN_HOURS} hours)",
                    )
                )
                break
    return found
