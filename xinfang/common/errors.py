"""Domain refusals.

Services raise these; views map them once to form errors, the API to 4xx JSON with the
`code` as the machine-readable reason. Messages are user-facing and translated.
"""


class DomainError(Exception):
    """A request the domain refuses; nothing has been written."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class NotFound(DomainError):
    """The object does not exist or the user may not see it (one answer for both)."""

    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    """The user may see the object but not do this to it."""

    code = "permission_denied"
    status = 403


class ValidationFailed(DomainError):
    """Input that breaks a rule of the domain."""

    code = "invalid"
    status = 400


class ActionNotAllowed(ValidationFailed):
    """The action is not one the case's current status allows."""

    code = "transition_not_allowed"


class Conflict(DomainError):
    """Someone else changed the object since the user loaded it."""

    code = "conflict"
    status = 409
