"""Bot Framework tokens signed with a local RSA key, and the validator pointed at that key.

Real Teams signs with keys published at login.botframework.com; here a key made for the test
plays that part, so a valid token is accepted and every forged one refused, offline.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt import PyJWK
from microsoft_agents.hosting.core.authorization.jwt.jwt_token_validator import JwtTokenValidator

ISSUER = "https://api.botframework.com"
APP_ID = "11111111-2222-4333-8444-555555555555"
APP_TENANT = "00000000-0000-4000-8000-00000000000a"
KID = "test-key-1"


class TokenIssuer:
    """Signs tokens like the Bot Connector does; ``other`` signs with a key nobody trusts."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def token(
        self,
        service_url: str,
        *,
        audience: str = APP_ID,
        issuer: str = ISSUER,
        expires_in: int = 3600,
        kid: str | None = KID,
        forged: bool = False,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience,
            "iat": now - 10,
            "nbf": now - 10,
            "exp": now + expires_in,
            "serviceurl": service_url,
        }
        headers = {"kid": kid} if kid else {}
        key = self.other if forged else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers=headers)

    async def signing_key(self, jwks_uri: str, header: dict[str, Any]) -> PyJWK:
        """Stand-in for the JWKS fetch: our public key for our kid, else the SDK's own error."""
        if header["kid"] != KID:  # a missing kid raises KeyError, as in the SDK
            raise jwt.PyJWKClientError("unknown kid")
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return PyJWK({**public, "kid": KID, "alg": "RS256", "use": "sig"})


@pytest.fixture(name="issuer")
def issuer_fixture(monkeypatch: pytest.MonkeyPatch) -> TokenIssuer:
    """A token issuer whose key the SDK's validator trusts (no network)."""
    made = TokenIssuer()
    monkeypatch.setattr(JwtTokenValidator._jwk_client_manager, "get_signing_key", made.signing_key)
    return made
