"""`python -m ingest authorize --channel C --shop S`: the first authorization of a shop whose tokens expire.

    $ python -m ingest authorize --channel shopee --shop 220001
    1. Open this address as the seller and approve OrderHub:
       https://partner.shopeemobile.com/api/v2/shop/auth_partner?partner_id=...
    2. Paste the code, or the whole address the browser was sent back to:
    https://localhost/orderhub/callback?code=6e59...&shop_id=220001
    shopee/220001 authorized: access token valid until ..., refresh token until ...

The tokens go to `<data>/state/tokens.json` (0600, git-ignored), never to the screen or a log; ingest
refreshes them from then on. Run it again whenever the Channels page says the channel needs re-authorizing.
Shopify and WooCommerce keys do not expire: they are configured, not authorized (docs/connecting-a-shop.md).
"""

from __future__ import annotations

import argparse
import secrets
import sys
from typing import TextIO
from urllib.parse import parse_qs, urlsplit

from ingest.config import ChannelConfig, load_channels
from ingest.http import FatalError
from ingest.platforms import connector_class
from ingest.tokens import authorized
from models.settings import Settings, load_settings

CALLBACK = "https://localhost/orderhub/callback"


def find_channel(settings: Settings, channel: str, shop: str) -> ChannelConfig:
    for cfg in load_channels(settings):
        if cfg.channel == channel and cfg.shop_id == shop:
            return cfg
    raise FatalError(f"no [[channel]] with channel = {channel!r} and shop_id = {shop!r} in channels.toml")


def code_from(answer: str, state: str, shop_id: str) -> str:
    """The code in a pasted redirect address (checking its state and shop), or the pasted code itself."""
    answer = answer.strip()
    if "code=" not in answer:
        if not answer:
            raise FatalError("no code given")
        return answer
    query = parse_qs(urlsplit(answer).query or answer)
    if query.get("state", [state])[0] != state:
        raise FatalError("the address belongs to another authorization request (state differs); start again")
    if query.get("shop_id", [shop_id])[0] != shop_id:
        raise FatalError(f"the seller authorized shop {query['shop_id'][0]}, not {shop_id}")
    return query["code"][0]


def authorize(cfg: ChannelConfig, settings: Settings, redirect_uri: str, stdin: TextIO, out: TextIO) -> None:
    connector_type = connector_class(cfg.channel)
    if connector_type.auth_class is None:
        print(f"{cfg.key}: this platform's keys do not expire; put them in secrets.toml or the environment "
              "(docs/connecting-a-shop.md). Nothing to authorize.", file=out)
        return
    connector = connector_type(cfg, data_dir=settings.data_dir)
    state = secrets.token_urlsafe(8)
    print(f"1. Open this address as the seller and approve OrderHub:\n   "
          f"{connector.tokens.auth.authorize_url(redirect_uri, state)}", file=out)
    print("2. Paste the code, or the whole address the browser was sent back to:", file=out, flush=True)
    record = authorized(connector, settings.data_dir, code_from(stdin.readline(), state, cfg.shop_id))
    print(f"{cfg.key} authorized: access token valid until {record['access_expires_at']}, refresh token until "
          f"{record['refresh_expires_at'] or 'not stated'}. If the channel was paused, press Resume on the "
          "Channels page.", file=out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest authorize", description=__doc__.split("\n")[0])
    parser.add_argument("--channel", required=True)
    parser.add_argument("--shop", required=True)
    parser.add_argument("--redirect-uri", help=f"where the platform sends the seller back (default: the "
                        f"channel's options.redirect_uri, else {CALLBACK})")
    args = parser.parse_args(argv[1:])
    settings = load_settings()
    try:
        cfg = find_channel(settings, args.channel, args.shop)
        redirect = args.redirect_uri or str(cfg.options.get("redirect_uri") or CALLBACK)
        authorize(cfg, settings, redirect, sys.stdin, sys.stdout)
    except FatalError as exc:
        print(f"authorize failed: {exc}", file=sys.stderr)
        return 1
    return 0
