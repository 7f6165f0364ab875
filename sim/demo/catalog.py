"""The demo world: channels and their raw status words, shops, SKUs, warehouses, carriers, regions.

Everything here is invented for the demo; names, phones and addresses are visibly fake ("演示买家",
masked phones, 555-01xx numbers) so nobody mistakes a demo lake for real customer data.
"""

from __future__ import annotations

from dataclasses import dataclass

WAREHOUSES = ("Suzhou", "Hefei", "Chengdu", "Shanghai-Cold")
# Orders a warehouse can pick in one 14-hour shift, as a multiple of its usual daily share.
WAREHOUSE_CAPACITY = {"Suzhou": 1.45, "Hefei": 1.3, "Chengdu": 1.35, "Shanghai-Cold": 1.6}
# Median minutes from picked to packed: Hefei packs slower (older line, fewer stations).
PACK_MINUTES = {"Suzhou": 12.0, "Hefei": 34.0, "Chengdu": 18.0, "Shanghai-Cold": 15.0}
CARRIERS = ("SF", "ZTO", "YTO", "JD Logistics", "J&T", "Ninja Van")
TRACKING_PREFIX = {
    "SF": "SF14",
    "ZTO": "7731",
    "YTO": "YT88",
    "JD Logistics": "JDVA",
    "J&T": "JT58",
    "Ninja Van": "NVSG",
}
# Local hours at which carriers collect parcels from the warehouses.
COLLECTION_HOURS = (11.0, 15.0, 18.5, 21.5)
DEMO_USERS = (
    ("ops.li", "operator"),
    ("ops.wang", "operator"),
    ("ops.chen", "operator"),
    ("ops.zhao", "operator"),
    ("lead.sun", "supervisor"),
    ("admin.demo", "admin"),
)

# Canonical status → raw status, per channel; "refunded" is the refund after a return, "cancel_refund"
# the refund of a paid order cancelled before shipping.
_CN_STEPS = ("to_review", "to_ship", "allocated", "picked", "packed")


def _vocab(
    pending: str,
    steps: str | dict[str, str],
    shipped: str,
    delivered: str,
    completed: str,
    cancelled: str,
    returned: str,
    refunded: str,
    cancel_refund: str,
) -> dict[str, str]:
    step_map = dict.fromkeys(_CN_STEPS, steps) if isinstance(steps, str) else steps
    return {
        "pending_payment": pending,
        **step_map,
        "shipped": shipped,
        "delivered": delivered,
        "completed": completed,
        "cancelled": cancelled,
        "returned": returned,
        "refunded": refunded,
        "cancel_refund": cancel_refund,
    }


@dataclass(frozen=True)
class DemoChannel:
    code: str
    weight: float  # share of all orders
    shops: tuple[str, ...]
    country: str
    ship_by_hours: int
    vocab: dict[str, str]
    phone_missing: float  # share of orders without a receiver phone


CHANNELS: tuple[DemoChannel, ...] = (
    DemoChannel(
        "tmall",
        0.21,
        ("tmall-flagship", "tmall-outlet"),
        "CN",
        48,
        _vocab(
            "WAIT_BUYER_PAY",
            "WAIT_SELLER_SEND_GOODS",
            "WAIT_BUYER_CONFIRM_GOODS",
            "WAIT_BUYER_CONFIRM_GOODS",
            "TRADE_FINISHED",
            "TRADE_CLOSED_BY_TAOBAO",
            "WAIT_BUYER_CONFIRM_GOODS",
            "TRADE_CLOSED",
            "TRADE_CLOSED",
        ),
        0.0,
    ),
    DemoChannel(
        "jd",
        0.14,
        ("jd-pop-main", "jd-pop-kids"),
        "CN",
        24,
        _vocab(
            "WAIT_PAY",
            {
                "to_review": "LOCKED",
                "to_ship": "WAIT_SELLER_STOCK_OUT",
                "allocated": "WAIT_SELLER_STOCK_OUT",
                "picked": "WAIT_SELLER_STOCK_OUT",
                "packed": "WAIT_SELLER_STOCK_OUT",
            },
            "WAIT_GOODS_RECEIVE_CONFIRM",
            "WAIT_GOODS_RECEIVE_CONFIRM",
            "FINISHED_L",
            "TRADE_CANCELED",
            "FINISHED_L",
            "TRADE_CANCELED",
            "TRADE_CANCELED",
        ),
        0.0,
    ),
    DemoChannel(
        "douyin",
        0.19,
        ("douyin-live-1", "douyin-live-2", "douyin-store"),
        "CN",
        48,
        _vocab(
            "待支付",
            {
                "to_review": "备货中",
                "to_ship": "待发货",
                "allocated": "待发货",
                "picked": "待发货",
                "packed": "待发货",
            },
            "已发货",
            "已发货",
            "已完成",
            "已关闭",
            "售后中",
            "已关闭",
            "已关闭",
        ),
        0.02,
    ),
    DemoChannel(
        "shopee",
        0.13,
        ("shopee-sg-main", "shopee-sg-2"),
        "SG",
        48,
        _vocab(
            "UNPAID",
            {
                "to_review": "READY_TO_SHIP",
                "to_ship": "READY_TO_SHIP",
                "allocated": "PROCESSED",
                "picked": "PROCESSED",
                "packed": "PROCESSED",
            },
            "SHIPPED",
            "TO_CONFIRM_RECEIVE",
            "COMPLETED",
            "CANCELLED",
            "TO_RETURN",
            "TO_RETURN",
            "CANCELLED",
        ),
        0.0,
    ),
    DemoChannel(
        "lazada",
        0.09,
        ("lazada-my-main", "lazada-my-mall"),
        "MY",
        48,
        _vocab(
            "unpaid",
            {
                "to_review": "pending",
                "to_ship": "pending",
                "allocated": "packed",
                "picked": "packed",
                "packed": "ready_to_ship",
            },
            "shipped",
            "delivered",
            "confirmed",
            "canceled",
            "returned",
            "returned",
            "canceled",
        ),
        0.01,
    ),
    DemoChannel(
        "tiktok",
        0.10,
        ("tiktok-th-1", "tiktok-th-2"),
        "TH",
        48,
        _vocab(
            "UNPAID",
            {
                "to_review": "ON_HOLD",
                "to_ship": "AWAITING_SHIPMENT",
                "allocated": "AWAITING_SHIPMENT",
                "picked": "AWAITING_SHIPMENT",
                "packed": "AWAITING_COLLECTION",
            },
            "IN_TRANSIT",
            "DELIVERED",
            "COMPLETED",
            "CANCELLED",
            "DELIVERED",
            "COMPLETED",
            "CANCELLED",
        ),
        0.05,
    ),
    DemoChannel(
        "shopify",
        0.08,
        ("shopify-us",),
        "US",
        48,
        _vocab(
            "pending/unfulfilled",
            "paid/unfulfilled",
            "paid/fulfilled",
            "paid/fulfilled",
            "paid/fulfilled",
            "voided/unfulfilled",
            "partially_refunded/fulfilled",
            "refunded/fulfilled",
            "refunded/unfulfilled",
        ),
        0.03,
    ),
    DemoChannel(
        "offline",
        0.06,
        ("dist-east", "dist-west"),
        "CN",
        72,
        _vocab(
            "NEW", "CONFIRMED", "DISPATCHED", "DISPATCHED", "CLOSED", "VOID", "RETURNED", "CREDITED", "VOID"
        ),
        0.3,
    ),
)

# (province, weight, cities, region) for Chinese receivers; region drives warehouse routing.
CN_PROVINCES = (
    ("广东", 14, ("广州", "深圳", "佛山"), "south"),
    ("浙江", 11, ("杭州", "宁波", "温州"), "east"),
    ("江苏", 11, ("南京", "苏州", "无锡"), "east"),
    ("上海", 7, ("上海",), "east"),
    ("北京", 6, ("北京",), "east"),
    ("山东", 6, ("济南", "青岛"), "east"),
    ("四川", 6, ("成都", "绵阳"), "west"),
    ("河南", 5, ("郑州", "洛阳"), "central"),
    ("湖北", 5, ("武汉", "宜昌"), "central"),
    ("福建", 5, ("福州", "厦门"), "east"),
    ("安徽", 4, ("合肥", "芜湖"), "central"),
    ("湖南", 4, ("长沙", "株洲"), "central"),
    ("重庆", 3, ("重庆",), "west"),
    ("陕西", 3, ("西安",), "west"),
    ("辽宁", 3, ("沈阳", "大连"), "east"),
    ("天津", 2, ("天津",), "east"),
    ("云南", 2, ("昆明",), "west"),
    ("广西", 2, ("南宁", "桂林"), "west"),
)
# Overseas receivers: country → (state, city) pairs.
ABROAD = {
    "SG": (("Singapore", "Singapore"),),
    "MY": (
        ("Selangor", "Petaling Jaya"),
        ("Kuala Lumpur", "Kuala Lumpur"),
        ("Penang", "George Town"),
        ("Johor", "Johor Bahru"),
    ),
    "TH": (("Bangkok", "Bangkok"), ("Chiang Mai", "Chiang Mai"), ("Nonthaburi", "Nonthaburi")),
    "US": (
        ("California", "Los Angeles"),
        ("New York", "New York"),
        ("Texas", "Austin"),
        ("Washington", "Seattle"),
    ),
}
PHONE_PREFIX = {"SG": "+65 ", "MY": "+60 ", "TH": "+66 "}
BUYER_NOTES = (
    "",
    "急",
    "生日礼物",
    "请尽快发货，急",
    "生日礼物，请包装好看一点",
    "周末送货",
    "放快递柜",
    "please deliver after 6pm",
    "no invoice needed",
)
NOTE_WEIGHTS = (0.87, 0.015, 0.012, 0.01, 0.008, 0.025, 0.03, 0.015, 0.015)

# Category → (SKU prefix, cold chain?, [(title, price in CNY)]); about 60 SKUs in 8 categories.
CATEGORIES: dict[str, tuple[str, bool, tuple[tuple[str, float], ...]]] = {
    "skincare": (
        "SKN",
        False,
        (
            ("Hydrating serum 30ml", 189),
            ("Night cream 50ml", 239),
            ("Sunscreen SPF50", 129),
            ("Cleansing foam", 69),
            ("Sheet masks x10", 99),
            ("Eye cream 15ml", 299),
            ("Toner 200ml", 119),
            ("Lip balm trio", 49),
        ),
    ),
    "makeup": (
        "MKP",
        False,
        (
            ("Matte lipstick", 159),
            ("Cushion foundation", 269),
            ("Eyeshadow palette", 199),
            ("Mascara", 109),
            ("Brow pencil", 59),
            ("Setting spray", 139),
            ("Blush duo", 119),
        ),
    ),
    "tea": (
        "TEA",
        False,
        (
            ("Longjing green tea 250g", 268),
            ("Pu'er cake 357g", 328),
            ("Jasmine pearls 100g", 118),
            ("Oolong gift box", 458),
            ("Black tea bags x50", 58),
            ("Chrysanthemum tea", 39),
            ("Tea tasting set", 599),
        ),
    ),
    "snacks": (
        "SNK",
        False,
        (
            ("Spicy beef jerky", 45),
            ("Nut mix 500g", 89),
            ("Egg rolls tin", 68),
            ("Dried mango 300g", 42),
            ("Seaweed crisps x12", 36),
            ("Mooncake box", 198),
            ("Snack gift hamper", 299),
            ("Sesame candy", 29),
        ),
    ),
    "fresh": (
        "FRS",
        True,
        (
            ("Frozen dumplings 1kg", 79),
            ("Hairy crab set", 688),
            ("Ice cream x6", 99),
            ("Fresh lychee 2kg", 159),
            ("Yoghurt x12", 69),
            ("Frozen shrimp 1kg", 139),
            ("Cheese platter", 189),
        ),
    ),
    "kitchen": (
        "KIT",
        False,
        (
            ("Ceramic knife set", 259),
            ("Rice cooker 3L", 499),
            ("Wok 32cm", 229),
            ("Glass food boxes x6", 89),
            ("Bamboo steamer", 69),
            ("Kettle 1.7L", 179),
            ("Chopsticks gift set", 99),
            ("Air fryer 4L", 599),
        ),
    ),
    "apparel": (
        "APP",
        False,
        (
            ("Cotton T-shirt", 79),
            ("Hoodie", 199),
            ("Silk scarf", 259),
            ("Down vest", 399),
            ("Running socks x5", 49),
            ("Linen shirt", 229),
            ("Wool beanie", 89),
            ("Qipao dress", 699),
        ),
    ),
    "accessories": (
        "ACC",
        False,
        (
            ("Phone case", 39),
            ("USB-C cable 2m", 29),
            ("Power bank 10000mAh", 129),
            ("Wireless earbuds", 299),
            ("Watch strap", 59),
            ("Desk phone stand", 45),
            ('Laptop sleeve 14"', 99),
        ),
    ),
}
GIFTS = (("GFT-01", "Gift: tote bag"), ("GFT-02", "Gift: sample kit"), ("GFT-03", "Gift: greeting card"))
