"""Data shown as text: every value that came from outside (an order field, a name, a rule, an error that
quotes data) goes through `plain()` before it reaches an element Streamlit renders as Markdown.

    st.caption(plain(order["receiver_city"]))          # '![x](http://host/x.png)' shows as those characters
    st.warning(t("access.order_missing", order_id=plain(typed)))

Streamlit renders captions, metrics, alerts, subheaders and labels as Markdown (with its own `:red[...]`
colour and `$...$` maths extensions), so an imported city of `![x](http://host/x.png)` would make every
viewer's browser fetch that URL. CommonMark renders a backslash-escaped ASCII punctuation character as
itself, so escaping all of them leaves no image, link, HTML tag, colour, maths or emphasis; bare URLs and
e-mail addresses, which GFM links even when escaped, get an invisible word joiner after the scheme. Long values are
cut (a 100 000-character address must not fill the page). Dataframes, `st.text` and `st.code` are already
text and need none of this.
"""

from __future__ import annotations

import re

import pandas as pd

LIMIT = 200
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
# GFM turns bare URLs and e-mail addresses into links after escapes are resolved; a word joiner (invisible)
# after the scheme, 'www' or '@' keeps them text.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|xmpp|www)(?=[:.])|@")
JOINER = "\u2060"


def cut(value: object, limit: int | None = LIMIT) -> str:
    """The value as text, cut to `limit` characters with an ellipsis; None/NaN as ''."""
    text = "" if value is None or (not isinstance(value, list | tuple | dict) and pd.isna(value)) else str(value)
    if limit is not None and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def plain(value: object, limit: int | None = LIMIT) -> str:
    """Markdown that shows `value` literally: cut, every ASCII punctuation backslash-escaped, lines joined."""
    text = _PUNCTUATION.sub(r"\\\1", _AUTOLINK.sub(lambda m: m.group(0) + JOINER, cut(value, limit)))
    return " ".join(text.splitlines())


RECEIVER_PARTS = ("name", "phone", "province", "city", "address")


def receiver_line(order: pd.Series) -> str:
    """The receiver on one line as plain text, parts a role may not see (masked empty) left out, not dotted."""
    parts = (plain(order[f"receiver_{part}"]) for part in RECEIVER_PARTS)
    return " · ".join(part for part in parts if part) or "–"
