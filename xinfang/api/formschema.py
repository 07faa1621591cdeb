"""API request schemas derived from the Django forms, which hold the one set of field rules.

A form field becomes a schema field of the same name whose OpenAPI description declares
the form's rules: required or not, length, range, date bounds, choices. Pydantic checks
only the JSON type of each field (a list is not a text); every rule beyond the type is
checked by passing the values through the form itself, so a body is refused with the
message the page shows, and what the schema declares can never differ from what is
enforced.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any, cast

from django import forms
from ninja import Schema
from pydantic import ConfigDict, WithJsonSchema

JsonSchema = dict[str, Any]


def _text(value: Any) -> str:
    return str(value) if value else ""


def _described(field: forms.Field, schema: JsonSchema) -> JsonSchema:
    """Return `schema` titled with the field's label, its help text put before the notes."""
    notes = [_text(field.help_text), schema.pop("description", "")]
    described = {"title": _text(field.label), **schema}
    if any(notes):
        described["description"] = "；".join(n for n in notes if n)
    return described


def _bounds(field: Any, low: str, high: str, show: Any = lambda v: v) -> JsonSchema:
    schema: JsonSchema = {}
    if getattr(field, "min_value", None) is not None:
        schema[low] = show(field.min_value)
    if getattr(field, "max_value", None) is not None:
        schema[high] = show(field.max_value)
    return schema


def _choices(field: forms.ChoiceField) -> list[tuple[Any, Any]]:
    return list(cast(Iterable[tuple[Any, Any]], field.choices))


def _is_boolean_choice(field: forms.ChoiceField) -> bool:
    return {str(value) for value, _label in _choices(field)} == {"true", "false"}


def field_schema(field: forms.Field) -> tuple[Any, JsonSchema]:
    """Return the JSON type pydantic checks for `field` and the schema that declares its rules."""
    if hasattr(field, "api_schema"):  # a field that declares its own (forms.CaseNumberField)
        declared: tuple[Any, JsonSchema] = field.api_schema()
        return declared
    if isinstance(field, forms.NullBooleanField):
        return bool, {"type": "boolean"}
    if isinstance(field, forms.BooleanField):
        return bool, {"type": "boolean", "default": False}
    if isinstance(field, forms.ModelChoiceField):
        # Rows are chosen by id; the bounds are declared only where the field checks them.
        return int, {"type": "integer", **_bounds(field, "minimum", "maximum")}
    if isinstance(field, forms.ChoiceField):
        if _is_boolean_choice(field):
            return bool, {"type": "boolean"}
        values = [str(value) for value, _label in _choices(field)]
        labels = "；".join(f"{value}={label}" for value, label in _choices(field) if value)
        return str, {"type": "string", "enum": values, "description": labels}
    if isinstance(field, forms.IntegerField):
        return int, {"type": "integer", **_bounds(field, "minimum", "maximum")}
    if isinstance(field, forms.DateField):
        # JSON Schema has no bounds for dates; formatMinimum/Maximum is the common extension.
        bounds = _bounds(field, "formatMinimum", "formatMaximum", dt.date.isoformat)
        return dt.date, {"type": "string", "format": "date", **bounds}
    if isinstance(field, forms.CharField):
        schema: JsonSchema = {"type": "string"}
        if field.max_length is not None:
            schema["maxLength"] = field.max_length
        if field.required:
            schema["minLength"] = 1
        return str, schema
    raise TypeError(f"no API schema for the form field {type(field).__name__}")


def is_required(field: forms.Field) -> bool:
    """Return whether a body must carry the field: the form requires it and offers no initial."""
    return field.required and field.initial is None


def schema_field(field: forms.Field) -> tuple[Any, Any]:
    """Return the pydantic (annotation, default) of a form field, for a schema's namespace."""
    python_type, schema = field_schema(field)
    # null is taken as "not given", as a blank field of the page: the form then refuses
    # a required one in its own words, which is why pydantic must not refuse it first.
    return Annotated[python_type | None, WithJsonSchema(_described(field, schema))], field.initial


def _with_required(required: list[str], extra: JsonSchema) -> Any:
    def amend(schema: JsonSchema) -> None:
        if required:
            schema["required"] = [*schema.get("required", ()), *required]
        schema.update(extra)

    return amend


def schema_from_form(
    form_class: type[forms.Form],
    *,
    name: str,
    exclude: tuple[str, ...] = (),
    extra: dict[str, tuple[Any, Any]] | None = None,
    json_schema_extra: JsonSchema | None = None,
    doc: str | None = None,
) -> type[Schema]:
    """Return a body or query schema with one field per form field, declaring the form's rules.

    `extra` adds fields the form does not have, as pydantic (annotation, default) pairs:
    a list of nested persons, or a parameter of the API alone.
    """
    fields: dict[str, tuple[Any, Any]] = {}
    must: list[str] = []
    for field_name, field in form_class.base_fields.items():
        if field_name in exclude:
            continue
        fields[field_name] = schema_field(field)
        if is_required(field):
            must.append(field_name)
    fields.update(extra or {})
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__doc__": doc or f"{form_class.__name__} 的字段。",
        "__annotations__": {k: annotation for k, (annotation, _) in fields.items()},
        **{k: default for k, (_, default) in fields.items()},
        # An unknown key is refused rather than silently dropped.
        "model_config": ConfigDict(
            extra="forbid", json_schema_extra=_with_required(must, json_schema_extra or {})
        ),
    }
    return cast(type[Schema], type(name, (Schema,), namespace))


def _form_value(value: Any) -> Any:
    # Django's choice fields compare strings: JSON true must arrive as the form's "true".
    return str(value).lower() if isinstance(value, bool) else value


def form_data(payload: Schema) -> dict[str, Any]:
    """Return a parsed body or query as a form's data; a list of rows stays a list of dicts."""
    return {k: _form_value(v) for k, v in payload.model_dump().items()}


def formset_data(prefix: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a list of rows as the data of a formset with `prefix`."""
    data: dict[str, Any] = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0}
    for i, row in enumerate(rows):
        data |= {f"{prefix}-{i}-{k}": _form_value(v) for k, v in row.items()}
    return data
