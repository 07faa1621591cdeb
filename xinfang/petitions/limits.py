"""The time limits in force: the rule set's rows (admin-editable) over the statutory defaults."""

from xinfang.petitions import deadlines
from xinfang.petitions.models import TimeLimitRule

K = TimeLimitRule.Key

# The statutory defaults; a TimeLimitRule row, when present, overrides its key.
DEFAULT_LIMITS: dict[str, deadlines.TimeLimit] = {
    K.ROUTE: deadlines.TimeLimit(15),
    K.OBJECTION: deadlines.TimeLimit(5, working_days=True),
    K.HANDLE: deadlines.TimeLimit(60),
    K.EXTENSION_MAX: deadlines.TimeLimit(30),
    K.REVIEW_REQUEST: deadlines.TimeLimit(30),
    K.REVIEW_ANSWER: deadlines.TimeLimit(30),
    K.REREVIEW_REQUEST: deadlines.TimeLimit(30),
    K.REREVIEW_ANSWER: deadlines.TimeLimit(30),
    K.FOLLOW_UP_WINDOW: deadlines.TimeLimit(90),
}


def time_limits() -> dict[str, deadlines.TimeLimit]:
    """Return every time limit in force, the rule set's rows over the defaults."""

    def read() -> dict[str, deadlines.TimeLimit]:
        rows = TimeLimitRule.objects.values_list("key", "days", "working_days")
        return DEFAULT_LIMITS | {k: deadlines.TimeLimit(d, w) for k, d, w in rows}

    return dict(TimeLimitRule.memo.get(None, read))
