"""What each demo case is about, who brings it, and through which channel it arrives.

`Intake` draws a matter from `matters.TEMPLATES`, the community it arises in, the people
who bring it and the registration the office would write for it; the lifecycle module
decides what happens to the case afterwards.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from xinfang.accounts.models import User
from xinfang.demo import content
from xinfang.demo.matters import TEMPLATES, Template
from xinfang.demo.street import DemoStreet
from xinfang.petitions import inputs
from xinfang.petitions.models import Category, Channel
from xinfang.petitions.workflow import Status

CHANNEL_WEIGHTS = {
    Channel.LETTER: 14,
    Channel.VISIT: 24,
    Channel.COLLECTIVE_VISIT: 0,
    Channel.PHONE: 14,
    Channel.ONLINE: 24,
    Channel.ASSIGNED: 8,
    Channel.FORWARDED: 5,
    Channel.RECEPTION: 3,
}
COLLECTIVE_WEIGHT = 35  # replaces 0 above for matters people come about in groups
MERITS = ["", "reasonable_orderly", "reasonable_disorderly", "unreasonable_disorderly"]
MERIT_WEIGHTS = [50, 38, 8, 4]


@dataclass
class Done:
    """A case already written, as a later repeat of the same matter needs it."""

    pk: int
    at: dt.datetime
    spec: "Spec"
    status: str


def can_recur(done: Done) -> bool:
    """Return whether a later case can come back about `done` from the same person.

    The register knows a person again by ID number, or by phone with name; someone who
    gave neither would be registered anew.
    """
    people = done.spec.data.petitioners
    return bool(people) and bool(people[0].id_number or people[0].phone)


@dataclass
class Spec:
    """What a case is about and who brings it; dates come with its plan."""

    template: Template
    community: str
    unit: str  # the unit key that handles it
    registrar: User
    data: inputs.RegistrationData
    repeat: Done | None = None


def fits(t: Template, status: Status, channel: str | None, anonymous: bool) -> bool:
    """Return whether a case made to end in `status` can be about `t`."""
    if status == Status.FORWARDED:
        return bool(t.forward_to)
    if status == Status.NOT_ACCEPTED:
        return bool(t.legal_channel)
    if anonymous:
        return bool(t.accused)
    plain = not (t.forward_to or t.legal_channel or t.accused)
    return plain and (t.collective or channel != Channel.COLLECTIVE_VISIT)


class Intake:
    """Draws the matters, people and channels of the street's cases."""

    def __init__(self, street: DemoStreet, rng: random.Random) -> None:
        self.street, self.rng = street, rng
        self.categories = {
            (c.parent.name, c.name): c.pk
            for c in Category.objects.filter(parent__isnull=False).select_related("parent")
            if c.parent is not None
        }
        self.communities = {c[0]: c for c in content.COMMUNITIES}
        self.used_ids: set[str] = set()

    def person(self, community: str) -> inputs.PetitionerData:
        """Return a resident of `community`, with a unique ID number when they give one."""
        rng = self.rng
        id_number = ""
        if rng.random() < 0.75:
            while not id_number or id_number in self.used_ids:
                id_number = content.id_number(rng)
            self.used_ids.add(id_number)
        return inputs.PetitionerData(
            name=content.person_name(rng),
            id_number=id_number,
            phone=content.phone_number(rng) if rng.random() < 0.92 else "",
            address=content.address(rng, self.communities[community][3]),
            community_id=self.street.units[community].pk,
        )

    def template(self, want: Callable[[Template], bool] = lambda t: True) -> Template:
        """Return a matter `want` accepts; those tied to a community come up more often."""
        choices = [t for t in TEMPLATES if want(t)]
        return self.rng.choices(choices, [2 if t.communities else 1 for t in choices])[0]

    def community(self, template: Template) -> str:
        """Return the key of a community `template` can arise in."""
        if template.communities:
            return self.rng.choice(template.communities)
        return self.rng.choices(list(self.communities), [c[4] for c in content.COMMUNITIES])[0]

    def channel(self, template: Template) -> str:
        weights = dict(CHANNEL_WEIGHTS)
        if template.collective:
            weights[Channel.COLLECTIVE_VISIT] = COLLECTIVE_WEIGHT
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def spec(
        self,
        template: Template,
        community: str,
        *,
        repeat: Done | None = None,
        channel: str | None = None,
        anonymous: bool | None = None,
    ) -> Spec:
        """Return who brings the matter of `template`, through which channel, saying what.

        The channel and anonymity are drawn unless given; a repeat is never anonymous.
        """
        rng = self.rng
        channel = channel or self.channel(template)
        collective = channel == Channel.COLLECTIVE_VISIT
        if anonymous is None:
            anonymous = (
                repeat is None
                and channel in {Channel.LETTER, Channel.ONLINE, Channel.PHONE}
                and rng.random() < (0.5 if template.accused else 0.08)
            )
        if repeat is not None:
            people = repeat.spec.data.petitioners[: 5 if collective else 1]
        elif anonymous:
            people = []
        elif collective:
            people = [
                self.person(community)
                for _ in range(rng.choices(range(1, 6), [10, 25, 30, 20, 15])[0])
            ]
        else:
            people = [self.person(community) for _ in range(2 if rng.random() < 0.05 else 1)]
        if collective:
            head_count = min(60, 5 + int(rng.expovariate(1 / 12)))
        else:
            head_count = max(1, len(people)) if channel == Channel.VISIT else 1
        place = self.communities[community][1].removesuffix("社区")
        addr = people[0].address if people else content.address(rng, self.communities[community][3])
        if repeat is not None:
            title = repeat.spec.data.title
            text = content.REPEAT_PREFIX + repeat.spec.data.content.removeprefix(
                content.REPEAT_PREFIX
            )
        else:
            title, text = template.title, content.fill(template.content, rng, place, addr)

        def unit_key(key: str) -> str:
            return community if key == "community" else key

        data = inputs.RegistrationData(
            channel=channel,
            title=title,
            content=text,
            petitioners=people,
            is_anonymous=anonymous,
            head_count=head_count,
            category_id=self.categories[template.category],
            community_id=self.street.units[community].pk,
            address=addr,
            accused=template.accused.format(place=place),
            accused_unit_id=(
                self.street.units[unit_key(template.accused_unit)].pk
                if template.accused_unit
                else None
            ),
            repeat_of_id=repeat.pk if repeat else None,
            is_litigation=bool(template.legal_channel),
            merit=rng.choices(MERITS, MERIT_WEIGHTS)[0],
        )
        registrar = self.street.users["leader" if channel == Channel.RECEPTION else "registrar"]
        return Spec(template, community, unit_key(template.unit), registrar, data, repeat)

    def registration(self, spec: Spec, day: dt.date, rng: random.Random) -> inputs.RegistrationData:
        """Return what the office registers on `day`, with a higher office's reference."""
        data = spec.data
        if data.channel not in {Channel.ASSIGNED, Channel.FORWARDED}:
            return data
        assigned = data.channel == Channel.ASSIGNED
        pool = content.ASSIGNING_AUTHORITIES if assigned else content.FORWARDING_AUTHORITIES
        authority, prefix = rng.choice(pool)
        return replace(
            data,
            origin_authority=authority,
            origin_reference=f"{prefix}〔{day.year}〕{rng.randint(1, 999)}号",
            # The higher office's own date for the answer, as its letter states it.
            origin_deadline=day + dt.timedelta(days=rng.choice([20, 30, 45])) if assigned else None,
        )
