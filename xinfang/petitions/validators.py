"""Validators of personal identifiers, text and bounds, used by forms, the API and services alike."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
# A lone UTF-16 surrogate decodes from JSON ("\\ud800") but no database can store it.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")

# A case number as people write it: XF2026-0000302, 2026-0000302, 0000302 or 302.
CASE_NUMBER = re.compile(r"^(?:XF)?(?:\d{4}-)?0*(\d{1,18})$", re.IGNORECASE)
# Every id is a positive 63-bit integer: a larger one overflows the database's column.
MAX_ID = 2**63 - 1
# The years a date of this work can fall in; outside them date arithmetic overflows.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)


def validate_text(value: str) -> None:
    """Reject NUL characters and lone surrogates, which no database column can hold."""
    if "\x00" in value:
        raise ValidationError(
            _("不能包含空字符（NUL），请删除后重新填写。"), code="null_characters"
        )
    if _SURROGATE_RE.search(value):
        raise ValidationError(
            _("含有无法识别的字符（不成对的代理码位），请删除后重新填写。"), code="surrogates"
        )


def validate_date_range(value: dt.date) -> None:
    """Reject a date outside the years 1900–2100."""
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValidationError(
            _("日期应在%(min)s至%(max)s之间。") % {"min": MIN_DATE, "max": MAX_DATE},
            code="date_range",
        )


def id_check_digit(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    return value.strip().upper()


def validate_id_number(value: str) -> None:
    """Reject anything but an 18-character resident ID with a valid date and check digit."""
    value = normalize_id_number(value)
    if not _ID_RE.match(value):
        raise ValidationError(
            _("身份证号应为18位，前17位为数字，末位为数字或X。"), code="id_format"
        )
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="id_birth") from None
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对。"), code="id_check")


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s()]", "", value).removeprefix("+86")


def validate_phone(value: str) -> None:
    """Accept a mainland mobile number or a landline with its area code."""
    value = normalize_phone(value)
    if not (_MOBILE_RE.match(value) or _LANDLINE_RE.match(value)):
        raise ValidationError(
            _("电话号码格式不正确：手机号为11位，固定电话需带区号（如0571-87654321）。"),
            code="phone",
        )
