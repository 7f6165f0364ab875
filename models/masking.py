"""PII masking for people who may see orders but not who they go to (role `viewer`).

Used by every table, export and e-mail through `models.auth.mask_frame(df, role)`.

    >>> mask_phone("13812345678")
    '138****5678'
"""

from __future__ import annotations

import pandas as pd

PII_COLUMNS = ("receiver_phone", "receiver_address", "receiver_name")


def mask_phone(phone: str | None) -> str | None:
    """Keep the first 3 and last 4 digits: enough to tell two numbers apart on a call, not to dial one."""
    if phone is None or pd.isna(phone):
        return None
    text = str(phone)
    if len(text) <= 7:
        return "*" * max(len(text) - 2, 1) + text[-2:]
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_address(address: str | None) -> str | None:
    """Keep the first 6 characters (province and city in a Chinese address), hide the street and number."""
    if address is None or pd.isna(address):
        return None
    text = str(address)
    return text[:6] + "****" if len(text) > 6 else text[:2] + "****"


def mask_name(name: str | None) -> str | None:
    """Keep the first character: '张三' → '张*'."""
    if name is None or pd.isna(name):
        return None
    text = str(name)
    return text[:1] + "*" * max(len(text) - 1, 1)


def mask_buyer(buyer: str | None) -> str | None:
    """Keep the first and last two characters: a viewer can tell the Reconciliation page's buyers apart,
    not look one up on the platform."""
    if buyer is None or pd.isna(buyer):
        return None
    text = str(buyer)
    return text[:2] + "****" + text[-2:] if len(text) > 6 else text[:1] + "****"


MASKS = {"receiver_phone": mask_phone, "receiver_address": mask_address, "receiver_name": mask_name,
         "buyer_id": mask_buyer}


def mask_columns(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every PII column present masked."""
    out = df.copy()
    for column, mask in MASKS.items():
        if column in out.columns:
            out[column] = out[column].map(mask, na_action="ignore").astype(object)
    return out
