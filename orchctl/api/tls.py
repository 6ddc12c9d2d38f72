"""TLS verification settings for the client's own transport."""

from __future__ import annotations

import os
import ssl

from orchctl.api.config import TlsSettings
from orchctl.api.errors import ConfigurationError


def ssl_context(tls: TlsSettings) -> ssl.SSLContext | bool:
    """Verification on by default (system trust store via certifi/SSL_CERT_FILE, as httpx
    does); ``ca_bundle`` replaces the trust store; ``insecure`` turns checks off."""
    if tls.insecure:
        return False
    if tls.ca_bundle is None:
        return True
    if not os.path.isfile(tls.ca_bundle):
        raise ConfigurationError(
            f"CA bundle not found: {tls.ca_bundle}", hint="check --ca-bundle / tls.ca_bundle"
        )
    try:
        return ssl.create_default_context(cafile=tls.ca_bundle)
    except (ssl.SSLError, OSError) as exc:
        raise ConfigurationError(
            f"cannot load CA bundle {tls.ca_bundle}: {exc.__class__.__name__}",
            hint="the file must hold PEM certificates",
        ) from None
