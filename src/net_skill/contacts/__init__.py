"""The user's contacts: read real exports, rank people by relevance to a goal, summarise.

    found = read_contacts("Connections.csv")        # LinkedIn, Google CSV, vCard, a plain list
    digest = digest_contacts([found], situation, today=date.today())
    digest.text           # a bounded summary for a model
    digest.known_names    # every name read ("Dana" in digest.known_names)

Nothing here is particular to one skill. A skill's package may register a `ContactStore` so
that `read_contacts` also reads its own files (the networking tracker does).
"""

from net_skill.contacts._decode import MAX_BYTES
from net_skill.contacts._digest import (
    MAX_LISTED,
    MAX_TEXT_CHARS,
    ContactsDigest,
    digest_contacts,
    merge_contacts,
)
from net_skill.contacts._model import (
    TIE_RANK,
    Contact,
    ContactsError,
    ContactsFile,
    TieStrength,
    skipped_rows,
)
from net_skill.contacts._names import KnownNames, name_key
from net_skill.contacts._read import (
    ContactStore,
    kept_stores,
    parse_contacts,
    read_contacts,
    register_store,
)
from net_skill.contacts._select import Ranked, estimate_tie, rank_contacts, terms_of

__all__ = [
    "MAX_BYTES",
    "MAX_LISTED",
    "MAX_TEXT_CHARS",
    "TIE_RANK",
    "Contact",
    "ContactStore",
    "ContactsDigest",
    "ContactsError",
    "ContactsFile",
    "KnownNames",
    "Ranked",
    "TieStrength",
    "digest_contacts",
    "estimate_tie",
    "kept_stores",
    "merge_contacts",
    "name_key",
    "parse_contacts",
    "rank_contacts",
    "read_contacts",
    "register_store",
    "skipped_rows",
    "terms_of",
]
