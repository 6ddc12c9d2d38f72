"""API errors, rendered the way the Formance service renders them."""

from __future__ import annotations

from orchctl.sandbox.messages import Response

VALIDATION = "VALIDATION"
NOT_FOUND = "NOT_FOUND"
INTERNAL = "INTERNAL"

NO_ROWS = "sql: no rows in result set"

_STATUS = {VALIDATION: 400, NOT_FOUND: 404, INTERNAL: 500}


class ApiError(Exception):
    """An error answer: ``{"errorCode": ..., "errorMessage": ...}`` with its status."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status if status is not None else _STATUS[code]

    def response(self) -> Response:
        return Response.json(self.status, {"errorCode": self.code, "errorMessage": self.message})


def validation(message: str) -> ApiError:
    return ApiError(VALIDATION, message)


def not_found(message: str = NO_ROWS) -> ApiError:
    return ApiError(NOT_FOUND, message)


def internal(message: str) -> ApiError:
    return ApiError(INTERNAL, message)


class Unauthorized(Exception):
    """Any authentication or scope failure: 401 with an empty body."""
