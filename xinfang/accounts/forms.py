"""The login forms: Django's, refusing input no account can have before anything looks it up.

Django sets the username's maximum length on its login form without enforcing it, and
takes any string as a password; a 1,000-character name then overflows django-axes's
attempt record, and a lone surrogate cannot be hashed or stored, both server errors.
"""

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# A password longer than this is no one's; it would only cost hashing time.
PASSWORD_MAX_LENGTH = 4096


def _encodable(value: str) -> None:
    try:
        value.encode()
    except UnicodeEncodeError:
        raise forms.ValidationError(_("含有无法识别的字符。"), code="invalid") from None


class _Bounded:
    """Refuse an over-long or unencodable username or password before authenticate() runs."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators += [MaxLengthValidator(username.max_length), _encodable]  # type: ignore[attr-defined]
        self.fields["password"].validators += [
            MaxLengthValidator(PASSWORD_MAX_LENGTH),
            _encodable,
        ]


class LoginForm(_Bounded, AuthenticationForm):
    """The login page's and the token endpoint's form."""


class AdminLoginForm(_Bounded, AdminAuthenticationForm):
    """The admin's login form."""
