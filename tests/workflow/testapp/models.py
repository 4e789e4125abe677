"""The template domain's tables: a ticket that runs through the "ticket" workflow, the rows that relate people and
units to it, an append-only note and the organization's settings. Invariants live here; business logic does not
(no save() overrides): writes are in services/."""

from django.conf import settings
from django.db import models

from xieshang.core.models import AppendOnlyModel, OrganizationSettings
from xieshang.workflow.models import WorkflowObject


class Ticket(WorkflowObject):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=100)
    submitter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    co_handlers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    signed_by = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    number = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/tickets/{self.pk}/"


class Reviewer(models.Model):
    """A person asked to review a ticket; a declined invitation gives no right to see it (visibility.py)."""

    class Status(models.TextChoices):
        INVITED = "invited", "已邀请"
        ACCEPTED = "accepted", "已接受"
        DECLINED = "declined", "已谢绝"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INVITED)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="uniq_testapp_reviewer")]

    def __str__(self) -> str:
        return f"{self.ticket_id}/{self.user_id}: {self.status}"


class Assignment(models.Model):
    """A handling unit put on a ticket; a planned assignment is not yet visible to the unit's officers."""

    class Status(models.TextChoices):
        PLANNED = "planned", "拟交办"
        ACTIVE = "active", "办理中"
        DONE = "done", "已办结"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("accounts.HandlingUnit", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "unit"], name="uniq_testapp_assignment")]

    def __str__(self) -> str:
        return f"{self.ticket_id}/{self.unit_id}: {self.status}"


class TicketNote(AppendOnlyModel):
    """A note on a ticket: written once, never changed or removed."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)


class TicketSettings(OrganizationSettings):
    """An organization's numbers for tickets; TicketSettings.for_organization(org) gives these defaults unsaved."""

    organization = models.OneToOneField("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    note_limit = models.PositiveIntegerField(default=500)
    number_prefix = models.CharField(max_length=8, default="T")
