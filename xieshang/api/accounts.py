from ninja import Router, Schema

from xieshang.accounts.selectors import handling_units_for_user, organizations_for_user, roles_by_organization

router = Router(tags=["accounts"])


class OrganizationOut(Schema):
    id: int
    name: str
    short_name: str
    level: str
    roles: list[str]


class MeOut(Schema):
    id: int
    username: str
    name: str
    organizations: list[OrganizationOut]


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str


@router.get("/me", response=MeOut)
def me(request):
    roles = roles_by_organization(request.user)
    orgs = [
        OrganizationOut(id=o.pk, name=o.name, short_name=o.short_name, level=o.level, roles=sorted(roles.get(o.pk, [])))
        for o in organizations_for_user(request.user)
    ]
    return MeOut(id=request.user.pk, username=request.user.username, name=request.user.display_name, organizations=orgs)


@router.get("/organizations/{org_id}/units", response=list[UnitOut])
def units(request, org_id: int):
    org = next((o for o in organizations_for_user(request.user) if o.pk == org_id), None)
    if org is None:
        return []
    return list(handling_units_for_user(request.user, org))
