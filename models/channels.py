"""The sales channels OrderHub knows, with display names and the one colour each has on every chart."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Channel:
    code: str
    name_en: str
    name_zh: str
    color: str
    currency: str  # the usual settlement currency of the demo shops


CHANNELS: dict[str, Channel] = {c.code: c for c in (
    Channel("shopee", "Shopee", "虾皮", "#EE4D2D", "SGD"),
    Channel("lazada", "Lazada", "来赞达", "#1A3D8F", "MYR"),
    Channel("tiktok", "TikTok Shop", "TikTok Shop", "#25F4EE", "THB"),
    Channel("shopify", "Shopify", "Shopify", "#95BF47", "USD"),
    Channel("tmall", "Tmall", "天猫", "#FF0036", "CNY"),
    Channel("jd", "JD", "京东", "#8C564B", "CNY"),
    Channel("douyin", "Douyin", "抖音", "#111111", "CNY"),
    Channel("woocommerce", "WooCommerce", "WooCommerce", "#7F54B3", "USD"),
    Channel("offline", "Offline / distributors", "线下/分销", "#7F7F7F", "CNY"),
)}
_FALLBACK = ("#17BECF", "#BCBD22", "#E377C2", "#9467BD", "#2CA02C")


def channel_color(code: str) -> str:
    """Known channels keep their colour; an unknown one gets a stable colour from its name."""
    if code in CHANNELS:
        return CHANNELS[code].color
    return _FALLBACK[sum(map(ord, code)) % len(_FALLBACK)]


def channel_name(code: str, lang: str = "en") -> str:
    ch = CHANNELS.get(code)
    if ch is None:
        return code
    return ch.name_en if lang == "en" else ch.name_zh
