"""accounts.selectors.partner_organization_ids (issue #11): the partners of an organization, itself excluded. Filtering
on the many-to-many and reading it back in one query reused one join, so only the organization itself came back."""

import pytest

from tests.factories import OrganizationFactory
from xieshang.accounts.models import Partnership
from xieshang.accounts.selectors import partner_organization_ids


@pytest.mark.django_db
def test_partners_are_the_other_members_of_each_partnership(organization):
    kaifeng = OrganizationFactory(name="开封市政协", short_name="开封", code="kf")
    xinxiang = OrganizationFactory(name="新乡市政协", short_name="新乡", code="xx")
    outsider = OrganizationFactory(name="洛阳市政协", short_name="洛阳", code="ly")
    pact = Partnership.objects.create(title="郑开新")
    pact.organizations.set([organization, kaifeng, xinxiang])
    Partnership.objects.create(title="other").organizations.set([outsider, kaifeng])

    assert partner_organization_ids(organization) == {kaifeng.pk, xinxiang.pk}
    assert partner_organization_ids(kaifeng) == {organization.pk, xinxiang.pk, outsider.pk}
    assert partner_organization_ids(OrganizationFactory(name="无", short_name="无", code="no")) == set()
