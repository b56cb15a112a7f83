"""`GET /api/v2/users?q=…`: the part of Auth0's user search (Lucene syntax, search engine v3) this
tenant answers, and a 400 for the rest.

A query the tenant cannot answer must not be ignored: `q=email:"ann@example.com"` answered with
every user would hand a script that deletes "the users it found" the whole directory. So `q` is
`field:value` terms joined by spaces or `AND`, each an exact match or, with a trailing `*`, a
prefix, on the fields the store holds as columns; anything else (OR, NOT, ranges, groups, a bare
word, another field) is refused saying what is supported.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from ..errors import bad_request
from ..store import schema

U = schema.user

# Auth0 field name -> column; emails are stored lower-cased and matched so.
FIELDS: dict[str, Any] = {
    "user_id": U.c.user_id, "email": U.c.email, "username": U.c.username,
    "phone_number": U.c.phone_number, "identities.connection": U.c.connection, "blocked": U.c.blocked,
}
# What is answered, as one pattern (also the OpenAPI document's, so a generated client or fuzzer
# knows it): terms separated by spaces, optionally joined by AND; a value bare or in double
# quotes, at least one character, no backslash, and a * only at its end.
_TEXT_FIELD = r"(?:user_id|email|username|phone_number|identities\.connection)"
_VALUE = r'(?:"[^"\\*]+\*?"|[^ \t\r\n"()\[\]{}*\\]+\*?)'
_TERM = rf"(?:{_TEXT_FIELD}:{_VALUE}|blocked:(?:true|false))"
PATTERN = rf"^ *(?:{_TERM}(?: +(?:AND +)?{_TERM})*)? *$"
_WHOLE = re.compile(PATTERN[1:-1])
_EACH = re.compile(rf'({_TEXT_FIELD}|blocked):(?:"([^"]*)"|(\S+))')
# Only to say what is wrong with a query outside the pattern.
_ANY_TERM = re.compile(r'([A-Za-z_.]+):(?:"((?:[^"\\]|\\.)*)"|([^\s"()\[\]{}]+))')


QUERY_HELP = (f"This tenant searches users by {', '.join(FIELDS)} with field:value or "
              'field:"quoted value" terms (a trailing * matches a prefix) joined by AND')


def _unsupported(why: str) -> Exception:
    return bad_request(f"q: {why}. {QUERY_HELP}")


def conditions(q: str) -> list[Any]:
    """The SQL conditions of a query (none for a blank one); raises the 400 for one the tenant
    cannot answer, saying why."""
    if not _WHOLE.fullmatch(q):
        raise _unsupported(_what_is_wrong(q))
    return [_condition(m.group(1), m.group(2) if m.group(2) is not None else m.group(3))
            for m in _EACH.finditer(q)]


def _condition(field: str, value: str) -> Any:
    column = FIELDS[field]
    if field == "blocked":
        return column == (value == "true")
    if field == "email":
        value = value.lower()
    if value.endswith("*"):
        # Not LIKE: SQLite's ignores case and PostgreSQL's does not; this is the same on both.
        prefix = value[:-1]
        return sa.func.substr(column, 1, len(prefix)) == prefix
    return column == value


def _what_is_wrong(q: str) -> str:
    position = 0
    while position < len(q):
        if q[position] == " ":
            position += 1
            continue
        if q[position].isspace():
            return "terms are separated by spaces (no tabs or line breaks)"
        if q.startswith("AND ", position):
            position += 4
            continue
        term = _ANY_TERM.match(q, position)
        if term is None:
            return f"'{q[position:].split(None, 1)[0][:60]}' is not a field:value term"
        field, quoted, bare = term.groups()
        value = quoted if quoted is not None else bare
        if field not in FIELDS:
            return f"the field '{field[:60]}' cannot be searched here"
        if field == "blocked" and value not in ("true", "false"):
            return "blocked is true or false"
        if "*" in value[:-1] or value == "*":
            return "a wildcard is allowed only at the end of a value, after at least one character"
        if not _WHOLE.fullmatch(term.group(0)):  # a backslash, an empty quoted value, …
            return f"'{term.group(0)[:60]}' is not a value this tenant can search for"
        position = term.end()
    return "the terms must be separated by spaces, optionally joined by AND"


# `sort=field:1|-1` (Auth0's form): the columns a list of users can be ordered by.
SORTABLE: dict[str, Any] = {
    "created_at": U.c.created_at, "updated_at": U.c.updated_at, "last_login": U.c.last_login,
    "logins_count": U.c.logins_count, "email": U.c.email, "user_id": U.c.user_id, "username": U.c.username,
}
SORT_PATTERN = rf"^(?:{'|'.join(SORTABLE)}):-?1$"


def order(sort: str) -> list[Any]:
    """The ORDER BY of `sort` (ties broken by user_id, so pages do not overlap); raises the 400
    for a sort the tenant cannot do, saying which it can."""
    field, _, direction = sort.partition(":")
    if field not in SORTABLE or direction not in ("1", "-1"):
        raise bad_request(f"sort: '{sort[:60]}' is not field:1 or field:-1 of {', '.join(SORTABLE)}")
    column = SORTABLE[field]
    first = column.asc() if direction == "1" else column.desc()
    # NULLs (a user who never logged in) last either way, as on Auth0; the same on both stores.
    return [column.is_(None), first, U.c.user_id.asc()]
