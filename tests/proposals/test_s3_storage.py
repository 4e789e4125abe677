"""Uploads on an S3-compatible object store (XIESHANG_STORAGE=s3, decision 0042): the same pages save a proposal's
attachment and serve it back through the view that checks the reader, with the file in the bucket and nothing under
MEDIA_ROOT. The store is moto's in-process S3 (django-storages and boto3 unchanged above it)."""

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto import mock_aws

from tests.proposals.test_views_support import login
from xieshang.proposals.models import Attachment, Proposal

pytestmark = pytest.mark.django_db
BUCKET = "xieshang-uploads"


@pytest.fixture
def bucket(settings, tmp_path, monkeypatch):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    settings.MEDIA_ROOT = tmp_path
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "us-east-1",
                    "location": "media",
                    "default_acl": None,
                    "querystring_auth": True,
                    "file_overwrite": False,
                },
            },
        }
        yield s3


def test_an_attachment_is_stored_in_the_bucket_and_served_through_the_page(client, world, bucket, tmp_path):
    login(client, world.lead)
    content = b"%PDF-1.4 stored in the object store"
    data = {
        "title": "关于公交线路优化的建议",
        "body": "建议优化线路" * 10,
        "submitter_kind": "member",
        "attachments": [SimpleUploadedFile("调研报告.pdf", content)],
        "save": "1",
    }
    assert client.post(reverse("proposals:create"), data).status_code == 302
    attachment = Attachment.objects.get()
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [f"media/{attachment.file.name}"]
    assert not any(tmp_path.rglob("*.pdf"))  # nothing on the local disk
    proposal = Proposal.objects.get()
    url = reverse("proposals:attachment", args=[proposal.pk, attachment.pk])
    assert url in client.get(proposal.get_absolute_url()).content.decode()
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    client.logout()
    assert client.get(url).status_code in (302, 403, 404)  # never served without the check
