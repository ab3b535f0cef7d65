"""Engine outcomes → native statuses and the native error envelope (DESIGN §5.1)."""

from rest_framework import status

from contacts.api.errors import CODES_BY_STATUS, NativeError, envelope, native_exception_handler, summarize
from contacts.dialects.native.wire import pointer_for
from contacts.dialects.refusals import Refusals
from contacts.services import BatchTooLarge, ItemResult, Problem, ProblemCode, UpdateRejected


def errors_by_pointer(problems: tuple[Problem, ...], *, operations_at: str = "") -> dict[str, list[str]]:
    """Messages by JSON Pointer; ``operations_at`` is where the operations sit in the body
    (``/operations`` in an OPS batch item; the body itself in a single OPS PATCH)."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        pointer = pointer_for(problem)
        if problem.location[:1] == ("operations",):
            pointer = operations_at + pointer
        errors.setdefault(pointer, []).append(problem.message)
    return errors


def error_for_result(result: ItemResult) -> NativeError:
    """404 for an unknown contact, 412 for a stale If-Match, 409 for an external id taken
    on creation, else 400 with every problem."""
    if result.has(ProblemCode.NOT_FOUND):
        return NativeError(status_code=status.HTTP_404_NOT_FOUND, code="NOT_FOUND", message="Contact not found.")
    if result.has(ProblemCode.VERSION_MISMATCH):
        [problem] = [p for p in result.problems if p.code == ProblemCode.VERSION_MISMATCH]
        return NativeError(
            status_code=status.HTTP_412_PRECONDITION_FAILED, code="PRECONDITION_FAILED", message=problem.message
        )
    errors = errors_by_pointer(result.problems)
    conflict = next((p for p in result.problems if p.code == ProblemCode.EXTERNAL_ID_TAKEN), None)
    if conflict is not None and result.contact_id is None and len(result.problems) == 1:
        return NativeError(
            status_code=status.HTTP_409_CONFLICT,
            code="CONFLICT",
            message=conflict.message,
            errors=errors,
            extra={"existingId": conflict.detail.get("existing_id")},
        )
    return NativeError(
        status_code=status.HTTP_400_BAD_REQUEST, code="VALIDATION_ERROR", message=summarize(errors), errors=errors
    )


def native_contact_exception_handler(exc: Exception, context: dict):
    """The native handler, taught the engine's exceptions."""
    if isinstance(exc, UpdateRejected):
        exc = error_for_result(exc.result)
    elif isinstance(exc, BatchTooLarge):
        exc = NativeError(
            status_code=status.HTTP_400_BAD_REQUEST, code="VALIDATION_ERROR", message=str(exc), errors={"": [str(exc)]}
        )
    return native_exception_handler(exc, context)


def refusal(status_code: int, message: str) -> dict:
    """A refusal outside the update rules in the native envelope."""
    return envelope(status_code=status_code, code=CODES_BY_STATUS.get(status_code, "ERROR"), message=message)


#: The native envelope also answers every path no other dialect owns (its views use DRF's
#: exception handler, taught the engine's exceptions above).
REFUSALS = Refusals(name="native", prefix="/rest/", body=refusal)
