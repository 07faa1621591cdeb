"""The upload form of the import page: the file, and a shipped mapping or an edited one."""

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from xinfang.ledger_import.mapping import MappingError, parse_mapping

EXAMPLES_DIR = Path(settings.BASE_DIR) / "docs" / "examples"


def shipped_mappings() -> dict[str, str]:
    """Return the mappings the project ships (docs/examples/*.json), by name."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(EXAMPLES_DIR.glob("*.json"))}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("台账文件（CSV 或 Excel .xlsx，不超过 50 MB）"))
    mapping = forms.CharField(
        label=_("映射（JSON）"),
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "mono"}),
        help_text=_(
            "先在上方选择项目自带的映射并“载入”，再按文件的列名修改；格式见 docs/import.md。"
        ),
    )

    def clean_mapping(self) -> str:
        text: str = self.cleaned_data["mapping"]
        try:
            parse_mapping(text)
        except MappingError as e:
            raise forms.ValidationError(str(e)) from None
        return text


class StartForm(forms.Form):
    skip_invalid = forms.BooleanField(
        label=_("跳过有误的行，只导入无误的行（有误的行及原因另存为 CSV）"), required=False
    )


def example_choices() -> list[tuple[str, Any]]:
    return [(name, name) for name in shipped_mappings()]
