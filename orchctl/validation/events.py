"""Event types a Formance stack emits (the server itself does not check event names)."""

from __future__ import annotations

KNOWN_EVENTS = frozenset(
    {
        # ledger
        "COMMITTED_TRANSACTIONS",
        "REVERTED_TRANSACTION",
        "SAVED_METADATA",
        "DELETED_METADATA",
        # payments
        "SAVED_PAYMENT",
        "SAVED_ACCOUNT",
        "SAVED_BALANCE",
        "SAVED_BANK_ACCOUNT",
        "SAVED_POOL",
        "DELETED_POOL",
        "SAVED_TRANSFER_INITIATION",
        "DELETED_TRANSFER_INITIATION",
        "SAVED_PAYMENT_INITIATION",
        "CONNECTOR_RESET",
        # orchestration
        "STARTED_WORKFLOW",
        "SUCCEEDED_WORKFLOW",
        "FAILED_WORKFLOW",
        "STARTED_WORKFLOW_STAGE",
        "SUCCEEDED_WORKFLOW_STAGE",
        "FAILED_WORKFLOW_STAGE",
        "SUCCEEDED_TRIGGER",
        "FAILED_TRIGGER",
    }
)
