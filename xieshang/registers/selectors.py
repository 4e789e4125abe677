"""Reads of the registers."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Matter, PartyReport, VisitorGroup


def party_reports(organization_id: int) -> QuerySet[PartyReport]:
    return PartyReport.objects.filter(organization_id=organization_id)


def matters(organization_id: int) -> QuerySet[Matter]:
    return Matter.objects.filter(organization_id=organization_id)


def visitor_groups(organization_id: int) -> QuerySet[VisitorGroup]:
    return VisitorGroup.objects.filter(organization_id=organization_id)
