"""The two HTTP routes that set and clear the remembered-sign-in cookie (Streamlit's script cannot).

    app = st.App("app.py", routes=session_routes.ROUTES)   # console.py; `streamlit run console.py`

POST /auth/session with a one-time code (models/sessions.py) in the body sets `orderhub_session`:
HttpOnly, SameSite=Lax, Path=/, Secure on HTTPS, living as long as the session. POST /auth/signout
revokes the session the cookie names and deletes it. Both refuse a request whose Origin is another site.
Nothing here logs a code or a token.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models import sessions
from models.settings import load_settings


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


def _secure(request: Request, trust_forwarded: bool) -> bool:
    proto = request.headers.get("x-forwarded-proto", "") if trust_forwarded else ""
    return request.url.scheme == "https" or proto.split(",")[-1].strip() == "https"


async def start(request: Request) -> Response:
    """Exchange the one-time code for the session cookie."""
    settings = load_settings()
    found = sessions.redeem(settings, (await request.body()).decode()[:200]) if _same_origin(request) else None
    if found is None:
        return Response("unknown or used sign-in code", status_code=403)
    token, seconds = found
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(sessions.COOKIE, token, max_age=seconds, path="/", httponly=True, samesite="lax",
                        secure=_secure(request, settings.trust_forwarded_for))
    return response


async def signout(request: Request) -> Response:
    """Revoke the session the cookie names (the console revokes it too) and delete the cookie."""
    if not _same_origin(request):
        return Response(status_code=403)
    settings = load_settings()
    sessions.revoke(settings, sessions.session_id(settings, request.cookies.get(sessions.COOKIE)))
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="lax")
    return response


ROUTES = [Route("/auth/session", start, methods=["POST"]), Route("/auth/signout", signout, methods=["POST"])]
