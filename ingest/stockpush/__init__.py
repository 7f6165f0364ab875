"""Telling each channel how much it may sell: channel allocation and the stock push (docs/stock-push.md)."""
