"""Petitioners, petitions (信访事项), their event history, attachments and supervision.

Every date a KPI needs is a column of Petition (registered, routed, accepted, deadline,
extended, replied, rated, followed up …), indexed where lists and statistics filter on
it; the event history keeps the full story but is never needed to compute a figure.
"""

import secrets
from typing import Final, Protocol, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _

from xinfang.common.memo import Memo
from xinfang.common.models import MemoModel
from xinfang.common.text import mask_id_number, mask_phone
from xinfang.petitions.workflow import (
    ACTION_LABELS,
    CONCLUDED_STATUSES,
    OPEN_STATUSES,
    STATUS_LABELS,
    Action,
    Status,
)

# Events that are not workflow actions but appear in the history.
EVENT_LABELS = {"register": _("登记"), "attach": _("上传附件")}


def event_label(action: str) -> str:
    """Return the label of a timeline entry's action (a workflow action or an EVENT_LABELS key)."""
    if action in EVENT_LABELS:
        return str(EVENT_LABELS[action])
    return str(ACTION_LABELS.get(Action(action), action))


QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone
QUERY_CODE_LENGTH = 12


def new_query_code() -> str:
    """Return a random query code, 60 bits: unguessable, and short enough to read out."""
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


class AttachmentStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = FileSystemStorage(location=settings.ATTACHMENT_ROOT)


_attachment_storage = AttachmentStorage()


def attachment_storage() -> Storage:
    """Return the attachments' storage; a callable keeps the deployment's path out of migrations."""
    # The lazy object stands in for the FileSystemStorage it builds on first use.
    return cast(Storage, _attachment_storage)


# The Regulations (Art. 35) allow an extension of at most 30 days: the database refuses a
# longer one, and the extension limit may be lowered in the admin but never raised past it.
EXTENSION_DAYS_MAX = 30
# Beyond a year a time limit is a typing error; it would also carry deadlines past the
# dates the rest of the system accepts.
TIME_LIMIT_DAYS_MAX = 365


class TimeLimitRule(MemoModel):
    """One statutory time limit; the defaults come from the 2022 Regulations."""

    class Key(models.TextChoices):
        ROUTE = "route", _("登记后分流（受理/转送/不予受理）")
        OBJECTION = "objection", _("承办单位提出异议")
        HANDLE = "handle", _("受理后办结")
        EXTENSION_MAX = "extension_max", _("延期最长")
        REVIEW_REQUEST = "review_request", _("答复后申请复查")
        REVIEW_ANSWER = "review_answer", _("复查答复")
        REREVIEW_REQUEST = "rereview_request", _("复查后申请复核")
        REREVIEW_ANSWER = "rereview_answer", _("复核答复")
        FOLLOW_UP_WINDOW = "follow_up_window", _("息访观察期")

    key = models.CharField(_("时限"), max_length=30, choices=Key.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("天数"))
    working_days = models.BooleanField(_("按工作日计"), default=False)

    # Read by every registration and transition; see common/memo.py.
    memo = Memo(seconds=30)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")

    def __str__(self) -> str:
        unit = _("个工作日") if self.working_days else _("日")
        return f"{self.get_key_display()}：{self.days}{unit}"

    def clean(self) -> None:
        """Refuse a limit the workflow or the database's constraints cannot honour."""
        if self.days is None:
            return
        if self.key == self.Key.EXTENSION_MAX:
            if not 1 <= self.days <= EXTENSION_DAYS_MAX:
                raise ValidationError(
                    {
                        "days": _(
                            "延期最长天数须在1至%(n)d日之间：条例规定延长期限不得超过%(n)d日。"
                        )
                        % {"n": EXTENSION_DAYS_MAX}
                    }
                )
            if self.working_days:
                # An approved extension is added in calendar days (petitions.deadlines).
                raise ValidationError({"working_days": _("延期天数按自然日计算，不能按工作日。")})
        elif not 1 <= self.days <= TIME_LIMIT_DAYS_MAX:
            raise ValidationError(
                {"days": _("时限天数须在1至%(n)d日之间。") % {"n": TIME_LIMIT_DAYS_MAX}}
            )


class Category(MemoModel):
    """A node of the two-level category taxonomy (问题分类)."""

    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    legal_channel = models.CharField(
        _("法定途径提示"),
        max_length=200,
        blank=True,
        help_text=_("属于诉讼、仲裁、行政复议等法定途径的问题，在此写明引导途径。"),
    )
    is_accusation = models.BooleanField(
        _("检举控告类"),
        default=False,
        help_text=_("检举控告类事项不得交由被检举控告的单位或人员办理。"),
    )
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    # The ids every registration checks its category against; see common/memo.py.
    memo = Memo(seconds=30)

    class Meta:
        verbose_name = _("问题分类")
        verbose_name_plural = _("问题分类")
        ordering = ["sort", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent is not None else self.name

    @classmethod
    def active_leaf_ids(cls) -> frozenset[int]:
        """Return the ids of the categories a case may be filed under (kept in the memo)."""
        ids: frozenset[int] = cls.memo.get(
            "leaves",
            lambda: frozenset(
                cls.objects.filter(parent__isnull=False, is_active=True).values_list(
                    "pk", flat=True
                )
            ),
        )
        return ids

    def clean(self) -> None:
        """Keep the taxonomy two levels deep, as the lists and the search filter read it."""
        if self.parent is None:
            return
        if self.parent.parent_id is not None or self.parent.pk == self.pk:
            raise ValidationError({"parent": _("上级分类须为一级分类。")})
        if self.pk is not None and self.children.exists():
            raise ValidationError({"parent": _("该分类下已有子分类，不能再设上级分类。")})


class PersonRecord(Protocol):
    """What the person rules read of a record: a Petitioner, or the import's lighter copy."""

    name: str
    phone: str
    id_number: str


def person_differences(record: PersonRecord, *, id_number: str, name: str, phone: str) -> list[str]:
    """Return what was typed otherwise than `record`, when its ID number was typed.

    Registration refuses such a person until the registrar says which stands; the ledger
    import reports the row.
    """
    if not id_number or record.id_number != id_number:
        return []
    typed = {"name": name, "phone": phone}
    return [f for f, v in typed.items() if v and getattr(record, f) and v != getattr(record, f)]


class Petitioner(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_index=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    community = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("所在社区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信访人")
        verbose_name_plural = _("信访人")
        indexes = [models.Index(fields=["name", "address"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("petitions:petitioner_detail", args=[self.pk])

    def differs_from(self, *, id_number: str, name: str, phone: str) -> list[str]:
        """Return what was typed otherwise than this record, when its ID number was typed."""
        return person_differences(self, id_number=id_number, name=name, phone=phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Channel(models.TextChoices):
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    COLLECTIVE_VISIT = "collective_visit", _("集体访")
    PHONE = "phone", _("来电")
    ONLINE = "online", _("网上信访")
    ASSIGNED = "assigned", _("上级交办")
    FORWARDED = "forwarded", _("上级转送")
    RECEPTION = "reception", _("领导接访")


class ReplyKind(models.TextChoices):
    SUPPORTED = "supported", _("支持")
    EXPLAINED = "explained", _("解释说明")
    NOT_SUPPORTED = "not_supported", _("不支持")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class LegalChannel(models.TextChoices):
    LITIGATION = "litigation", _("诉讼")
    ARBITRATION = "arbitration", _("仲裁")
    ADMIN_REVIEW = "admin_review", _("行政复议")
    OTHER = "other", _("其他法定途径")


class Merit(models.TextChoices):
    REASONABLE_ORDERLY = "reasonable_orderly", _("有理有序")
    REASONABLE_DISORDERLY = "reasonable_disorderly", _("有理无序")
    UNREASONABLE_DISORDERLY = "unreasonable_disorderly", _("无理无序")


class PetitionQuerySet(models.QuerySet["Petition"]):
    def open(self) -> "PetitionQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def concluded(self) -> "PetitionQuerySet":
        return self.filter(status__in=CONCLUDED_STATUSES)


# The references most cases leave empty: each has a partial index (Petition.Meta).
SPARSE_REFERENCES: Final = (
    "handler",
    "responsible_leader",
    "accused_unit",
    "repeat_of",
    "merged_into",
)


class Petition(models.Model):
    # Who and where.
    registered_unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("登记单位"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    handling_unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The unit that has the case now: the handling unit once assigned, else the
    # registering office. Handling units lie within the registering unit's subtree, so
    # "registered or assigned within my subtree" is exactly "owner within my subtree":
    # one indexed IN instead of an OR across two columns.
    owner_unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("当前责任单位"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # a partial index in Meta
    )
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("包案领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # a partial index in Meta
    )
    # Since when a leader's instruction (批示) awaits the handling unit's next step.
    instruction_pending_since = models.DateTimeField(_("领导批示待落实自"), null=True, blank=True)
    # What was received.
    channel = models.CharField(_("信访形式"), max_length=20, choices=Channel.choices)
    origin_authority = models.CharField(_("交办/转送机关"), max_length=100, blank=True)
    origin_reference = models.CharField(_("来文编号"), max_length=60, blank=True)
    origin_deadline = models.DateField(_("上级要求办结日期"), null=True, blank=True)
    petitioner = models.ForeignKey(
        Petitioner,
        verbose_name=_("信访人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    representatives = models.ManyToManyField(
        Petitioner, verbose_name=_("代表"), blank=True, related_name="represented_petitions"
    )
    is_anonymous = models.BooleanField(_("匿名"), default=False)
    head_count = models.PositiveSmallIntegerField(_("人数"), default=1)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("信访内容"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("问题分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    community = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("问题发生地（社区）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("问题发生地址"), max_length=200, blank=True)
    accused = models.CharField(_("被反映人/单位"), max_length=200, blank=True)
    accused_unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("被反映单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # a partial index in Meta
    )
    merit = models.CharField(_("信访性质"), max_length=30, choices=Merit.choices, blank=True)
    is_litigation = models.BooleanField(_("涉法涉诉"), default=False)
    # The same matter raised before (重复信访); "first-time" is derived from it at intake.
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("原信访事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
        db_index=False,  # a partial index in Meta
    )
    is_first_time = models.BooleanField(_("初信初访"), default=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        db_index=False,  # a partial index in Meta
    )
    query_code = models.CharField(
        _("查询码"), max_length=QUERY_CODE_LENGTH, unique=True, default=new_query_code
    )

    # The indexed words of title and content (search.document); see search.py.
    search_text = models.TextField(blank=True, editable=False)

    # Where it stands. Only services.py writes `status`.
    status = models.CharField(
        _("状态"),
        max_length=30,
        choices=[(s.value, STATUS_LABELS[s]) for s in Status],
        default=Status.REGISTERED,
    )
    due_date = models.DateField(_("当前期限"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    # The dates the statistics read.
    registered_at = models.DateTimeField(_("登记时间"))
    route_due = models.DateField(_("分流期限"))
    routed_at = models.DateTimeField(_("分流时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    objection_due = models.DateField(_("异议期限"), null=True, blank=True)
    handling_due = models.DateField(_("办结期限"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("延期天数"), default=0)
    extension_requested_days = models.PositiveSmallIntegerField(_("申请延期天数"), default=0)
    paused_days = models.PositiveSmallIntegerField(_("听证暂停天数"), default=0)
    paused_since = models.DateField(_("听证开始"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复（办结）时间"), null=True, blank=True)
    reply_kind = models.CharField(
        _("处理意见"), max_length=20, choices=ReplyKind.choices, blank=True
    )
    reply_text = models.TextField(_("处理意见书正文"), blank=True)
    reply_overdue = models.BooleanField(_("超期答复"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    satisfaction_unit = models.CharField(
        _("对承办单位满意度"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    satisfaction_office = models.CharField(
        _("对信访部门满意度"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    solved = models.BooleanField(_("问题实际解决"), null=True, blank=True)
    review_requested_at = models.DateTimeField(_("复查申请时间"), null=True, blank=True)
    review_answered_at = models.DateTimeField(_("复查答复时间"), null=True, blank=True)
    rereview_requested_at = models.DateTimeField(_("复核申请时间"), null=True, blank=True)
    rereview_answered_at = models.DateTimeField(_("复核答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    not_accept_reason = models.TextField(_("不予受理理由"), blank=True)
    legal_channel = models.CharField(
        _("引导法定途径"), max_length=20, choices=LegalChannel.choices, blank=True
    )
    forwarded_to = models.CharField(_("转送机关"), max_length=100, blank=True)
    # The case's number in the ledger it was imported from (ledger_import): a file read
    # twice finds its cases by it and creates nothing.
    external_ref = models.CharField(_("原台账编号"), max_length=100, blank=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["owner_unit", "-registered_at"], name="pet_owner_time"),
            models.Index(fields=["owner_unit", "due_date"], name="pet_owner_due"),
            # The KPI summary counts a unit's cases of a day again (assessment): equality on
            # the unit and the day's range in one index, for each day it keeps.
            models.Index(fields=["owner_unit", "handling_due"], name="pet_owner_handling_due"),
            models.Index(fields=["owner_unit", "replied_at"], name="pet_owner_replied"),
            models.Index(fields=["registered_unit", "status"], name="pet_reg_unit_status"),
            models.Index(fields=["handling_unit", "status"], name="pet_hand_unit_status"),
            # With the owner: the dashboard's overdue count reads this index alone.
            models.Index(fields=["status", "due_date", "owner_unit"], name="pet_status_due_owner"),
            # Counts by status of a broad scope read the unit from the index, not the rows.
            models.Index(fields=["status", "owner_unit"], name="pet_status_owner"),
            models.Index(fields=["due_date"], name="pet_due"),
            models.Index(fields=["-registered_at"], name="pet_registered"),
            models.Index(
                fields=["status", "channel", "-registered_at"], name="pet_status_channel_time"
            ),
            models.Index(fields=["channel", "-registered_at"], name="pet_channel_time"),
            models.Index(fields=["replied_at"], name="pet_replied"),
            # Most cases have no leader, no accused unit, are no repeat and not merged, and
            # none has a handler before it is accepted: these indexes hold only the cases
            # with a value, so a case without one writes nothing to them (an imported
            # ledger's history, five index entries fewer a case). A comparison with a value
            # implies the condition, so every lookup of these columns still uses them.
            *(
                models.Index(
                    fields=[name],
                    condition=models.Q((f"{name}__isnull", False)),
                    name=f"pet_{name}",
                )
                for name in SPARSE_REFERENCES
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(head_count__gte=1), name="petition_head_count_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(extension_days__lte=EXTENSION_DAYS_MAX),
                name="petition_extension_max_30",
            ),
            models.CheckConstraint(
                condition=models.Q(due_date__isnull=True) | models.Q(status__in=OPEN_STATUSES),
                name="petition_deadline_only_while_open",
            ),
            models.UniqueConstraint(
                fields=["registered_unit", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="petition_external_ref_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("petitions:petition_detail", args=[self.pk])

    @property
    def number(self) -> str:
        """Return the human reference, e.g. XF2026-0000123."""
        return f"XF{timezone.localtime(self.registered_at):%Y}-{self.pk:07d}"

    @property
    def is_collective(self) -> bool:
        return self.channel == Channel.COLLECTIVE_VISIT


class PetitionEvent(models.Model):
    """One step in a petition's history; rows are only ever inserted."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=30, blank=True)
    to_status = models.CharField(_("新状态"), max_length=30)
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("操作单位"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["petition", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def action_label(self) -> str:
        return event_label(self.action)

    @property
    def from_label(self) -> str:
        return str(STATUS_LABELS[Status(self.from_status)]) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return str(STATUS_LABELS[Status(self.to_status)])


class EventDelivery(models.Model):
    """What one subscribed handler has done with one event (petitions/events.py)."""

    event = models.ForeignKey(
        PetitionEvent,
        on_delete=models.CASCADE,
        related_name="deliveries",
        # The unique (event, handler) index starts with the event: a second index is waste.
        db_index=False,
    )
    handler = models.CharField(_("处理程序"), max_length=200)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    tried_at = models.DateTimeField(_("最近尝试"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("事件投递")
        verbose_name_plural = _("事件投递")
        constraints = [
            models.UniqueConstraint(fields=["event", "handler"], name="event_delivery_once")
        ]
        # Only the few not yet done, for the periodic re-delivery.
        indexes = [
            models.Index(
                fields=["tried_at"],
                condition=models.Q(done_at__isnull=True),
                name="event_delivery_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.handler}"


class Attachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=attachment_storage, upload_to="%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Supervision(models.Model):
    """督办: a case chased by the office or a leader, with its own deadline."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="supervisions")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    due = models.DateField(_("督办期限"))
    note = models.TextField(_("督办意见"))

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["opened_at"]

    def __str__(self) -> str:
        return f"{self.petition_id} → {self.due}"
