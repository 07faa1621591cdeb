"""The demo street's published reception days (领导接访日), through the reception services.

Past days were scheduled two weeks ahead, booked online and by the registrar, held with
check-ins, a no-show and a walk-in, and their leader's records registered leader-owned
cases (channel 领导接访) or joined a case on file; those cases then went their way through
the transition service, the oldest to a follow-up. Days to come are published and partly
booked. The clock is frozen at each step's moment, as the case generator does. Invented
demo data, not interface text: none of it goes through gettext.
"""

import datetime as dt
import random
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from xinfang.accounts.models import User
from xinfang.common import clock
from xinfang.demo import content
from xinfang.demo.lifecycle import working_day, working_day_before
from xinfang.demo.street import DemoStreet
from xinfang.petitions import inputs, services
from xinfang.petitions.models import Petition
from xinfang.petitions.workflow import Action, Status
from xinfang.reception import services as reception
from xinfang.reception.models import Appointment, ReceptionDay
from xinfang.reception.services import DayData, PersonData, SlotData

# Days before (negative) or after today; the past ones' cases have come further the older they are.
PAST_DAYS = (-84, -49, -21, -7)
FUTURE_DAYS = (3, 10, 17)
SLOTS = [SlotData(dt.time(9), dt.time(10, 30), 4), SlotData(dt.time(10, 30), dt.time(12), 4)]
PLACE = "西溪街道信访接待中心一楼接待室"
# How many cases the past days' records register: two or three a day, in turn.
RECEPTION_CASES = sum(2 + i % 2 for i in range(len(PAST_DAYS)))


@dataclass(frozen=True)
class Matter:
    """What a person brings to a leader, what the leader decides, and who then handles it."""

    title: str
    request: str
    decision: str
    unit: str


# The street's director takes the renovation; the leading group's member the estates.
FOCUS = {
    "director": (
        "城中村改造与安置补偿",
        [
            Matter(
                "桃源里拆迁安置房交付时间一再推迟",
                "桃源里拆迁户，安置协议约定去年年底交房，至今未交付，过渡费只发到上个月，"
                "家里老人租房困难。",
                "请城中村改造办公室一周内书面答复交房时间，交房前过渡费照常发放，"
                "由我包案跟踪到交房。",
                "renovation",
            ),
            Matter(
                "城中村改造补偿面积认定有异议",
                "老宅二层加建部分在1990年代已登记，评估时未计入补偿面积，要求重新测量认定。",
                "改造办会同评估公司十个工作日内上门复测，调取原始登记档案，结果当面告知。",
                "renovation",
            ),
            Matter(
                "改造工地夜间施工噪声扰民",
                "桃源里改造工地晚上十点后仍在打桩，附近居民无法休息，多次打12345未解决。",
                "城管科当晚核查，督促施工单位严格执行夜间施工许可，改造办约谈施工单位。",
                "urban",
            ),
        ],
    ),
    "leader": (
        "物业服务与业委会换届",
        [
            Matter(
                "湖滨花园业委会换届选举程序不规范",
                "换届投票前未公示候选人名单，有业主选票被代领代填，要求重新组织选举。",
                "湖滨花园社区暂停本次换届结果备案，街道指导筹备组依法重新组织，我包案督办。",
                "lakeside",
            ),
            Matter(
                "雅仕苑物业费上涨未经业主大会表决",
                "物业公司张贴通知物业费每平方米上涨0.6元，业委会未召开业主大会即同意。",
                "雅仕苑社区十日内组织业主代表、业委会和物业公司三方协商，协商前暂缓执行新标准。",
                "yashiyuan",
            ),
            Matter(
                "小区电梯故障频发无人维修",
                "3幢电梯一个月内困人两次，物业推说维修资金申请不下来。",
                "社区当天联系物业和维保单位检修，维修资金申请由街道协调加快审批。",
                "lakeside",
            ),
        ],
    ),
}
PERSON_TOPICS = ["安置房交付", "补偿标准", "物业收费", "业委会选举", "施工噪声", "电梯维修"]


class ReceptionSeeder:
    """Writes the reception days through the services, the clock frozen at each moment."""

    def __init__(self, street: DemoStreet, rng: random.Random, now: dt.datetime) -> None:
        self.street, self.rng, self.now = street, rng, now
        self.today = timezone.localdate(now)
        self.registrar = street.users["registrar"]
        self.cases: list[Petition] = []

    def at(self, day: dt.date, hour: int, minute: int = 0) -> AbstractContextManager[None]:
        """Freeze the clock on `day` at the time given (no later than now)."""
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
        return clock.frozen_at(min(moment, self.now))

    def person(self, n: int) -> PersonData:
        rng = self.rng
        return PersonData(
            name=content.person_name(rng),
            phone=f"{rng.choice(content.MOBILE_PREFIXES)}{rng.randint(0, 99_999_999):08d}",
            id_number=content.id_number(rng) if rng.random() < 0.7 else "",
            topic=PERSON_TOPICS[n % len(PERSON_TOPICS)],
        )

    def schedule(self, leader: User, focus: str, day: dt.date) -> ReceptionDay:
        """Create and publish the leader's day, as the office does two weeks before it."""
        data = DayData(leader_id=leader.pk, date=day, place=PLACE, focus=focus, slots=SLOTS)
        created = day - dt.timedelta(days=14)
        with self.at(max(created, self.today) if day >= self.today else created, 10):
            found = reception.reception_day_create(actor=self.registrar, data=data)
            reception.reception_day_publish(actor=self.registrar, day_id=found.pk)
        return found

    def book(self, day: ReceptionDay, people: list[PersonData], booked_on: dt.date) -> list[Any]:
        """Book `people` into the day's slots in turn, every third by the registrar."""
        slots = list(day.slots.order_by("start"))
        booked = []
        with self.at(booked_on, 15):
            for i, who in enumerate(people):
                slot = slots[i % len(slots)].pk
                if i % 3 == 2:
                    made = reception.appointment_book(
                        actor=self.registrar, slot_id=slot, person=who
                    )
                else:
                    made = reception.appointment_book_public(slot_id=slot, person=who)
                booked.append(made)
        return booked

    def known_person(self) -> PersonData | None:
        """Return the petitioner of an open case on file, who comes to ask after it."""
        case = (
            Petition.objects.filter(status=Status.HANDLING, petitioner__isnull=False)
            .exclude(petitioner__phone="")
            .select_related("petitioner")
            .order_by("registered_at")
            .first()
        )
        if case is None:
            return None
        p = case.petitioner
        assert p is not None
        return PersonData(name=p.name, phone=p.phone, id_number=p.id_number, topic="催办")

    def hold(
        self, day: ReceptionDay, leader: User, matters: list[Matter], booked: list[Any]
    ) -> list[tuple[Petition, Matter]]:
        """Check people in on the day and write the leader's records; return the new cases."""
        came, absent = booked[:-1], booked[-1]
        with self.at(day.date, 8, 45):
            for a in came:
                reception.appointment_mark(
                    actor=self.registrar, day_id=day.pk, appointment_id=a.pk, status="checked_in"
                )
            reception.appointment_mark(
                actor=self.registrar, day_id=day.pk, appointment_id=absent.pk, status="no_show"
            )
            walk_in = reception.appointment_walk_in(
                actor=self.registrar, day_id=day.pk, person=self.person(len(booked))
            )
        created = []
        for i, (a, matter) in enumerate(zip([*came, walk_in], matters, strict=False)):
            with self.at(day.date, 9 + i, 20):
                record = reception.reception_record_create(
                    actor=leader,
                    day_id=day.pk,
                    appointment_id=a.pk,
                    title=matter.title,
                    request=matter.request,
                    decision=matter.decision,
                )
            created.append((record.petition, matter))
        return created

    def join(self, day: ReceptionDay, leader: User, appointment: Appointment) -> None:
        """Write the record of a person asking after their case on file: it joins that case."""
        case = Petition.objects.filter(
            petitioner__phone=appointment.phone, status=Status.HANDLING
        ).first()
        if case is None:
            return
        with self.at(day.date, 11, 40):
            reception.reception_record_create(
                actor=leader,
                day_id=day.pk,
                appointment_id=appointment.pk,
                request="此前反映的问题承办单位迟迟未答复，询问办理进度。",
                decision="由我包案督办，要求承办单位在期限内书面答复。",
                join_petition_id=case.pk,
            )

    def step(
        self, petition: Petition, when: dt.date, actor: User, action: Action, data: Any
    ) -> Petition:
        """Take `action` on the case as `actor` in the afternoon of `when` (or the next working day)."""
        with self.at(working_day(when, self.today), 14, 30):
            return services.petition_transition(
                actor=actor,
                petition_id=petition.pk,
                action=action,
                data=data,
                expected_version=petition.version,
            )

    def follow(self, petition: Petition, matter: Matter, held: dt.date) -> None:
        """Take the case as far as its age allows: routed, handled, replied, followed up."""
        unit = self.street.units[matter.unit]
        handler = self.street.handlers[matter.unit]
        age = (self.today - held).days
        petition.refresh_from_db(fields=["version"])  # the leader's taking charge moved it on
        accept = inputs.AssignInput(
            handling_unit_id=unit.pk, note=f"领导接访事项，交{unit.name}办理。"
        )
        p = self.step(petition, held + dt.timedelta(days=1), self.registrar, Action.ACCEPT, accept)
        if age < 20:
            return
        note = inputs.HandlingInput("已上门了解情况，按接访领导意见办理。")
        p = self.step(p, held + dt.timedelta(days=6), handler, Action.RECORD_HANDLING, note)
        if age < 40:
            return
        reply = inputs.ReplyInput(
            reply_kind="supported",
            text=content.REPLIES["supported"][0].format(unit=unit.name),
        )
        p = self.step(p, held + dt.timedelta(days=20), handler, Action.REPLY, reply)
        if age < 70:
            return
        follow = inputs.FollowUpInput(solved=True, note="回访时信访人表示问题已经解决，满意。")
        self.step(p, held + dt.timedelta(days=35), self.registrar, Action.FOLLOW_UP, follow)

    def run(self) -> None:
        leaders = [
            ("director", self.street.users["director"]),
            ("leader", self.street.users["leader"]),
        ]
        for i, offset in enumerate(PAST_DAYS):
            key, leader = leaders[i % 2]
            focus, matters = FOCUS[key]
            held = working_day_before(self.today + dt.timedelta(days=offset))
            day = self.schedule(leader, focus, held)
            people = [self.person(n) for n in range(3)]
            known = self.known_person() if i == len(PAST_DAYS) - 1 else None
            booked = self.book(
                day, [*people, *([known] if known else [])], held - dt.timedelta(days=5)
            )
            if known:
                booked = [booked[-1], *booked[:-1]]  # the one asking after a case comes first
                self.join(day, leader, self._checked_in(day, booked[0]))
                booked = booked[1:]
            for petition, matter in self.hold(day, leader, matters[: 2 + i % 2], booked):
                self.follow(petition, matter, held)
                self.cases.append(petition)
        for i, offset in enumerate(FUTURE_DAYS):
            key, leader = leaders[i % 2]
            held = self.today + dt.timedelta(days=offset)
            # A weekday, not the calendar's working day: it may not know next year yet.
            held += dt.timedelta(days=max(0, 8 - held.isoweekday()) if held.isoweekday() > 5 else 0)
            day = self.schedule(leader, FOCUS[key][0], held)
            self.book(day, [self.person(n) for n in range(4 - i)], self.today)

    def _checked_in(self, day: ReceptionDay, appointment: Appointment) -> Appointment:
        with self.at(day.date, 8, 40):
            return reception.appointment_mark(
                actor=self.registrar,
                day_id=day.pk,
                appointment_id=appointment.pk,
                status="checked_in",
            )


def seed_reception(street: DemoStreet, rng: random.Random, now: dt.datetime) -> list[Petition]:
    """Write the demo's reception days; return the cases their records registered."""
    seeder = ReceptionSeeder(street, rng, now)
    seeder.run()
    return seeder.cases
