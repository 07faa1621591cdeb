"""An import of a ledger file started from the page: its file, mapping, check and run."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xinfang.petitions.models import attachment_storage


class ImportJob(models.Model):
    """One uploaded ledger: checked on upload (the dry run), then imported by a task."""

    class State(models.TextChoices):
        CHECKED = "checked", _("已试运行")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未导入")

    # The unit whose cases these are: scoped like cases (access.unit_q).
    owner_unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("登记单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"))
    file = models.FileField(_("文件"), storage=attachment_storage, upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200)
    mapping = models.TextField(_("映射"))
    skip_invalid = models.BooleanField(_("跳过有误的行"), default=False)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.CHECKED)
    # Rows read so far of `total`, written as the task goes so the page can show it.
    total = models.PositiveIntegerField(_("行数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    # The dry run's report, then the run's: {"created", "skipped", "errors", "preview", ...}.
    dry_run = models.JSONField(_("试运行结果"), default=dict, blank=True)
    result = models.JSONField(_("导入结果"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner_unit", "-created_at"], name="import_unit_time")]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("ledger_import:job_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 0

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
