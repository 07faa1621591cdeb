"""The public tracking address of a case and its QR code, as printed on paper."""

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe


def public_base(fallback: str) -> str:
    """Return the public site's address printed on paper: the setting, else `fallback`."""
    return str(settings.XINFANG_PUBLIC_URL or fallback)


def tracking_url(code: str, *, base: str) -> str:
    """Return the public page that follows the case of `code`, on the site at `base`."""
    return f"{base.rstrip('/')}{reverse('portal:track')}?{urlencode({'code': code})}"


def qr_svg(url: str) -> SafeString:
    """Return `url` as a QR code in inline SVG (medium error correction, for worn paper).

    The SVG has a viewBox and no width or height of its own, so the page's stylesheet
    scales the whole code to the size it prints at (a fixed size would be cropped).
    """
    svg = segno.make(url, error="m").svg_inline(title=url, omitsize=True)
    # segno writes the SVG itself and escapes the title; nothing else goes in.
    return mark_safe(svg)
