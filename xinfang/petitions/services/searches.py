"""The audit of searches that read personal data: who looked a person up, by what."""

from typing import Any

from django.utils.translation import gettext as _

from xinfang.common.audit import audit_entry, audit_write
from xinfang.petitions.models import Petitioner
from xinfang.petitions.selectors import PersonSearch

_FIELD_LABELS = {"id_number": _("身份证号"), "phone": _("电话"), "name": _("姓名")}


def mask_term(term: str, field: str) -> str:
    """Return a searched identifier as the audit log keeps it: masked like on a page."""
    if field == "id_number":
        return Petitioner(id_number=term).masked_id_number
    if field == "phone":
        return Petitioner(phone=term).masked_phone
    return term


# Not atomic by decorator: most searches write nothing, and audit_write's one INSERT is
# atomic by itself (a transaction here would cost every search two round trips).
def petitioners_searched(*, actor: Any, search: PersonSearch, ip: str | None = None) -> None:
    """Audit a search by a person's identifiers: one entry per person found, else one for the search.

    A search by ID number or phone is recorded even when it finds nobody (the look-up
    itself is a read of personal data); a search by name only when it names someone.
    """
    fields = list(search.fields)
    if not fields:
        return
    label = "、".join(str(_FIELD_LABELS[f]) for f in fields)
    term = mask_term(search.term, fields[0])
    summary = _("按%(by)s检索：%(term)s") % {"by": label, "term": term}
    entries = [
        audit_entry(actor=actor, kind="view_personal", obj=p, fields=fields, summary=summary, ip=ip)
        for p in {p.pk: p for p in search.people}.values()
    ]
    if not entries and search.by_identifier:
        # Nobody found: the entry is about the search, filed under the user who ran it.
        entries.append(
            audit_entry(
                actor=actor,
                kind="view_personal",
                obj=actor,
                fields=fields,
                summary=summary + _("（未找到）"),
                ip=ip,
            )
        )
    audit_write(entries)
