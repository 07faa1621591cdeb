"""A hand-built street of cases, registered and driven through the real services on set days.

Every figure of March 2025 (and the follow-up windows ending in May and June) is worked
out by hand in the test module from the cases below; their names say what they test.
Unless noted a case is a visit assigned to Lakeside Garden the day it is registered,
so its handling deadline is 60 days later and its routing deadline 15 days later.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from xinfang.assessment.models import MajorIncident
from xinfang.organization.models import Unit
from xinfang.petitions.models import Channel, Petition, Satisfaction
from xinfang.petitions.tests.factories import REPLY, act, register, travel
from xinfang.petitions.workflow import Action

TODAY = dt.date(2025, 7, 15)
MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def day(month: int, d: int, year: int = 2025) -> dt.date:
    return dt.date(year, month, d)


@dataclass
class Cases:
    a: Petition  # Jan 2 → due Mar 3, replied Mar 1: on time; satisfied; leader case, solved;
    # raised again by h, merged into it
    b: Petition  # Jan 10 → due Mar 11, replied Mar 15: late; dissatisfied; leader, unsolved; review
    c: Petition  # Jan 5 → due Mar 6 + 20 days approved extension = Mar 26; replied Mar 20
    d: Petition  # Jan 20 → due Mar 21 + 20 days of hearing = Apr 10: an April deadline
    e: Petition  # Jan 3 → due Mar 4, in a hearing now: its deadline is not known yet
    f: Petition  # Jan 4 → due Mar 5, replied Mar 1; litigation-type; raised again Apr 1 (g)
    g: Petition  # Apr 1: a repeat of f, left unrouted
    h: Petition  # Mar 10: a visit merged into a (one matter, counted once)
    i: Petition  # Mar 5: a letter, accepted the same day
    j: Petition  # Mar 6: online, accepted Mar 25 (routing deadline Mar 21 missed)
    k: Petition  # Mar 7: a visit left unrouted
    l_: Petition  # Mar 8: a collective visit of 8, accepted the same day
    m: Petition  # Mar 9: assigned from above, 6 people: skip-level collective; forwarded
    n: Petition  # Mar 15 2024: a letter, last year's March
    o: Petition  # Jan 8 → due Mar 9, never replied
    r: Petition  # Mar 31 23:00 office time: a letter still of March
    s: Petition  # Apr 1 00:00 office time: a letter of April, though still Mar 31 in UTC
    p: Petition  # Jul 1: unrouted, routing deadline Jul 16: due within three days of today


def _accept(p: Petition, street: Any, *, led: bool = False) -> Petition:
    p = act(p, street.registrar, Action.ACCEPT, {"handling_unit": street.lakeside.pk})
    if led:  # the street's leader takes it on (包案)
        p = act(p, street.leader, Action.TAKE_CHARGE, {"leader": street.leader.pk})
    return p


def _reply(p: Petition, street: Any) -> Petition:
    return act(p, street.handler, Action.REPLY, REPLY)


def _rate(p: Petition, street: Any, satisfaction: str) -> Petition:
    data = {"satisfaction_unit": satisfaction, "satisfaction_office": satisfaction}
    return act(p, street.registrar, Action.EVALUATE, data)


def build(street: Any) -> Cases:
    """Register and drive the cases of the module docstring; return them."""
    street.street.residents = 40_000
    street.street.save(update_fields=["residents"])
    lakeside, yashiyuan = street.lakeside.pk, street.yashiyuan.pk

    with travel(day(1, 2)):
        a = _accept(register(street.registrar, community_id=lakeside), street, led=True)
    with travel(day(1, 10)):
        b = _accept(register(street.registrar, community_id=lakeside), street, led=True)
    with travel(day(1, 5)):
        c = _accept(register(street.registrar, community_id=yashiyuan), street)
    with travel(day(1, 20)):
        d = _accept(register(street.registrar), street)
    with travel(day(1, 3)):
        e = _accept(register(street.registrar), street)
    with travel(day(1, 4)):
        f = _accept(register(street.registrar, is_litigation=True), street)
    with travel(day(1, 8)):
        o = _accept(register(street.registrar), street)

    with travel(day(2, 1)):
        d = act(d, street.handler, Action.START_HEARING)
    with travel(day(2, 20)):
        e = act(e, street.handler, Action.START_HEARING)
    with travel(day(2, 21)):
        d = act(d, street.handler, Action.END_HEARING)
    with travel(day(2, 25)):
        c = act(c, street.handler, Action.REQUEST_EXTENSION, {"days": 20, "reason": "需现场核查"})
        c = act(c, street.community_leader, Action.APPROVE_EXTENSION)

    with travel(day(3, 1)):
        a = _reply(a, street)
        f = _reply(f, street)
        a = _rate(a, street, Satisfaction.SATISFIED)
    with travel(day(3, 5)):
        i = _accept(register(street.registrar, channel=Channel.LETTER), street)
    with travel(day(3, 6)):
        j = register(street.registrar, channel=Channel.ONLINE)
    with travel(day(3, 7)):
        k = register(street.registrar, channel=Channel.VISIT)
    with travel(day(3, 8)):
        l_ = _accept(
            register(street.registrar, channel=Channel.COLLECTIVE_VISIT, head_count=8), street
        )
    with travel(day(3, 9)):
        m = register(
            street.registrar, channel=Channel.ASSIGNED, head_count=6, origin_authority="区信访局"
        )
        m = act(m, street.registrar, Action.FORWARD, {"forwarded_to": "区住建局"})
    with travel(day(3, 10)):
        h = register(street.registrar, channel=Channel.VISIT)
        h = act(h, street.registrar, Action.MERGE, {"original": a.pk})
    with travel(day(3, 12)):
        a = act(a, street.registrar, Action.FOLLOW_UP, {"solved": True})
    with travel(day(3, 15)):
        b = _reply(b, street)
        b = _rate(b, street, Satisfaction.DISSATISFIED)
    with travel(day(3, 18)):
        b = act(b, street.registrar, Action.FOLLOW_UP, {"solved": False})
    with travel(day(3, 20)):
        c = _reply(c, street)
        b = act(b, street.registrar, Action.REQUEST_REVIEW)
    with travel(day(3, 25)):
        j = _accept(j, street)
    with travel(day(3, 31), hour=23):
        r = register(street.registrar, channel=Channel.LETTER)
    with travel(day(4, 1), hour=0):
        s = register(street.registrar, channel=Channel.LETTER)
    with travel(day(4, 1)):
        g = register(street.registrar, repeat_of_id=f.pk)
    with travel(day(4, 5)):
        d = _reply(d, street)
    with travel(day(3, 15, 2024)):
        n = register(street.registrar, channel=Channel.LETTER)
    with travel(day(7, 1)):
        p = register(street.registrar)

    MajorIncident.objects.create(
        unit=street.lakeside, occurred_on=day(3, 20), kind="gathering", description="业主聚集"
    )
    MajorIncident.objects.create(
        unit=street.lakeside, occurred_on=day(3, 20, 2024), kind="gathering", description="去年"
    )
    outside = Unit.objects.create(name="另一街道", kind=Unit.Kind.STREET, parent=street.district)
    MajorIncident.objects.create(
        unit=outside, occurred_on=day(3, 21), kind="blockade", description="别处"
    )
    fresh = {x.pk: x for x in Petition.objects.all()}
    return Cases(
        **{
            name: fresh[obj.pk]
            for name, obj in dict(
                a=a,
                b=b,
                c=c,
                d=d,
                e=e,
                f=f,
                g=g,
                h=h,
                i=i,
                j=j,
                k=k,
                l_=l_,
                m=m,
                n=n,
                o=o,
                r=r,
                s=s,
                p=p,
            ).items()
        }
    )
