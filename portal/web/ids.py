"""Record ids from addresses and forms: a number the database can hold, or nothing.

Flask's ``int`` converter takes any size, and a 25-digit id reaches the database, which fails
(SQLite: "int too large"; PostgreSQL: "integer out of range") instead of answering "not found".
"""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

#: The largest id an INTEGER primary key holds on PostgreSQL (and the most any table here reaches).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: a larger number is not a record, so the address is not found."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max,
                         signed=signed)


def parse_id(value) -> int | None:
    """An id posted in a form, or None when it is not a plain number a record could have."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
