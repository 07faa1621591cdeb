"""The demo street: 西湖区 → 西溪街道, its communities and departments, and their accounts.

A user per role (password `xinfang-demo`) and a handler and a leader for every unit below
the street. Only the demo creates these accounts; `remove_demo` takes them away again with
every case registered or handled there.
"""

from dataclasses import dataclass

from django.db.models import Q

from xinfang.accounts.models import Role, User
from xinfang.common.models import AuditEntry
from xinfang.demo import content
from xinfang.organization.models import Unit
from xinfang.organization.selectors import unit_subtree_ids
from xinfang.outreach.models import ChannelGuidance, ConductRecord, PublicityEvent, Training
from xinfang.petitions.models import Petition, Petitioner
from xinfang.portal.models import PublicityPage
from xinfang.reception.models import Appointment, ReceptionDay, ReceptionRecord

DEMO_PASSWORD = "xinfang-demo"
# username, role, where: the seed's five accounts, the district's leader and the street's
# director, a unit leader who receives petitioners on reception days without the office's roles.
ROLE_ACCOUNTS = [
    ("admin", Role.ADMIN, "district"),
    ("registrar", Role.REGISTRAR, "street"),
    ("handler", Role.HANDLER, "lakeside"),
    ("leader", Role.LEADING_GROUP, "street"),
    ("auditor", Role.AUDITOR, "district"),
    ("district_leader", Role.LEADING_GROUP, "district"),
    ("director", Role.UNIT_LEADER, "street"),
]
UNIT_KEYS = [c[0] for c in content.COMMUNITIES] + [d[0] for d in content.DEPARTMENTS]
# The seed's `handler` works at Lakeside Garden and is that community's handler too.
SHARED_HANDLER = "lakeside"


@dataclass
class DemoStreet:
    district: Unit
    street: Unit
    units: dict[str, Unit]  # communities and departments by key
    users: dict[str, User]  # the role accounts by username
    handlers: dict[str, User]  # by unit key
    unit_leaders: dict[str, User]  # by unit key

    @property
    def all_users(self) -> list[User]:
        everyone = [*self.users.values(), *self.handlers.values(), *self.unit_leaders.values()]
        return list({user.pk: user for user in everyone}.values())


def demo_usernames() -> set[str]:
    """Return every username the demo creates."""
    names = {username for username, _role, _where in ROLE_ACCOUNTS}
    return names | {f"handler_{k}" for k in UNIT_KEYS} | {f"leader_{k}" for k in UNIT_KEYS}


def build_street(password_hash: str) -> DemoStreet:
    """Create the district, the street, its communities and departments, and their users."""
    district = Unit.objects.create(name=content.DISTRICT, kind=Unit.Kind.DISTRICT)
    street = Unit.objects.create(
        name=content.STREET,
        kind=Unit.Kind.STREET,
        parent=district,
        residents=sum(c[2] for c in content.COMMUNITIES),
    )
    units = {
        key: Unit.objects.create(
            name=name, kind=Unit.Kind.COMMUNITY, parent=street, residents=residents, sort=i
        )
        for i, (key, name, residents, _pattern, _weight) in enumerate(content.COMMUNITIES)
    }
    for i, (key, name) in enumerate(content.DEPARTMENTS):
        units[key] = Unit.objects.create(
            name=name, kind=Unit.Kind.DEPARTMENT, parent=street, sort=len(units) + i
        )

    def user(username: str, role: str, unit: Unit, full_name: str) -> User:
        return User.objects.create(
            username=username,
            full_name=full_name,
            role=role,
            unit=unit,
            password=password_hash,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )

    where = {"district": district, "street": street, **units}
    users = {
        name: user(name, role, where[place], content.STAFF_NAMES[name])
        for name, role, place in ROLE_ACCOUNTS
    }
    handlers, leaders = {SHARED_HANDLER: users["handler"]}, {}
    for i, key in enumerate(UNIT_KEYS):
        if key not in handlers:
            handlers[key] = user(
                f"handler_{key}", Role.HANDLER, units[key], content.HANDLER_NAMES[i]
            )
        leaders[key] = user(f"leader_{key}", Role.UNIT_LEADER, units[key], content.LEADER_NAMES[i])
    for unit, leader in [
        (district, users["district_leader"]),
        (street, users["leader"]),
        *((units[k], leaders[k]) for k in UNIT_KEYS),
    ]:
        unit.leader = leader
        unit.save(update_fields=["leader"])
    return DemoStreet(district, street, units, users, handlers, leaders)


def load_street() -> DemoStreet:
    """Return the demo street `build_street` made, read back from the database."""
    district = Unit.objects.get(parent=None, name=content.DISTRICT)
    street = Unit.objects.get(parent=district, name=content.STREET)
    names = {c[0]: c[1] for c in content.COMMUNITIES} | {d[0]: d[1] for d in content.DEPARTMENTS}
    units = {k: Unit.objects.get(parent=street, name=names[k]) for k in UNIT_KEYS}
    users = {u.username: u for u in User.objects.filter(username__in=demo_usernames())}
    roles = {name: users[name] for name, _role, _where in ROLE_ACCOUNTS}
    handlers = {k: users.get(f"handler_{k}", roles["handler"]) for k in UNIT_KEYS}
    leaders = {k: users[f"leader_{k}"] for k in UNIT_KEYS}
    return DemoStreet(district, street, units, roles, handlers, leaders)


def demo_district() -> Unit | None:
    """Return the demo's district unit if the demo has been built."""
    return Unit.objects.filter(parent=None, name=content.DISTRICT).first()


def demo_exists() -> bool:
    """Return whether demo units or accounts are already in the database."""
    return (
        demo_district() is not None or User.objects.filter(username__in=demo_usernames()).exists()
    )


def remove_demo() -> None:
    """Delete the demo street, its users and every case registered or handled there."""
    unit_ids = unit_subtree_ids(demo_district())
    cases = Petition.objects.filter(
        Q(registered_unit_id__in=unit_ids) | Q(handling_unit_id__in=unit_ids)
    )
    people = set(cases.exclude(petitioner=None).values_list("petitioner_id", flat=True))
    people |= set(
        Petitioner.objects.filter(represented_petitions__in=cases).values_list("pk", flat=True)
    )
    users = User.objects.filter(Q(unit_id__in=unit_ids) | Q(username__in=demo_usernames()))
    # What the reception days, publicity and training rows hold on to goes first.
    days = ReceptionDay.objects.filter(owner_unit_id__in=unit_ids)
    ReceptionRecord.objects.filter(day__in=days).delete()
    Appointment.objects.filter(day__in=days).delete()
    days.delete()
    Training.objects.filter(owner_unit_id__in=unit_ids).delete()
    PublicityEvent.objects.filter(owner_unit_id__in=unit_ids).delete()
    ChannelGuidance.objects.filter(updated_by__in=users).delete()
    PublicityPage.objects.filter(updated_by__in=users).delete()
    ConductRecord.objects.filter(petition__in=cases).delete()
    # Repeats and merges point at other cases; unlinked, the cases can go in one delete.
    cases.update(repeat_of=None, merged_into=None)
    cases.delete()
    Petitioner.objects.filter(pk__in=people, petitions=None, represented_petitions=None).delete()
    AuditEntry.objects.filter(actor__in=users).delete()
    Unit.objects.filter(pk__in=unit_ids).update(leader=None)
    users.delete()
    for unit in sorted(Unit.objects.filter(pk__in=unit_ids), key=lambda u: -len(u.path)):
        unit.delete()
