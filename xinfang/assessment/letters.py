"""A responsibility letter (目标责任书) as an official document: printable HTML and PDF.

The layout follows the red-header style of government documents (GB/T 9704): the issuing
unit in red over a red rule, the title, the parties, the targets, the duties, and a
signature block for both parties. The caller checks access.
"""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from xinfang.assessment import kpis
from xinfang.assessment.models import ResponsibilityLetter


def _target_text(kpi: str, target: Any) -> str:
    spec = kpis.BY_KEY[kpi]
    if spec.kind == kpis.Kind.RATE:
        return f"{float(target) * 100:g}%"
    return f"{int(target)}"


def render_letter_html(letter: ResponsibilityLetter) -> str:
    """Return the letter as a standalone printable page."""
    targets = [
        (
            kpis.BY_KEY[t.kpi].label,
            kpis.BY_KEY[t.kpi].kind == kpis.Kind.RATE,
            _target_text(t.kpi, t.target),
        )
        for t in letter.targets.all()
    ]
    return render_to_string(
        "assessment/letter_document.html", {"letter": letter, "targets": targets}
    )


def render_letter_pdf(letter: ResponsibilityLetter) -> bytes:
    """Return the letter as an A4 PDF with its CJK font embedded."""
    pdf: bytes = HTML(
        string=render_letter_html(letter), base_url=str(settings.BASE_DIR)
    ).write_pdf()
    return pdf
