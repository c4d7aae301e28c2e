"""A database-backed task queue: the embedded default needs no broker."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web.core.fields import status_field


class Task(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=50)
    args = models.JSONField(_("arguments"), default=dict)
    status = status_field(Status, Status.QUEUED, max_length=10)
    progress = models.FloatField(_("progress"), default=0.0)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} {self.status}"

    @property
    def percent(self) -> int:
        return round(self.progress * 100)

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


def task_link(related_name: str) -> models.OneToOneField:  # type: ignore[type-arg]
    """The queue task that runs a job (a scan, a bid-file comparison): one task per job; the job outlives its
    task (the link is emptied if the task is deleted)."""
    return models.OneToOneField(Task, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name=related_name)


class WorkerHeartbeat(models.Model):
    """A worker's sign of life, beaten every few seconds by a thread of its own — on a row no task's
    transaction touches, so a long import does not hold it up (``queue.sweep_dead``)."""

    name = models.CharField(_("worker"), max_length=100, primary_key=True)
    host = models.CharField(_("host"), max_length=100)
    pid = models.IntegerField(_("process"))
    beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%H:%M:%S}"
