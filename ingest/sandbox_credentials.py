"""The sandbox's published demo credentials: fake values, the same on every machine.

They let `make run` work with no set-up; a channel uses them only when it is marked `sandbox = true`
and neither the environment nor `secrets.toml` holds a value.
"""

from __future__ import annotations

DEMO_CREDENTIALS: dict[str, dict[str, str]] = {
    "shopify": {"access_token": "shpat_sandbox_demo_token"},
    "woocommerce": {"consumer_key": "ck_sandbox_demo", "consumer_secret": "cs_sandbox_demo_secret"},
    "shopee": {
        "partner_id": "2000001",
        "partner_key": "sandbox-partner-key",
        "access_token": "sandbox-shopee-token",
    },
    "lazada": {
        "app_key": "100001",
        "app_secret": "sandbox-lazada-secret",
        "access_token": "sandbox-lazada-token",
    },
    "tiktok": {
        "app_key": "sandboxapp",
        "app_secret": "sandbox-tiktok-secret",
        "access_token": "sandbox-tiktok-token",
        "shop_cipher": "SANDBOX_CIPHER",
    },
}
