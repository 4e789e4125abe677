from django.conf import settings
from django.db import models

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
