"""The merit labels (有理有序 / 有理无序 / 无理无序) as the office words them.

Cases store the stable codes of `petitions.models.Merit`; every page shows the label the
office configured (MeritLabel), else the default. The intake form lies below this app
(petitions may not import it), so `install` gives the form a field that reads them.
"""

from typing import Any, cast

from django import forms

from xinfang.outreach.models import MeritLabel
from xinfang.petitions.models import Merit


def _stored() -> dict[str, str]:
    return dict(MeritLabel.objects.values_list("code", "label"))


def merit_labels() -> dict[str, str]:
    """Return each merit code's label: the office's wording, else the default."""
    stored: dict[str, str] = MeritLabel.memo.get("labels", _stored)
    # The defaults are translated per request, so only the office's wording is kept.
    return {code: stored.get(code) or str(default) for code, default in Merit.choices}


def merit_label(code: str) -> str:
    """Return the label of merit `code`, empty for none."""
    return merit_labels().get(code, "") if code else ""


def merit_choices() -> list[tuple[str, str]]:
    """Return the merit choices of a form: none, then each code with its label."""
    return [("", "—"), *merit_labels().items()]


class MeritField(forms.ChoiceField):
    """The intake form's merit field, its labels read when a form is made from the class.

    The class keeps the default labels, so the API schema built from it at import time
    reads no database.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> "MeritField":
        # Field.__deepcopy__ is Django's, missing from the stubs. Not ChoiceField's, which
        # would copy the class's choices only for them to be replaced here.
        field = cast("MeritField", forms.Field.__deepcopy__(self, memo))  # type: ignore[attr-defined]
        field.choices = merit_choices()
        return field


def install() -> None:
    """Give the intake form's merit field the configured labels."""
    from xinfang.petitions.forms import IntakeForm

    old = IntakeForm.base_fields["merit"]
    field = MeritField(label=old.label, choices=cast(Any, old).choices, required=old.required)
    IntakeForm.base_fields["merit"] = IntakeForm.declared_fields["merit"] = field
