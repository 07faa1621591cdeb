"""Leaders' reception days (领导接访日): the schedule, its slots, the bookings, the records.

A day has an owner unit (the office that publishes it) and is seen, like a case, within
that unit's subtree (selectors, through petitions.access.unit_q). A slot counts its own
bookings (`booked`), raised only by a conditional UPDATE below its capacity, so two
bookings of the last place cannot both pass. One person holds at most one live booking a
date, whichever leader or day it is with: a booking carries its day's date (kept with the
day's by the move), and two partial unique constraints refuse a second live booking of
that date with the same ID number, or, for a booking without one, the same phone (people
with ID numbers of their own may share a phone: a mother and her son).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xinfang.common.text import mask_phone


class ReceptionDay(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已安排")
        CANCELLED = "cancelled", _("已取消")

    owner_unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("发布单位"), on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接访领导"),
        on_delete=models.PROTECT,
        related_name="reception_days",
    )
    date = models.DateField(_("接访日期"))
    place = models.CharField(_("接访地点"), max_length=200)
    focus = models.CharField(_("接访重点"), max_length=200, blank=True)
    is_published = models.BooleanField(_("已发布"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("领导接访日")
        verbose_name_plural = _("领导接访日")
        ordering = ["-date"]
        indexes = [
            models.Index(fields=["owner_unit", "date"], name="rc_day_unit_date"),
            models.Index(fields=["is_published", "date"], name="rc_day_published_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.leader}"

    def get_absolute_url(self) -> str:
        return reverse("reception:day_detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class ReceptionSlot(models.Model):
    day = models.ForeignKey(ReceptionDay, on_delete=models.CASCADE, related_name="slots")
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可预约人数"))
    booked = models.PositiveSmallIntegerField(_("已预约人数"), default=0)

    class Meta:
        verbose_name = _("接访时段")
        verbose_name_plural = _("接访时段")
        ordering = ["day", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")), name="rc_slot_within_capacity"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="rc_slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.booked)


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CHECKED_IN = "checked_in", _("已签到")
        NO_SHOW = "no_show", _("未到")
        CANCELLED = "cancelled", _("已取消")

    class Source(models.TextChoices):
        ONLINE = "online", _("网上预约")
        REGISTRAR = "registrar", _("登记员代约")
        WALK_IN = "walk_in", _("现场来访")

    day = models.ForeignKey(ReceptionDay, on_delete=models.CASCADE, related_name="appointments")
    # None for a walk-in, received outside the booked places.
    slot = models.ForeignKey(
        ReceptionSlot,
        verbose_name=_("时段"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    petitioner = models.ForeignKey(
        "petitions.Petitioner",
        verbose_name=_("信访人档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    # The day's date, copied so that the database holds the one-booking-a-date rule across
    # days (two leaders may receive on one date); reception_day_move keeps it in step.
    date = models.DateField(_("接访日期"))
    topic = models.CharField(_("反映事项"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.BOOKED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("预约时间"))
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接访预约")
        verbose_name_plural = _("接访预约")
        ordering = ["slot__start", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "id_number"],
                condition=~models.Q(status="cancelled") & ~models.Q(id_number=""),
                name="rc_one_booking_a_date_id",
            ),
            models.UniqueConstraint(
                fields=["date", "phone"],
                condition=~models.Q(status="cancelled")
                & ~models.Q(phone="")
                & models.Q(id_number=""),
                name="rc_one_booking_a_date_phone",
            ),
        ]
        indexes = [models.Index(fields=["phone", "status"], name="rc_appointment_phone")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"

    @property
    def is_live(self) -> bool:
        return self.status != self.Status.CANCELLED

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class ReceptionRecord(models.Model):
    """What one person asked the leader and what the leader decided, and the case it is."""

    day = models.ForeignKey(ReceptionDay, on_delete=models.PROTECT, related_name="records")
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    visitor = models.CharField(_("来访人"), max_length=200)
    request = models.TextField(_("反映的问题"))
    decision = models.TextField(_("领导意见"))
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name=_("信访事项"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # True when the record registered the case, False when it joined an existing one.
    created_case = models.BooleanField(_("新登记"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("接访记录")
        verbose_name_plural = _("接访记录")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.visitor} {self.day}"
