"""Publicity events and trainings on the Regulations, the office's conduct labels and
records, and the guidance shown to a petitioner sent to a legal channel.

Events and trainings have an owner unit and are seen, like cases, within its subtree
(selectors, through petitions.access.unit_q). Conduct records belong to a case and are
seen with it, never by the accused unit (Art. 46), never on the portal.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xinfang.common.memo import Memo
from xinfang.common.models import MemoModel
from xinfang.petitions.models import LegalChannel, Merit, attachment_storage


class PublicityEvent(models.Model):
    """A publicity event (宣传活动) on the Regulations: where, how, and how many came."""

    class Form(models.TextChoices):
        BOARD = "board", _("宣传栏")
        LECTURE = "lecture", _("讲座")
        DOOR_TO_DOOR = "door_to_door", _("入户")
        SQUARE = "square", _("广场咨询")
        NEW_MEDIA = "new_media", _("新媒体")
        OTHER = "other", _("其他")

    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200)
    form = models.CharField(_("形式"), max_length=20, choices=Form.choices)
    audience = models.PositiveIntegerField(_("受众人数"), default=0)
    materials = models.TextField(_("宣传材料"), blank=True)
    owner_unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("宣传活动")
        verbose_name_plural = _("宣传活动")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["owner_unit", "held_on"], name="outreach_event_unit_day")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.place}"

    def get_absolute_url(self) -> str:
        return reverse("outreach:event_detail", args=[self.pk])


class EventPhoto(models.Model):
    """A photo (or scanned material) of an event, sniffed and limited as intake files are."""

    event = models.ForeignKey(PublicityEvent, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(storage=attachment_storage, upload_to="outreach/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Training(models.Model):
    """A training on the Regulations (条例培训) for the units' staff, with its attendance."""

    topic = models.CharField(_("培训主题"), max_length=200)
    trainer = models.CharField(_("授课人"), max_length=100)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    owner_unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("条例培训")
        verbose_name_plural = _("条例培训")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["owner_unit", "held_on"], name="outreach_train_unit_day")]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("outreach:training_detail", args=[self.pk])


class Attendance(models.Model):
    """One person called to a training, and whether they came."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    present = models.BooleanField(_("出席"), default=True)

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        constraints = [
            models.UniqueConstraint(fields=["training", "user"], name="outreach_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.training_id} {self.user_id} {self.present}"


class MeritLabel(MemoModel):
    """The office's wording of one merit class; the code stored on cases never changes."""

    # Read by every case form and page; see common/memo.py.
    memo = Memo(seconds=30)

    code = models.CharField(_("代码"), max_length=30, choices=Merit.choices, unique=True)
    label = models.CharField(_("显示名称"), max_length=30)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("信访性质名称")
        verbose_name_plural = _("信访性质名称")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class ConductRecord(models.Model):
    """Unlawful conduct at a petition (违法行为): what, when, where, on what basis, what was done.

    Staff only; it never decides whether a petition is accepted (the Regulations protect
    the lawful request whatever the conduct around it).
    """

    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.CASCADE, related_name="conduct_records"
    )
    conduct = models.TextField(_("行为"))
    occurred_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200)
    legal_basis = models.CharField(_("法律依据"), max_length=300)
    measure = models.TextField(_("处置措施"))
    measure_by = models.CharField(_("处置单位（人）"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("违法行为记录")
        verbose_name_plural = _("违法行为记录")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.occurred_on}"


class ChannelGuidance(models.Model):
    """How to start a legal channel (诉讼、仲裁、行政复议…), as the portal shows it.

    The text is the office's, short and plain; the linked publicity page (of the
    "legal channel" section) says the rest.
    """

    channel = models.CharField(
        _("法定途径"), max_length=20, choices=LegalChannel.choices, unique=True
    )
    how_to = models.TextField(_("如何提出"))
    page = models.ForeignKey(
        "portal.PublicityPage",
        verbose_name=_("宣传页面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "legal_channel"},
    )
    updated_at = models.DateTimeField(_("更新时间"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("法定途径指引")
        verbose_name_plural = _("法定途径指引")
        ordering = ["channel"]

    def __str__(self) -> str:
        return self.get_channel_display()
