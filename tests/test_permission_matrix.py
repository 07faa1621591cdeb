"""The permission matrix: every page and API operation × every role × an own, a foreign
and an accused-unit object, with the expected answer in one table (`TABLE`).

The URLs come from the resolver itself (pages by `namespace:name`, API operations by
`METHOD /path` from ninja's path views), so a new URL without a row, or a row whose URL is
gone, fails `test_every_url_has_a_row_and_every_row_a_url`. The Django admin is a block:
staff only, checked over all its parameterless pages plus a few representative rows.

Objects, chosen per role as that role meets them (`NATURAL`):

- own: a case assigned to 湖滨花园社区 by the street's office (all roles see it);
- foreign: a case of the next community (community users), of another street (street
  users) or of another district (district users) — the answer must be the one for an id
  that does not exist;
- accused: a complaint naming the user's own unit (or one above it) as the accused unit
  and handled there, with a letter attached: the case is visible, who complained is not
  (Regulations, Art. 46).

The petitioner page takes the case's petitioner, the download the case's attachment.
Beside the table, every answer is held to the rules no table may override: no 500; a
foreign object answers exactly as a missing one; the accused unit never gets a page that
shows who complained, and no response for a foreign or accused object names the
petitioner; anonymous users go to the login page or get 401; and a POST on an object by
anonymous users or the read-only auditor leaves the object as it was (its fields and the
rows pointing at it), so a redirect that answers a refusal and a step alike still tells.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin as django_admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from ninja.operation import PathView

from config import urls as root_urls
from xinfang.accounts.models import ApiToken
from xinfang.api.urls import api
from xinfang.assessment import services as assessment_services
from xinfang.assessment.kpis import Period
from xinfang.assessment.models import Assessment, Scheme, SpotCheck
from xinfang.assessment.tests.factories import scheme
from xinfang.common import clock
from xinfang.early_warnings.briefing import figures
from xinfang.early_warnings.models import Briefing, Dispute, KeyPerson, KeyProject
from xinfang.early_warnings.services import alert_raise
from xinfang.ledger_import.models import ImportJob
from xinfang.organization.models import Unit
from xinfang.organization.tests.factories import UnitFactory, UserFactory
from xinfang.outreach.models import EventPhoto, PublicityEvent, Training
from xinfang.petitions import services
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.notices import format_query_code
from xinfang.petitions.tests.factories import act, register
from xinfang.petitions.workflow import Action
from xinfang.portal import services as portal_services
from xinfang.reception.models import ReceptionDay, ReceptionSlot

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "registrar", "handler", "unit_leader", "leading_group", "auditor", "admin")
KINDS = ("own", "foreign", "accused")
PASSWORD = "pw-for-tests"  # the user factory's
MISSING = 999_999
# The action the action URLs are called with: a step of the handling unit, open in the
# own and the accused case of the community users, and nobody else's.
ACTION = Action.RECORD_HANDLING
NOTICE = "acceptance"


def _bearer(user: Any) -> str:
    """Return a bearer token for `user` (one line to adapt if the token model changes)."""
    return ApiToken.issue(user)


# ---------------------------------------------------------------- cells of the table

# An expected answer: a status code, or one of these.
LOGIN = "login"  # 302 to the login page
STAFF = "staff"  # 302 to the admin's login page: staff only
# A step through the API on a case the user sees, answered by the step's own rules: the
# case as it is now (200), or a refusal of the step or its input (400, 403) — anything
# but "not found", which only a case the user may not see gets.
FOUND = "found"
REFUSALS = frozenset({401, 403, 404, 405, LOGIN, STAFF})

Answer = int | str


@dataclass(frozen=True)
class Bug:
    """A cell whose right answer the code does not give yet: xfail(strict) with a reason."""

    answer: Answer
    reason: str


Cell = Answer | Bug | tuple[Answer | Bug, Answer | Bug, Answer | Bug]

# Per object kind (own, foreign, accused), the common shapes:
SEE = (200, 404, 200)  # the case itself: the accused unit sees it (without the identity)
HIDDEN = (200, 404, 404)  # shows who complained: never to the accused unit
DONE = (302, 404, 302)  # a step taken on a case the user sees: back to the case page
FORM = (400, 404, 400)  # a step refused on a case the user sees: the page with the reason
TAKEN = (200, 404, 200)  # the same through the API: the case as it is now
REFUSED = (403, 404, 403)  # a step refused through the API: 403, once the case is found


@dataclass(frozen=True)
class Row:
    method: str
    cells: tuple[Cell, ...]  # one per role, in ROLES order
    # Which object the path's `pk` names: the case, its petitioner, an assessment, its
    # alert, dispute, key person, daily briefing or key project, a publicity page, an import
    # job or an assessment scheme; outreach's publicity event (its photo by `photo_pk`) or
    # training; or a reception day.
    of: str = "case"
    query: Callable[["Target"], dict[str, Any]] | None = None
    body: Callable[[Any, "Target"], dict[str, Any]] | None = None
    # Open to anonymous users (the login page, the public lookup, the API's schema).
    public: bool = False
    # Shows who the petitioner is: never a 200 to the accused unit (Art. 46).
    identity: bool = False
    # Called with a token of its own (revoking it must not end the module's tokens).
    own_token: bool = False


def row(method: str, *cells: Cell, **options: Any) -> Row:
    assert len(cells) == len(ROLES), f"a row needs one cell per role: {ROLES}"
    return Row(method, cells, **options)


def _phone(t: "Target") -> dict[str, Any]:
    return {"phone": t.phone}


def _suggest(t: "Target") -> dict[str, Any]:
    return {"petition": t.case}


def _kpi(t: "Target") -> dict[str, Any]:
    return {"kpi": "registered"}


def _credentials(user: Any, t: "Target") -> dict[str, Any]:
    if user is None:
        return {"username": "nobody", "password": "wrong"}
    return {"username": user.username, "password": PASSWORD}


def _new_petition(user: Any, t: "Target") -> dict[str, Any]:
    return {
        "channel": "visit",
        "title": "矩阵登记",
        "content": "矩阵登记内容",
        "is_anonymous": True,
    }


def _handling(user: Any, t: "Target") -> dict[str, Any]:
    version = Petition.objects.filter(pk=t.case).values_list("version", flat=True).first()
    return {"note": "矩阵办理记录", "version": version or 0}


def _new_person(user: Any, t: "Target") -> dict[str, Any]:
    return {"name": "矩阵建档"}


# early_warnings api: a note on an alert, a dispute and a key person of the user's unit.
def _note(user: Any, t: "Target") -> dict[str, Any]:
    return {"note": "矩阵处置说明"}


def _new_dispute(user: Any, t: "Target") -> dict[str, Any]:
    return {
        "title": "矩阵纠纷", "kind": "other", "place": "矩阵", "parties": "甲；乙",
        "people_involved": 2, "risk_level": "low", "risk_reason": "矩阵",
        "owner_unit": user.unit_id if user else None,
    }  # fmt: skip


def _new_key_person(user: Any, t: "Target") -> dict[str, Any]:
    return {
        "name": "矩阵人员", "reason": "at_risk", "level": "normal", "cadence_days": 14,
        "owner_unit": user.unit_id if user else None,
    }  # fmt: skip


# Every other action's operation is the same view built for its own body: found or not
# found as the case is, refused to the read-only auditor before the case is looked up.
_F = (FOUND, 404, FOUND)
# fmt: off
ACTION_ROW = row("POST", 401, _F, _F, _F, _F, 403, _F, body=_handling)
# fmt: on

# One row per URL (page by name, API operation by method and path), one cell per role:
# the answer for each of its objects (own, foreign, accused), or one answer for all
# three, or for a URL that names no object.
# fmt: off
TABLE: dict[str, Row] = {
    # url                                   method       anonymous  registrar  handler   unit_leader  leading_group  auditor   admin
    # ---- work pages (login; the case pages take the case, the petitioner page its petitioner)
    "petitions:workbench":                  row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    "petitions:petition_list":              row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    "petitions:petition_create":            row("GET",   LOGIN,     200,       404,      404,         200,           404,      200),
    # The intake match panel looks the object's petitioner up by phone: an empty panel for
    # people out of scope (the no-secret rule checks it).
    "petitions:petitioner_match":           row("GET",   LOGIN,     200,       404,      404,         200,           404,      200, query=_phone),
    "petitions:petition_detail":            row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           SEE,      SEE),
    # Recording handling is the handling unit's step; whoever else sees the case gets the
    # case page back with the refusal (400).
    "petitions:petition_act":               row("POST",  LOGIN,     FORM,      DONE,     DONE,        FORM,          FORM,     FORM, body=_handling),
    # No file sent: a message on the case page, the read-only auditor's refusal too (the
    # case unchanged, which every POST of the auditor's is held to).
    "petitions:petition_attach":            row("POST",  LOGIN,     DONE,      DONE,     DONE,        DONE,          DONE,     DONE),
    "petitions:attachment_download":        row("GET",   LOGIN,     HIDDEN,    HIDDEN,   HIDDEN,      HIDDEN,        HIDDEN,   HIDDEN, identity=True),
    "petitions:notice_html":                row("GET",   LOGIN,     HIDDEN,    HIDDEN,   HIDDEN,      HIDDEN,        HIDDEN,   HIDDEN, identity=True),
    "petitions:notice_pdf":                 row("GET",   LOGIN,     HIDDEN,    HIDDEN,   HIDDEN,      HIDDEN,        HIDDEN,   HIDDEN, identity=True),
    "petitions:receipt":                    row("GET",   LOGIN,     HIDDEN,    HIDDEN,   HIDDEN,      HIDDEN,        HIDDEN,   HIDDEN, identity=True),
    "petitions:petitioner_detail":          row("GET",   LOGIN,     HIDDEN,    HIDDEN,   HIDDEN,      HIDDEN,        HIDDEN,   HIDDEN, of="person", identity=True),
    # The leader's own page (领导包案): only the roles that may hold a case personally.
    "petitions:leader_cases":               row("GET",   LOGIN,     403,       403,      200,         200,           403,      403),
    "routing:suggest":                      row("GET",   LOGIN,     SEE,       404,      404,         SEE,           404,      SEE, query=_suggest),
    "early_warnings:similar_panel":         row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           SEE,      SEE),
    "routing:acceptance":                   row("GET",   LOGIN,     200,       404,      404,         200,           200,      200),
    # ---- early_warnings: the alerts, scoped by their owner unit like cases; a step on an
    # alert the user sees comes back to its page (refusals as a message, the auditor's too).
    "early_warnings:alert_list":            row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    "early_warnings:alert_detail":          row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           SEE,      SEE, of="alert"),
    "early_warnings:alert_acknowledge":     row("POST",  LOGIN,     DONE,      DONE,     DONE,        DONE,          DONE,     DONE, of="alert"),
    "early_warnings:alert_act":             row("POST",  LOGIN,     DONE,      DONE,     DONE,        DONE,          DONE,     DONE, of="alert"),
    "early_warnings:alert_close":           row("POST",  LOGIN,     DONE,      DONE,     DONE,        DONE,          DONE,     DONE, of="alert"),
    # The registers, scoped like cases; the read-only auditor has no forms (404), and an
    # addition to an entry comes back to its page (refusals as a message). Sensitive
    # periods are the street's: everyone reads them, the office enters them.
    "early_warnings:dispute_list":          row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    "early_warnings:dispute_create":        row("GET",   LOGIN,     200,       200,      200,         200,           404,      200),
    "early_warnings:dispute_detail":        row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           SEE,      SEE, of="dispute"),
    "early_warnings:dispute_edit":          row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           404,      SEE, of="dispute"),
    "early_warnings:dispute_visit":         row("POST",  LOGIN,     DONE,      DONE,     DONE,        DONE,          DONE,     DONE, of="dispute"),
    "early_warnings:dispute_link":          row("POST",  LOGIN,     DONE,      DONE,     DONE,        DONE,          DONE,     DONE, of="dispute"),
    "early_warnings:key_person_list":       row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    "early_warnings:key_person_create":     row("GET",   LOGIN,     200,       200,      200,         200,           404,      200),
    "early_warnings:key_person_detail":     row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           SEE,      SEE, of="key_person"),
    "early_warnings:key_person_edit":       row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           404,      SEE, of="key_person"),
    "early_warnings:key_person_contact":    row("POST",  LOGIN,     DONE,      DONE,     DONE,        DONE,          DONE,     DONE, of="key_person"),
    "early_warnings:key_person_confirm":    row("POST",  LOGIN,     DONE,      DONE,     DONE,        DONE,          DONE,     DONE, of="key_person"),
    "early_warnings:project_list":          row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    "early_warnings:project_create":        row("GET",   LOGIN,     200,       200,      200,         200,           404,      200),
    "early_warnings:project_detail":        row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           SEE,      SEE, of="project"),
    "early_warnings:project_link":          row("POST",  LOGIN,     DONE,      DONE,     DONE,        DONE,          DONE,     DONE, of="project"),
    "early_warnings:screening":             row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    "early_warnings:period_list":           row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    # ---- early_warnings (similar): the hot-issue page, read within the user's own scope.
    "early_warnings:hot_issue_list":        row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    # The daily briefing is the leaders' (and the auditor's) of units in their subtree; a
    # street's or district's leaders generate theirs (a community's leader has none).
    "early_warnings:briefing_list":         row("GET",   LOGIN,     404,       404,      200,         200,           200,      200),
    "early_warnings:briefing_generate":     row("POST",  LOGIN,     404,       404,      404,         302,           404,      302),
    "early_warnings:briefing_detail":       row("GET",   LOGIN,     404,       404,      SEE,         SEE,           SEE,      SEE, of="briefing"),
    "early_warnings:briefing_pdf":          row("GET",   LOGIN,     404,       404,      SEE,         SEE,           SEE,      SEE, of="briefing"),
    # The leaders' dashboard (auditors read it too) and the cases behind one of its figures.
    "assessment:dashboard":                 row("GET",   LOGIN,     404,       404,      200,         200,           200,      200),
    "assessment:cases":                     row("GET",   LOGIN,     200,       200,      200,         200,           200,      200, query=_kpi),
    # ---- assessment (branch acct): schemes and runs for the leading group, admins and
    # auditors; a unit reads its own row (the assessment objects: of="assessment").
    "assessment:scheme_list":               row("GET",   LOGIN,     404,       404,      404,         200,           200,      200),
    # Editing and copying schemes (branch acct): the leading group and admins; schemes
    # are the office's, not a unit's (of="scheme": the own assessment's, a missing one as
    # the foreign object). A copy without a year comes back to the list with the reason.
    "assessment:scheme_create":             row("GET",   LOGIN,     404,       404,      404,         200,           404,      200),
    "assessment:scheme_edit":               row("GET",   LOGIN,     404,       404,      404,         SEE,           404,      SEE, of="scheme"),
    "assessment:scheme_copy":               row("POST",  LOGIN,     404,       404,      404,         DONE,          404,      DONE, of="scheme"),
    "assessment:assessment_list":           row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    "assessment:assessment_run":            row("POST",  LOGIN,     404,       404,      404,         400,           404,      400),
    "assessment:assessment_detail":         row("GET",   LOGIN,     404,       SEE,      SEE,         SEE,           SEE,      SEE, of="assessment"),
    "assessment:assessment_recompute":      row("POST",  LOGIN,     404,       REFUSED,  REFUSED,     DONE,          REFUSED,  DONE, of="assessment"),
    "assessment:assessment_freeze":         row("POST",  LOGIN,     404,       REFUSED,  REFUSED,     DONE,          REFUSED,  DONE, of="assessment"),
    "assessment:accountability_list":       row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    "assessment:accountability_create":     row("GET",   LOGIN,     404,       404,      404,         200,           404,      200),
    "assessment:case_accountability":       row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           SEE,      SEE),
    # Responsibility letters (of="letter"): every unit reads its own and those below; the
    # leading group and admins above a unit draft it, set its targets and record signing.
    "assessment:letter_list":               row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    "assessment:letter_create":             row("POST",  LOGIN,     404,       404,      404,         400,           404,      400),
    "assessment:letter_detail":             row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           SEE,      SEE, of="letter"),
    "assessment:letter_targets":            row("POST",  LOGIN,     REFUSED,   REFUSED,  REFUSED,     DONE,          REFUSED,  DONE, of="letter"),
    "assessment:letter_sign":               row("POST",  LOGIN,     REFUSED,   REFUSED,  REFUSED,     DONE,          REFUSED,  DONE, of="letter"),
    "assessment:letter_pdf":                row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           SEE,      SEE, of="letter"),
    # Spot checks (of="spotcheck"): drawn and scored by the leading group and admins, read
    # by auditors; units are not shown the draw.
    "assessment:spot_check_list":           row("GET",   LOGIN,     404,       404,      404,         200,           200,      200),
    "assessment:spot_check_draw":           row("POST",  LOGIN,     404,       404,      404,         400,           404,      400),
    "assessment:spot_check_detail":         row("GET",   LOGIN,     404,       404,      404,         SEE,           SEE,      SEE, of="spotcheck"),
    "assessment:spot_check_score":          row("POST",  LOGIN,     404,       404,      404,         DONE,          REFUSED,  DONE, of="spotcheck"),
    # Reports: the dashboard's figures as Excel and PDF, the ranking table as Excel.
    "assessment:report_xlsx":               row("GET",   LOGIN,     404,       404,      200,         200,           200,      200),
    "assessment:report_pdf":                row("GET",   LOGIN,     404,       404,      200,         200,           200,      200),
    "assessment:assessment_xlsx":           row("GET",   LOGIN,     404,       SEE,      SEE,         SEE,           SEE,      SEE, of="assessment"),
    # ---- outreach: publicity events and trainings (of="event", of="training"), scoped by
    # their owner unit like cases (the auditor has no forms); the office's wording of the
    # merit labels and the legal-channel guidance; the case page's conduct panel, which the
    # accused unit gets without the records (the panel names nobody), and its two steps,
    # refusals coming back to the case page as a message.
    "outreach:event_list":                  row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    "outreach:event_create":                row("GET",   LOGIN,     200,       200,      200,         200,           404,      200),
    "outreach:event_detail":                row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           SEE,      SEE, of="event"),
    "outreach:event_edit":                  row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           404,      SEE, of="event"),
    "outreach:photo_download":              row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           SEE,      SEE, of="event"),
    "outreach:training_list":               row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    "outreach:training_create":             row("GET",   LOGIN,     200,       200,      200,         200,           404,      200),
    "outreach:training_detail":             row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           SEE,      SEE, of="training"),
    "outreach:training_edit":               row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           404,      SEE, of="training"),
    "outreach:counts":                      row("GET",   LOGIN,     200,       200,      200,         200,           200,      200),
    "outreach:merit_labels":                row("GET",   LOGIN,     200,       404,      404,         200,           404,      200),
    "outreach:guidance":                    row("GET",   LOGIN,     200,       404,      404,         200,           404,      200),
    "outreach:conduct_panel":               row("GET",   LOGIN,     SEE,       SEE,      SEE,         SEE,           SEE,      SEE),
    "outreach:conduct_create":              row("POST",  LOGIN,     DONE,      DONE,     DONE,        DONE,          DONE,     DONE),
    "outreach:merit_set":                   row("POST",  LOGIN,     DONE,      DONE,     DONE,        DONE,          DONE,     DONE),
    # ---- import (branch import): the ledger import is the petition office's; a job
    # (of="import_job") belongs to the unit that registered the case it is met with, so the
    # accused case's job is the district's: the admin's, no street user's.
    "ledger_import:upload":                 row("GET",   LOGIN,     200,       404,      404,         200,           404,      200),
    "ledger_import:job_detail":             row("GET",   LOGIN,     (200, 404, 404), 404, 404,      (200, 404, 404), 404,    (200, 404, 200), of="import_job"),
    "ledger_import:job_progress":           row("GET",   LOGIN,     (200, 404, 404), 404, 404,      (200, 404, 404), 404,    (200, 404, 200), of="import_job"),
    "ledger_import:job_run":                row("POST",  LOGIN,     (302, 404, 404), 404, 404,      (302, 404, 404), 404,    (302, 404, 302), of="import_job"),
    "ledger_import:job_index":              row("POST",  LOGIN,     (302, 404, 404), 404, 404,      (302, 404, 404), 404,    (302, 404, 302), of="import_job"),
    # ---- open to everyone: the public lookup, login, logout, the language
    "portal:track":                         row("GET",   200,       200,       200,      200,         200,           200,      200, public=True),
    # ---- portal: the public portal (no body: the form's refusal, never a case)
    "portal:home":                          row("GET",   200,       200,       200,      200,         200,           200,      200, public=True),
    "portal:submit":                        row("GET",   200,       200,       200,      200,         200,           200,      200, public=True),
    "portal:otp":                           row("POST",  400,       400,       400,      400,         400,           400,      400, public=True),
    "portal:track_rate":                    row("POST",  400,       400,       400,      400,         400,           400,      400, public=True),
    "portal:track_review":                  row("POST",  400,       400,       400,      400,         400,           400,      400, public=True),
    "portal:track_notice":                  row("POST",  400,       400,       400,      400,         400,           400,      400, public=True),
    # Publicity: read by everyone; written by the petition office (the editor takes ?id=).
    "portal:info":                          row("GET",   200,       200,       200,      200,         200,           200,      200, public=True),
    "portal:info_page":                     row("GET",   SEE,       SEE,       SEE,      SEE,         SEE,           SEE,      SEE, of="page", public=True),
    "portal:manage":                        row("GET",   LOGIN,     200,       404,      404,         200,           404,      200),
    "portal:manage_edit":                   row("GET",   LOGIN,     200,       404,      404,         200,           404,      200),
    "POST /api/v1/public/otp":              row("POST",  400,       400,       400,      400,         400,           400,      400, public=True),
    "POST /api/v1/public/petitions":        row("POST",  400,       400,       400,      400,         400,           400,      400, public=True),
    "GET /api/v1/public/track":             row("GET",   400,       400,       400,      400,         400,           400,      400, public=True),
    "POST /api/v1/public/track/rate":       row("POST",  400,       400,       400,      400,         400,           400,      400, public=True),
    "POST /api/v1/public/track/review":     row("POST",  400,       400,       400,      400,         400,           400,      400, public=True),
    # ---- reception: leaders' reception days (of="reception_day": owned by the case's unit,
    # seen within its subtree like a case). The office schedules and checks in; leaders and
    # auditors read; a step on a day the user sees comes back to its page (refusals as a
    # message). The record is the day's leader's or the office's. The portal's booking pages
    # are public: no slot named (404), no code (400).
    "reception:day_list":                   row("GET",   LOGIN,     200,       404,      200,         200,           200,      200),
    "reception:day_create":                 row("GET",   LOGIN,     200,       404,      404,         200,           404,      200),
    "reception:statistics":                 row("GET",   LOGIN,     200,       404,      200,         200,           200,      200),
    "reception:day_detail":                 row("GET",   LOGIN,     SEE,       404,      SEE,         SEE,           SEE,      SEE, of="reception_day"),
    "reception:day_move":                   row("GET",   LOGIN,     SEE,       404,      404,         SEE,           404,      SEE, of="reception_day"),
    "reception:day_publish":                row("POST",  LOGIN,     DONE,      404,      404,         DONE,          404,      DONE, of="reception_day"),
    "reception:day_cancel":                 row("POST",  LOGIN,     DONE,      404,      404,         DONE,          404,      DONE, of="reception_day"),
    "reception:day_book":                   row("POST",  LOGIN,     DONE,      404,      404,         DONE,          404,      DONE, of="reception_day"),
    "reception:day_mark":                   row("POST",  LOGIN,     DONE,      404,      404,         DONE,          404,      DONE, of="reception_day"),
    "reception:day_walk_in":                row("POST",  LOGIN,     DONE,      404,      404,         DONE,          404,      DONE, of="reception_day"),
    "reception:record_create":              row("GET",   LOGIN,     SEE,       404,      404,         SEE,           404,      SEE, of="reception_day"),
    "portal:reception_days":                row("GET",   200,       200,       200,      200,         200,           200,      200, public=True),
    "portal:reception_book":                row("GET",   404,       404,       404,      404,         404,           404,      404, public=True),
    "portal:reception_otp":                 row("POST",  400,       400,       400,      400,         400,           400,      400, public=True),
    "portal:reception_mine":                row("GET",   200,       200,       200,      200,         200,           200,      200, public=True),
    "portal:reception_change":              row("POST",  400,       400,       400,      400,         400,           400,      400, public=True),
    "accounts:login":                       row("GET",   200,       302,       302,      302,         302,           302,      302, public=True),
    "accounts:logout":                      row("POST",  LOGIN,     LOGIN,     LOGIN,    LOGIN,       LOGIN,         LOGIN,    LOGIN, public=True),
    "set_language":                         row("POST",  302,       302,       302,      302,         302,           302,      302, public=True),
    # ---- the API (a bearer token); its schema and docs are public
    "api:openapi-json":                     row("GET",   200,       200,       200,      200,         200,           200,      200, public=True),
    "api:openapi-view":                     row("GET",   200,       200,       200,      200,         200,           200,      200, public=True),
    "api:api-root":                         row("GET",   404,       404,       404,      404,         404,           404,      404, public=True),
    "POST /api/v1/auth/token":              row("POST",  401,       200,       200,      200,         200,           200,      200, public=True, body=_credentials),
    "POST /api/v1/petitions":               row("POST",  401,       201,       403,      403,         201,           403,      201, body=_new_petition),
    "GET /api/v1/petitions":                row("GET",   401,       200,       200,      200,         200,           200,      200),
    "GET /api/v1/petitions/{petition_id}":  row("GET",   401,       SEE,       SEE,      SEE,         SEE,           SEE,      SEE),
    # The handling unit's step again; the read-only auditor is refused before the case is
    # looked up, alike for every id.
    "POST /api/v1/petitions/{petition_id}/actions/{action}":
                                            row("POST",  401,       REFUSED,   TAKEN,    TAKEN,       REFUSED,       403,      REFUSED, body=_handling),
    **{
        f"POST /api/v1/petitions/{{petition_id}}/actions/{a.value}": ACTION_ROW
        for a in Action
        if a != ACTION
    },
    "POST /api/v1/petitions/{petition_id}/actions/record_handling":
                                            row("POST",  401,       REFUSED,   TAKEN,    TAKEN,       REFUSED,       403,      REFUSED, body=_handling),
    # Revoking ends the token presented (or all of the user's): each call brings its own.
    "POST /api/v1/auth/token/revoke":       row("POST",  401,       200,       200,      200,         200,           200,      200, own_token=True),
    "POST /api/v1/auth/token/revoke-all":   row("POST",  401,       200,       200,      200,         200,           200,      200, own_token=True),
    "GET /api/v1/petitioners":              row("GET",   401,       200,       403,      403,         200,           403,      200, query=_phone),
    "POST /api/v1/petitioners":             row("POST",  401,       200,       403,      403,         200,           403,      200, body=_new_person),
    "GET /api/v1/kpis":                     row("GET",   401,       200,       200,      200,         200,           200,      200),
    "GET /api/v1/petitions/{petition_id}/similar":
                                            row("GET",   401,       SEE,       SEE,      SEE,         SEE,           SEE,      SEE),
    # ---- early_warnings api: alerts and registers, scoped like their pages; a step on an
    # alert the user sees is taken or refused by its own rules (found: the first closes it),
    # and the read-only auditor is refused before anything is looked up.
    "GET /api/v1/alerts":                   row("GET",   401,       200,       200,      200,         200,           200,      200),
    "POST /api/v1/alerts/{alert_id}/acknowledge":
                                            row("POST",  401,       _F,        _F,       _F,          _F,            403,      _F, of="alert", body=_note),
    "POST /api/v1/alerts/{alert_id}/act":   row("POST",  401,       _F,        _F,       _F,          _F,            403,      _F, of="alert", body=_note),
    "POST /api/v1/alerts/{alert_id}/close": row("POST",  401,       _F,        _F,       _F,          _F,            403,      _F, of="alert", body=_note),
    "GET /api/v1/disputes":                 row("GET",   401,       200,       200,      200,         200,           200,      200),
    "POST /api/v1/disputes":                row("POST",  401,       201,       201,      201,         201,           403,      201, body=_new_dispute),
    "GET /api/v1/key-persons":              row("GET",   401,       200,       200,      200,         200,           200,      200),
    "POST /api/v1/key-persons":             row("POST",  401,       201,       201,      201,         201,           403,      201, body=_new_key_person),
    "GET /api/v1/sensitive-periods":        row("GET",   401,       200,       200,      200,         200,           200,      200),
    # ---- early_warnings (similar): the hot issues, read within the user's own scope.
    "GET /api/v1/hot-issues":               row("GET",   401,       200,       200,      200,         200,           200,      200),
    "GET /api/v1/units":                    row("GET",   401,       200,       200,      200,         200,           200,      200),
    "GET /api/v1/routing/acceptance":       row("GET",   401,       200,       403,      403,         200,           200,      200),
    # ---- the Django admin: a block (test_the_admin_is_for_staff_only) and these rows; it is
    # petitions there are scoped by unit like every page, and show no petitioner; its other
    # models (users, units, the audit log) are the administrator's whole register.
    "admin:index":                          row("GET",   STAFF,     STAFF,     STAFF,    STAFF,       STAFF,         STAFF,    200),
    "admin:login":                          row("GET",   200,       200,       200,      200,         200,           200,      302, public=True),
    # Logging out of the admin sends a non-staff user to its index (and so to its login).
    "admin:logout":                         row("POST",  302,       302,       302,      302,         302,           302,      LOGIN, public=True),
    "admin:petitions_petition_changelist":  row("GET",   STAFF,     STAFF,     STAFF,    STAFF,       STAFF,         STAFF,    200),
    "admin:petitions_petition_add":         row("GET",   STAFF,     STAFF,     STAFF,    STAFF,       STAFF,         STAFF,    403),
    "admin:petitions_petition_change":      row("GET",   STAFF,     STAFF,     STAFF,    STAFF,       STAFF,         STAFF,    (200, 302, 200)),
    "admin:petitions_petition_history":     row("GET",   STAFF,     STAFF,     STAFF,    STAFF,       STAFF,         STAFF,    (200, 302, 200)),
    "admin:petitions_petition_delete":      row("GET",   STAFF,     STAFF,     STAFF,    STAFF,       STAFF,         STAFF,    (403, 403, 403)),
    "admin:accounts_user_changelist":       row("GET",   STAFF,     STAFF,     STAFF,    STAFF,       STAFF,         STAFF,    200),
    "admin:common_auditentry_changelist":   row("GET",   STAFF,     STAFF,     STAFF,    STAFF,       STAFF,         STAFF,    200),
}
# fmt: on
ADMIN_BLOCK = "admin"  # the namespace covered as a block rather than row by row

# Which objects each role meets as its own, a foreign and an accused-unit case.
NATURAL: dict[str, tuple[str, str, str]] = {
    "anonymous": ("lakeside", "yashiyuan", "accused_lakeside"),
    "registrar": ("lakeside", "other_street", "accused_street"),
    "handler": ("lakeside", "yashiyuan", "accused_lakeside"),
    "unit_leader": ("lakeside", "yashiyuan", "accused_lakeside"),
    "leading_group": ("lakeside", "other_street", "accused_street"),
    "auditor": ("lakeside", "other_district", "accused_district"),
    "admin": ("lakeside", "other_district", "accused_district"),
}


# ---------------------------------------------------------------- the URLs, from the resolver


@dataclass(frozen=True)
class Url:
    key: str
    namespace: str
    route: str  # "/petitions/<int:pk>/", as the resolver spells it


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Url]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ":".join(n for n in (namespace, p.namespace) if n)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
            continue
        assert isinstance(p, URLPattern)
        route = "/" + prefix + str(p.pattern)
        view = getattr(p.callback, "__self__", None)
        if isinstance(view, PathView):  # one pattern per path, one operation per method
            spelled = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
            for operation in view.operations:
                for method in operation.methods:
                    yield Url(f"{method} {spelled}", namespace, route)
        elif p.name:
            yield Url(":".join(n for n in (namespace, p.name) if n), namespace, route)
        else:
            yield Url(route, namespace, route)


def project_urls() -> dict[str, Url]:
    """Return every URL and API operation of the project by its key in TABLE."""
    return {u.key: u for u in _walk(get_resolver().url_patterns, "", "")}


def _without_rows() -> list[str]:
    """Return the URLs that TABLE has no row for (the admin counts as one block)."""
    urls = project_urls()
    return sorted(k for k, u in urls.items() if u.namespace != ADMIN_BLOCK and k not in TABLE)


def test_every_url_has_a_row_and_every_row_a_url() -> None:
    assert _without_rows() == [], "URLs without a row in TABLE"
    assert sorted(TABLE.keys() - project_urls().keys()) == [], "rows for URLs that are gone"


# The project's URLs and one page more, for the test below.
urlpatterns = [*root_urls.urlpatterns, path("matrix-new/", HttpResponse, name="matrix_new")]


@override_settings(ROOT_URLCONF=__name__)
def test_a_new_url_without_a_row_is_caught() -> None:
    assert _without_rows() == ["matrix_new"]


def test_the_walk_finds_every_operation_of_the_openapi_schema() -> None:
    schema = api.get_openapi_schema(path_params={})
    documented = {
        f"{method.upper()} {where}" for where, ops in schema["paths"].items() for method in ops
    }
    assert documented <= project_urls().keys()


# ---------------------------------------------------------------- the objects


@dataclass(frozen=True)
class Target:
    case: int
    attachment: int
    person: int
    phone: str
    # What no response about this object may contain for a role that must not know it.
    secrets: tuple[str, ...] = ()
    # An assessment and a letter met alongside the case: of the user's own units, or of
    # another district's.
    assessment: int = MISSING
    letter: int = MISSING
    spotcheck: int = MISSING
    scheme: int = MISSING
    # early_warnings: the alert raised on the case, a dispute and a key person, all owned
    # by the case's unit.
    alert: int = 0
    dispute: int = 0
    key_person: int = 0
    briefing: int = 0
    project: int = 0
    # The portal's publicity page (of="page"): published, or a draft for "foreign",
    # which must answer as a page that does not exist.
    page: int = MISSING
    # reception: a reception day owned by the case's unit, held today.
    reception_day: int = 0
    # outreach: a publicity event with a photo and a training, owned by the case's unit.
    event: int = 0
    photo: int = 0
    training: int = 0
    # ledger_import: an import job of the unit that registered the case.
    import_job: int = 0


@dataclass
class World:
    users: dict[str, Any]
    tokens: dict[str, str]
    cases: dict[str, Target]
    pages: dict[str, int]

    def target(self, role: str, kind: str) -> Target:
        """Return the `kind` object of `role`, with what it must not show them."""
        case = replace(self.cases[NATURAL[role][KINDS.index(kind)]], page=self.pages[kind])
        if kind == "accused":
            # The accused unit sees the case, not who complained: its title is no secret.
            return replace(case, secrets=case.secrets[1:])
        return case


MISSING_TARGET = Target(
    MISSING,
    MISSING,
    MISSING,
    "13000000000",
    alert=MISSING,
    dispute=MISSING,
    key_person=MISSING,
    briefing=MISSING,
    project=MISSING,
    reception_day=MISSING,
    event=MISSING,
    photo=MISSING,
    training=MISSING,
    import_job=MISSING,
)


def _case(
    registrar: Any,
    handling_unit: Unit,
    *,
    title: str,
    name: str,
    phone: str,
    accused_unit: Unit | None = None,
) -> Target:
    """Register a case with one petitioner and a letter, and accept it to `handling_unit`."""
    category = Category.objects.filter(is_accusation=False, parent__isnull=False).first()
    assert category is not None
    petition = register(
        registrar,
        title=title,
        category_id=category.pk,
        accused=accused_unit.name if accused_unit else "",
        accused_unit_id=accused_unit.pk if accused_unit else None,
        petitioners=[PetitionerData(name=name, phone=phone, address="矩阵1幢")],
    )
    letter = f"{name}的信.pdf"
    (attachment,) = services.petition_attach(
        actor=registrar,
        petition_id=petition.pk,
        files=[SimpleUploadedFile(letter, b"%PDF-1.4 x", content_type="application/pdf")],
    )
    petition = act(petition, registrar, Action.ACCEPT, {"handling_unit": handling_unit.pk})
    assert petition.petitioner_id is not None
    return Target(
        petition.pk,
        attachment.pk,
        petition.petitioner_id,
        phone,
        # The query code as stored and as printed (in groups of four).
        (
            title,
            name,
            phone,
            petition.query_code,
            format_query_code(petition.query_code),
            letter.removesuffix(".pdf"),
        ),
    )


def _page(registrar: Any, *, published: bool) -> int:
    """Write a publicity page of the portal, published or a draft, and return its id."""
    data = portal_services.PageData(
        kind="faq", title="矩阵宣传", body="<p>矩阵</p>", is_published=published
    )
    return portal_services.publicity_page_save(actor=registrar, page_id=None, data=data).pk


def _build() -> World:
    district = UnitFactory(name="西湖区", kind=Unit.Kind.DISTRICT)
    street = UnitFactory(name="XX街道", kind=Unit.Kind.STREET, parent=district)
    lakeside = UnitFactory(name="湖滨花园社区", kind=Unit.Kind.COMMUNITY, parent=street)
    yashiyuan = UnitFactory(name="雅仕苑社区", kind=Unit.Kind.COMMUNITY, parent=street)
    other_street = UnitFactory(name="YY街道", kind=Unit.Kind.STREET, parent=district)
    other_district = UnitFactory(name="上城区", kind=Unit.Kind.DISTRICT)
    far_street = UnitFactory(name="ZZ街道", kind=Unit.Kind.STREET, parent=other_district)
    users = {
        "anonymous": None,
        "registrar": UserFactory(username="registrar", role="registrar", unit=street),
        "handler": UserFactory(username="handler", role="handler", unit=lakeside),
        "unit_leader": UserFactory(username="cleader", role="unit_leader", unit=lakeside),
        "leading_group": UserFactory(username="leader", role="leading_group", unit=street),
        "auditor": UserFactory(username="auditor", role="auditor", unit=district),
        "admin": UserFactory(
            username="admin", role="admin", unit=district, is_staff=True, is_superuser=True
        ),
    }
    registrar = users["registrar"]
    district_registrar = UserFactory(username="dreg", role="registrar", unit=district)
    other_registrar = UserFactory(username="yreg", role="registrar", unit=other_street)
    far_registrar = UserFactory(username="zreg", role="registrar", unit=other_district)
    cases = {
        "lakeside": _case(
            registrar, lakeside, title="矩阵本社区事项", name="冯自有", phone="13900000001"
        ),
        "yashiyuan": _case(
            registrar, yashiyuan, title="矩阵邻社区事项", name="陈邻社", phone="13900000002"
        ),
        "other_street": _case(
            other_registrar,
            other_street,
            title="矩阵邻街道事项",
            name="褚邻街",
            phone="13900000003",
        ),
        "other_district": _case(
            far_registrar, far_street, title="矩阵邻区事项", name="卫邻区", phone="13900000004"
        ),
        "accused_lakeside": _case(
            registrar,
            lakeside,
            title="矩阵诉社区事项",
            name="蒋诉社",
            phone="13900000005",
            accused_unit=lakeside,
        ),
        "accused_street": _case(
            district_registrar,
            street,
            title="矩阵诉街道事项",
            name="沈诉街",
            phone="13900000006",
            accused_unit=street,
        ),
        "accused_district": _case(
            district_registrar,
            street,
            title="矩阵诉区事项",
            name="韩诉区",
            phone="13900000007",
            accused_unit=district,
        ),
    }
    own, far = _assessments(street, other_district)
    own_letter, far_letter = _letters(street, lakeside, other_district, far_street)
    own_check, far_check = (
        SpotCheck.objects.create(
            root=root,
            level="community",
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 3, 31),
            size=1,
            seed=1,
            drawn_at=clock.now(),
        ).pk
        for root in (street, other_district)
    )
    cases = {
        name: replace(_with_alert(t), assessment=far, letter=far_letter, spotcheck=far_check)
        if name in FOREIGN_CASES
        else replace(
            _with_alert(t),
            assessment=own,
            letter=own_letter,
            spotcheck=own_check,
            scheme=Assessment.objects.get(pk=own).scheme_id,
        )
        for name, t in cases.items()
    }
    tokens = {role: _bearer(user) for role, user in users.items() if user is not None}
    published, draft = (_page(registrar, published=True), _page(registrar, published=False))
    pages = {"own": published, "foreign": draft, "accused": published}
    return World(users, tokens, cases, pages)


FOREIGN_CASES = ("yashiyuan", "other_street", "other_district")


def _assessments(street: Unit, other_district: Unit) -> tuple[int, int]:
    """Run last year's assessment of the street's communities and of another district's streets."""
    year = clock.today().year - 1
    last_year = Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    runs = []
    for unit, level in ((street, "community"), (other_district, "street")):
        made = Scheme.objects.filter(year=year, level=level).first() or scheme(year, level)
        runs.append(
            assessment_services.assessment_run(
                actor=UserFactory(role="admin", unit=unit),
                scheme_id=made.pk,
                period=last_year,
                today=clock.today(),
            ).pk
        )
    return runs[0], runs[1]


def _letters(
    street: Unit, lakeside: Unit, other_district: Unit, far_street: Unit
) -> tuple[int, int]:
    """Draft this year's letters of the own community and of another district's street."""
    return tuple(  # type: ignore[return-value]
        assessment_services.letter_create(
            actor=UserFactory(role="admin", unit=above),
            unit_id=unit.pk,
            year=clock.today().year,
            signatory="矩阵代表",
        ).pk
        for above, unit in ((street, lakeside), (other_district, far_street))
    )


def _with_alert(target: Target) -> Target:
    """Raise an alert on the case, owned by its unit, naming its petitioner as evidence."""
    petition = Petition.objects.get(pk=target.case)
    alert = alert_raise(
        kind="collective",
        severity="medium",
        owner_unit_id=petition.owner_unit_id,
        summary="矩阵预警",
        petition_ids=[petition.pk],
        people_ids=[petition.petitioner_id],
    )
    now = clock.now()
    owned = {"owner_unit_id": petition.owner_unit_id, "created_at": now}
    dispute = Dispute.objects.create(
        title="矩阵纠纷", kind="other", place="矩阵", parties="甲；乙", risk_level="low",
        risk_reason="矩阵", updated_at=now, **owned,
    )  # fmt: skip
    person = KeyPerson.objects.create(
        name="矩阵人员", reason="at_risk", next_contact_on=clock.today(), **owned
    )
    # One briefing a unit and day: the two cases of 湖滨花园 share theirs.
    briefing, _new = Briefing.objects.get_or_create(
        owner_unit_id=petition.owner_unit_id,
        day=clock.today(),
        defaults={
            "figures": figures(petition.owner_unit, clock.today()),
            "pdf": b"%PDF-1.4 matrix",
            "generated_at": now,
        },
    )
    project = KeyProject.objects.create(name="矩阵项目", started_on=clock.today(), **owned)
    day = ReceptionDay.objects.create(
        owner_unit_id=petition.owner_unit_id, leader=petition.registered_by, date=clock.today(),
        place="矩阵接待室", created_by=petition.registered_by, created_at=now,
    )  # fmt: skip
    ReceptionSlot.objects.create(day=day, start=dt.time(9), end=dt.time(10), capacity=2)
    event = PublicityEvent.objects.create(
        held_on=clock.today(), place="矩阵广场", form="square", audience=1,
        created_by=petition.registered_by, updated_at=now, **owned,
    )  # fmt: skip
    photo = EventPhoto.objects.create(
        event=event, file=SimpleUploadedFile("矩阵.png", b"\x89PNG\r\n\x1a\n"), name="矩阵.png",
        content_type="image/png", size=8, sha256="0" * 64,
        uploaded_by=petition.registered_by, uploaded_at=now,
    )  # fmt: skip
    training = Training.objects.create(
        topic="矩阵培训", trainer="矩阵", held_on=clock.today(),
        created_by=petition.registered_by, updated_at=now, **owned,
    )  # fmt: skip
    job = ImportJob.objects.create(
        owner_unit_id=petition.registered_unit_id,
        created_by_id=petition.registered_by_id,
        created_at=now,
        file="imports/matrix.csv",
        file_name="matrix.csv",
        mapping="{}",
    )
    return replace(
        target,
        alert=alert.pk,
        dispute=dispute.pk,
        key_person=person.pk,
        briefing=briefing.pk,
        project=project.pk,
        reception_day=day.pk,
        event=event.pk,
        photo=photo.pk,
        training=training.pk,
        import_job=job.pk,
    )


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """Build the units, users and cases once for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


# ---------------------------------------------------------------- requesting and checking


def _object_pk(row: Row, target: Target) -> int:
    """Return the id of the object the row's `pk` names (Row.of)."""
    return int(getattr(target, row.of)) if row.of != "case" else target.case


def _fill(route: str, row: Row, target: Target) -> str:
    values = {
        "pk": _object_pk(row, target),
        "photo_pk": target.photo,
        "petition_id": target.case,
        "alert_id": target.alert,  # early_warnings api
        "object_id": target.case,
        "attachment_pk": target.attachment,
        "kind": NOTICE,
        "action": ACTION.value,
    }
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def _client(world: World, role: str, api: bool, own_token: bool = False) -> Client:
    user = world.users[role]
    if user is None:
        return Client()
    if api:
        token = _bearer(user) if own_token else world.tokens[role]
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client = Client()
    client.force_login(user)
    return client


def _request(client: Client, world: World, url: Url, role: str, target: Target) -> HttpResponse:
    row = TABLE[url.key]
    address = _fill(url.route, row, target)
    data = row.query(target) if row.query else {}
    if row.body is not None:
        data = row.body(world.users[role], target)
    if row.method == "GET":
        return client.get(address, data)
    if url.route.startswith("/api/"):
        return client.post(address, data, content_type="application/json")
    return client.post(address, data)


# The model of each kind of object (Row.of).
OBJECT_MODELS = {
    "case": "petitions.Petition",
    "person": "petitions.Petitioner",
    "assessment": "assessment.Assessment",
    "letter": "assessment.ResponsibilityLetter",
    "spotcheck": "assessment.SpotCheck",
    "alert": "early_warnings.Alert",
    "dispute": "early_warnings.Dispute",
    "key_person": "early_warnings.KeyPerson",
    "briefing": "early_warnings.Briefing",
    "project": "early_warnings.KeyProject",
    "page": "portal.PublicityPage",
    "event": "outreach.PublicityEvent",
    "training": "outreach.Training",
    "import_job": "ledger_import.ImportJob",
    "reception_day": "reception.ReceptionDay",
    "scheme": "assessment.Scheme",
}
# Roles that may write nothing: a POST of theirs that the table answers with a redirect
# or a page (an empty body's "done") must still leave its object as it was.
WRITE_NOTHING = ("anonymous", "auditor")


def _state(row: Row, target: Target) -> tuple[Any, ...] | None:
    """Return the object's own fields and how many rows point at it: what a write changes."""
    model = apps.get_model(OBJECT_MODELS[row.of])
    obj = model.objects.filter(pk=_object_pk(row, target)).first()
    if obj is None:
        return None
    own = tuple((f.attname, getattr(obj, f.attname)) for f in model._meta.concrete_fields)
    pointing = tuple(
        (rel.name, rel.related_model.objects.filter(**{rel.field.name: obj}).count())
        for rel in model._meta.related_objects
    )
    linked = tuple((f.name, getattr(obj, f.name).count()) for f in model._meta.many_to_many)
    return own + pointing + linked


def _answer(response: HttpResponse) -> Answer:
    """Return the response's status, naming a redirect to a login page as such."""
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith(reverse("admin:login")):
        return STAFF
    if response.status_code == 302 and location.startswith(reverse("accounts:login")):
        return LOGIN
    return response.status_code


def _body(response: HttpResponse) -> str:
    if getattr(response, "streaming", False):
        # Read to the end, the test client closes the file itself (and keeps the
        # connection: closing the response by hand would drop the module's transaction).
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        return content.decode(errors="ignore")
    return response.content.decode(errors="ignore")


def _cells(cell: Cell, objectful: bool) -> tuple[Answer | Bug, ...]:
    if isinstance(cell, tuple):
        assert objectful, "a per-object cell on a URL that names no object"
        return cell
    return (cell, cell, cell) if objectful else (cell,)


def _matches(answer: Answer, expected: Answer) -> bool:
    if expected == FOUND:
        return answer in (200, 400, 403)
    return answer == expected


def _plain(cell: Answer | Bug) -> Answer:
    return cell.answer if isinstance(cell, Bug) else cell


def _bugs(cell: Cell) -> list[Bug]:
    return [c for c in (cell if isinstance(cell, tuple) else (cell,)) if isinstance(c, Bug)]


def _params() -> Iterator[Any]:
    for key, r in TABLE.items():
        for role, cell in zip(ROLES, r.cells, strict=True):
            marks = [pytest.mark.xfail(strict=True, reason=bug.reason) for bug in _bugs(cell)[:1]]
            yield pytest.param(key, role, id=f"{key}|{role}", marks=marks)


def _objectful(url: Url, row: Row) -> bool:
    """Return whether the URL names an object: in its path, or the lookup it makes."""
    return "<" in url.route or row.query is not None


def _rules_broken(
    world: World, url: Url, row: Row, role: str, kind: str, answer: Answer, body: str
) -> list[str]:
    """Return the rules no table may override that one answer breaks."""
    broken = []
    if isinstance(answer, int) and answer >= 500:
        broken.append(f"{kind}: server error {answer}")
    # Nothing names the petitioner of a case the user may not know of: not the object's
    # own answer, nor a list or a lookup (which meet every case). In the admin, staff see
    # the whole register, but Art. 46 still holds.
    if kind in ("foreign", "accused"):
        secrets = world.target(role, kind).secrets
    else:
        secrets = (*world.target(role, "foreign").secrets, *world.target(role, "accused").secrets)
    if url.namespace != ADMIN_BLOCK or kind == "accused":
        shown = [s for s in secrets if s in body]
        if shown:
            broken.append(f"{kind}: the answer shows {shown}")
    if kind == "accused" and row.identity and answer == 200:
        broken.append("accused: the accused unit gets a page showing who complained")
    if role == "anonymous" and not row.public:
        door = STAFF if url.namespace == ADMIN_BLOCK else LOGIN
        door = 401 if url.route.startswith("/api/") else door
        if answer != door:
            broken.append(f"anonymous: {answer}, not {door}")
    return broken


@pytest.mark.parametrize(("key", "role"), list(_params()))
def test_the_answer_is_the_one_in_the_table(world: World, key: str, role: str) -> None:
    url, row = project_urls()[key], TABLE[key]
    objectful = _objectful(url, row)
    expected = _cells(row.cells[ROLES.index(role)], objectful)
    client = _client(world, role, api=url.route.startswith("/api/"), own_token=row.own_token)
    wrong: list[str] = []
    answers: dict[str, Answer] = {}
    for kind, cell in zip(KINDS if objectful else ("none",), expected, strict=True):
        target = world.target(role, kind if objectful else "own")
        # A redirect answers a refusal and a step done alike: the object tells them apart.
        watched = row.method == "POST" and role in WRITE_NOTHING and "<" in url.route
        before = _state(row, target) if watched else None
        response = _request(client, world, url, role, target)
        answers[kind] = answer = _answer(response)
        if watched and _state(row, target) != before:
            wrong.append(f"{kind}: {role} got {answer} and the object changed")
        if not _matches(answer, _plain(cell)):
            where = f" ({response['Location']})" if response.has_header("Location") else ""
            wrong.append(f"{kind}: got {answer}{where}, the table says {_plain(cell)}")
        wrong += _rules_broken(world, url, row, role, kind, answer, _body(response))
    # A foreign object answers as one that does not exist (the admin answers both with its
    # own redirect, which its rows say).
    if objectful and url.namespace != ADMIN_BLOCK:
        missing = _answer(_request(client, world, url, role, MISSING_TARGET))
        if answers["foreign"] != missing:
            wrong.append(f"foreign: {answers['foreign']}, a missing id: {missing}")
        if "<" in url.route and answers["own"] not in REFUSALS and answers["foreign"] != 404:
            wrong.append(f"foreign: {answers['foreign']} where the own object passes: not 404")
    assert not wrong, "; ".join(wrong)


def test_the_object_check_sees_the_writes_a_redirect_would_hide(world: World) -> None:
    target = world.target("registrar", "own")
    attach, acknowledge = (
        TABLE["petitions:petition_attach"],
        TABLE["early_warnings:alert_acknowledge"],
    )
    before = (_state(attach, target), _state(acknowledge, target))
    letter = SimpleUploadedFile("矩阵补充.pdf", b"%PDF-1.4 y", content_type="application/pdf")
    services.petition_attach(
        actor=world.users["registrar"], petition_id=target.case, files=[letter]
    )
    assert _state(attach, target) != before[0]
    client = _client(world, "registrar", api=False)
    assert client.post(f"/warnings/alerts/{target.alert}/acknowledge/").status_code == 302
    assert _state(acknowledge, target) != before[1]


# ---------------------------------------------------------------- the admin, as a block


def _admin_pages() -> list[str]:
    """Return every admin page that needs no object: the index, each app and model list."""
    pages = []
    for u in project_urls().values():
        if u.namespace == ADMIN_BLOCK and "<" not in u.route and "(" not in u.route:
            pages.append(u.route)
    apps = {model._meta.app_label for model in django_admin.site._registry}
    pages += [reverse("admin:app_list", args=[label]) for label in sorted(apps)]
    # The login and logout pages are open to everyone; they have their rows in TABLE.
    return [p for p in pages if p not in (reverse("admin:login"), reverse("admin:logout"))]


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_is_for_staff_only(world: World, role: str) -> None:
    client = _client(world, role, api=False)
    user = world.users[role]
    answers = {page: _answer(client.get(page)) for page in _admin_pages()}
    if user is not None and user.is_staff:
        failed = {
            p: a for p, a in answers.items() if a == STAFF or (isinstance(a, int) and a >= 500)
        }
        assert failed == {}
    else:
        assert {p: a for p, a in answers.items() if a != STAFF} == {}
