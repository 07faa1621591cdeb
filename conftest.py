"""Fixtures shared by every test: a small street with a user per role."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from xinfang.common.memo import clear_all
from xinfang.organization.models import Unit
from xinfang.organization.tests.factories import UnitFactory, UserFactory


@dataclass
class Street:
    district: Unit
    street: Unit
    lakeside: Unit
    yashiyuan: Unit
    renovation: Unit
    registrar: Any
    handler: Any
    other_handler: Any
    community_leader: Any
    leader: Any
    auditor: Any
    admin: Any
    renovation_handler: Any


@pytest.fixture(autouse=True)
def _fresh_memos() -> Iterator[None]:
    """Forget reference data kept in memory: each test's database starts afresh."""
    clear_all()
    yield
    # Module-scoped fixtures (the demo) set up before the next test's clear.
    clear_all()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Leave the site's language active after the test, whatever it asked for.

    The test client runs a request in the test's own thread, and LocaleMiddleware leaves
    the request's language active there: an English request would turn the next test's
    messages into English.
    """
    yield
    translation.deactivate()


@pytest.fixture
def street(db: Any) -> Street:
    """Return a district with one street, two communities and a department, and its users."""
    district = UnitFactory(name="西湖区", kind=Unit.Kind.DISTRICT)
    street = UnitFactory(name="XX街道", kind=Unit.Kind.STREET, parent=district)
    lakeside = UnitFactory(name="湖滨花园社区", kind=Unit.Kind.COMMUNITY, parent=street)
    yashiyuan = UnitFactory(name="雅仕苑社区", kind=Unit.Kind.COMMUNITY, parent=street)
    renovation = UnitFactory(name="城中村改造办", kind=Unit.Kind.DEPARTMENT, parent=street)
    return Street(
        district=district,
        street=street,
        lakeside=lakeside,
        yashiyuan=yashiyuan,
        renovation=renovation,
        registrar=UserFactory(username="registrar", role="registrar", unit=street),
        handler=UserFactory(username="handler", role="handler", unit=lakeside),
        other_handler=UserFactory(username="other", role="handler", unit=yashiyuan),
        community_leader=UserFactory(username="cleader", role="unit_leader", unit=lakeside),
        leader=UserFactory(username="leader", role="leading_group", unit=street),
        auditor=UserFactory(username="auditor", role="auditor", unit=district),
        admin=UserFactory(
            username="admin", role="admin", unit=district, is_staff=True, is_superuser=True
        ),
        renovation_handler=UserFactory(username="renov", role="handler", unit=renovation),
    )
