"""The files `orchctl init` writes: a small project that validates and tests cleanly."""

from __future__ import annotations

SCAFFOLD: dict[str, str] = {
    "orchctl.yaml": """\
# orchctl project settings.
# namespace: payments      # prefix of managed names on the stack; needed for --prune
environments:
  local:                   # no url: the embedded sandbox, state kept under .orchctl/
    params:
      asset: USD/2
  # production:
  #   url: https://ORGANIZATION-STACK.REGION.formance.cloud
  #   params:
  #     asset: USD/2
  # Credentials never go in this file: orchctl reads FORMANCE_STACK_CLIENT_ID and
  # FORMANCE_STACK_CLIENT_SECRET (or FORMANCE_STACK_TOKEN) from the environment.
""",
    "workflows/payin-to-wallet.yaml": """\
kind: Workflow
name: payin-to-wallet
description: Credit a customer's wallet when their pay-in succeeds.
stages:
  - send:
      source:
        payment:
          id: "${paymentID}"
      destination:
        wallet:
          id: "${walletID}"
      amount:
        amount: "${amount}"
        asset: "{{ params.asset }}"
""",
    "triggers/credit-wallet-on-payin.yaml": """\
kind: Trigger
name: credit-wallet-on-payin
workflow: payin-to-wallet
event: SAVED_PAYMENT
filter: event.status == "SUCCEEDED" && event.type == "PAY-IN"
vars:
  paymentID: event.id
  walletID: event.metadata.walletID
  amount: event.amount
tests:
  - name: a succeeded pay-in credits the wallet
    event: {id: p1, status: SUCCEEDED, type: PAY-IN, amount: 100, metadata: {walletID: w1}}
    expect: {match: true, vars: {paymentID: p1, walletID: w1, amount: "100"}}
  - name: a failed pay-in is ignored
    event: {id: p2, status: FAILED, type: PAY-IN, amount: 100, metadata: {walletID: w1}}
    expect: {match: false}
""",
}

GITIGNORE = ".orchctl/\n"
