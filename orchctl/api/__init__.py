"""orchctl's one way to a stack: a typed client for the Orchestration API (v1 and v2).

Build one per run from an orchctl.yaml environment entry::

    from orchctl.api import OrchestrationClient
    with OrchestrationClient.from_environment(env_entry, os.environ) as client:
        state = client.list_all()

Errors: see :mod:`orchctl.api.errors` (the tree is documented at its top).
"""

from __future__ import annotations

from orchctl.api.client import OrchestrationClient
from orchctl.api.config import (
    ApiVersion,
    ClientConfig,
    Credentials,
    RetrySettings,
    Secret,
    Timeouts,
    TlsSettings,
    client_config_from_environment,
)
from orchctl.api.errors import (
    ApiError,
    AuthError,
    ConfigurationError,
    HttpError,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    ServerError,
    Timeout,
    TransportError,
    UnexpectedResponse,
    Unsupported,
    ValidationFailed,
)
from orchctl.api.models import (
    FilterResult,
    Instance,
    InstanceHistory,
    LiveState,
    ServerInfo,
    StageHistory,
    StageStatus,
    Trigger,
    TriggerOccurrence,
    TriggerSpec,
    TriggerTestResult,
    VariableResult,
    Workflow,
    WorkflowConfig,
)

__all__ = [
    "ApiError",
    "ApiVersion",
    "AuthError",
    "ClientConfig",
    "ConfigurationError",
    "Credentials",
    "FilterResult",
    "HttpError",
    "Instance",
    "InstanceHistory",
    "LiveState",
    "NotFound",
    "OrchestrationClient",
    "OutcomeUnknown",
    "RateLimited",
    "RetrySettings",
    "Secret",
    "ServerError",
    "ServerInfo",
    "StageHistory",
    "StageStatus",
    "Timeout",
    "Timeouts",
    "TlsSettings",
    "TransportError",
    "Trigger",
    "TriggerOccurrence",
    "TriggerSpec",
    "TriggerTestResult",
    "UnexpectedResponse",
    "Unsupported",
    "ValidationFailed",
    "VariableResult",
    "Workflow",
    "WorkflowConfig",
    "client_config_from_environment",
]
