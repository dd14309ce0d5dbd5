"""Who may call /api/messages: a valid Bot Framework token, or nobody in anonymous dev/test."""

from __future__ import annotations

import logging

from microsoft_agents.authentication.msal import MsalAuth
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration, ClaimsIdentity
from microsoft_agents.hosting.core.authorization.jwt import JwtTokenValidator

from adapters.teams.connector import TOKEN_SERVICE, TokenSource

log = logging.getLogger(__name__)
DEV_ENVS = ("dev", "test")


class AnonymousRefusedError(ValueError):
    """Anonymous mode asked for outside dev/test."""


def auth_configuration(
    *,
    env: str,
    anonymous: bool,
    client_id: str | None = None,
    client_secret: str | None = None,
    tenant_id: str | None = None,
) -> AgentAuthConfiguration:
    """Return the SDK's authentication configuration for these settings.

    ``REFLECTIEBOT_TEAMS_ANONYMOUS=true`` becomes the SDK's anonymous configuration (no
    credentials, no token on either side); it is refused unless ``REFLECTIEBOT_ENV`` is
    ``dev`` or ``test``, so a production server can never be reached without a token.

    Raises:
        AnonymousRefusedError: Anonymous mode outside dev/test.
    """
    if anonymous:
        if env not in DEV_ENVS:
            raise AnonymousRefusedError(env)
        return AgentAuthConfiguration(anonymous_allowed=True)
    return AgentAuthConfiguration(
        client_id=client_id,
        client_secret=client_secret,
        tenant_id=tenant_id,
        anonymous_allowed=False,
        # Off by default in the SDK: without it a token from any issuer whose key validates
        # (an Entra token for this app, say) would be let in. Only the Bot Framework and
        # the bot's own tenant may call.
        validate_issuer=True,
    )


async def authenticate(header: str | None, config: AgentAuthConfiguration) -> ClaimsIdentity | None:
    """Return the caller's claims, or None when the request must get 401.

    The SDK answers 500 for some bad tokens (no ``kid`` raises ``KeyError``) and lets a
    JWKS fetch fail with whatever it raises; here every failure is a refusal.
    """
    validator = JwtTokenValidator(config)
    if not header:
        return validator.get_anonymous_claims() if config.ANONYMOUS_ALLOWED else None
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    try:
        return await validator.validate_token(parts[1])
    except Exception as exc:  # forged, expired, wrong audience, unknown key, no network...
        log.warning("teams token refused: %s", type(exc).__name__)
        return None


def token_source(config: AgentAuthConfiguration) -> TokenSource | None:
    """Return how outbound calls get the bot's token (None in anonymous mode: no header).

    MSAL contacts Entra ID only on the first call and caches the token after that.
    """
    if config.ANONYMOUS_ALLOWED:
        return None
    msal = MsalAuth(config)

    async def token() -> str:
        return await msal.get_access_token(TOKEN_SERVICE, [f"{TOKEN_SERVICE}/.default"])

    return token
