"""Polis export/import: round trip, all-or-nothing refusal of malformed files, the commands."""

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.deliberation.factories import ConversationFactory, planted
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.deliberation import maps, polis, services
from xieshang.deliberation.models import Conversation, Participant, Statement, Vote


def shared_polis() -> Path:
    shared = os.environ.get("XIESHANG_SHARED_DIR")
    base = Path(shared) if shared else Path(__file__).resolve().parents[2] / ".." / "shared"
    return base / "data" / "polis"


def require_shared(name: str) -> Path:
    folder = shared_polis() / name
    if not (folder / "comments.csv").is_file():
        pytest.skip(f"Polis open data not found at {folder} (set XIESHANG_SHARED_DIR)")
    return folder


def _votes(conversation):
    return set(
        Vote.objects.filter(conversation=conversation).values_list("participant__number", "statement__number", "value")
    )


@pytest.fixture
def staff(organization):
    return make_user(Role.COMMITTEE_STAFF, organization)


def test_export_then_import_keeps_votes_statements_and_moderation(organization, staff, tmp_path):
    source = ConversationFactory(organization=organization, title="背街小巷停车")
    statements, _truth = planted(source, n_participants=30)
    Statement.objects.filter(pk=statements[3].pk).update(status=Statement.Status.REJECTED)
    Statement.objects.filter(pk=statements[4].pk).update(status=Statement.Status.PENDING)
    maps.map_compute(source.pk)
    services.polis_export_write(source, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(polis.POLIS_FILES)

    copy = services.polis_import(actor=staff, export=polis.read_export_dir(tmp_path), organization=organization)
    assert copy.title == "背街小巷停车"
    assert _votes(copy) == _votes(source)
    assert dict(copy.statements.values_list("number", "status")) == dict(
        source.statements.values_list("number", "status")
    )
    assert dict(copy.statements.values_list("number", "text")) == dict(source.statements.values_list("number", "text"))


def test_zip_download_round_trips_through_the_upload_reader(organization, staff):
    source = ConversationFactory(organization=organization)
    planted(source, n_participants=12)
    data = polis.export_zip(source)
    export = polis.read_uploaded_export([SimpleUploadedFile("export.zip", data, content_type="application/zip")])
    target = ConversationFactory(organization=organization)
    services.polis_import(actor=staff, export=export, conversation=target)
    assert _votes(target) == _votes(source)


def test_import_keeps_the_latest_of_repeated_votes(organization, staff, tmp_path):
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1000,,0,0,0,0,1,增加停车位\n1001,,1,0,0,0,0,错时共享\n"
    )
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n2000,,0,5,1\n2001,,1,5,0\n3000,,0,5,-1\n"
    )
    conversation = services.polis_import(actor=staff, export=polis.read_export_dir(tmp_path), organization=organization)
    assert _votes(conversation) == {(5, 0, -1), (5, 1, 0)}
    assert set(conversation.participants.values_list("number", flat=True)) == {0, 5}


def _malformed(tmp_path):
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1000,,0,0,0,0,1,增加停车位\n"
    )
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n2000,,0,1,1\n2001,,0,2,1\n2002,,0,3,agree\n"
    )
    return tmp_path


def test_malformed_file_is_refused_with_line_and_reason_and_nothing_saved(organization, staff, tmp_path):
    _malformed(tmp_path)
    before = Conversation.objects.count()
    with pytest.raises(CommandError) as exc:
        call_command("import_polis", str(tmp_path), "--new-title", "坏文件", "--organization", organization.code)
    message = str(exc.value)
    assert "votes.csv" in message and "4" in message and "agree" in message
    assert Conversation.objects.count() == before
    assert not Participant.objects.exists() and not Statement.objects.exists() and not Vote.objects.exists()


def test_upload_form_shows_file_line_and_reason(client, organization, staff, tmp_path):
    from tests.accounts.test_isolation import _verified_login

    _malformed(tmp_path)
    _verified_login(client, staff)
    files = [
        SimpleUploadedFile(name, (tmp_path / name).read_bytes(), content_type="text/csv")
        for name in ("comments.csv", "votes.csv")
    ]
    response = client.post("/deliberation/import/", {"title": "坏文件", "files": files})
    body = response.content.decode()
    assert response.status_code == 200
    assert "votes.csv 第 4 行" in body and "vote" in body
    assert not Conversation.objects.exists()


def test_import_refuses_a_conversation_with_data(organization, staff, tmp_path):
    source = ConversationFactory(organization=organization)
    planted(source, n_participants=5)
    services.polis_export_write(source, tmp_path)
    with pytest.raises(Exception, match="尚无观点"):
        services.polis_import(actor=staff, export=polis.read_export_dir(tmp_path), conversation=source)


def test_import_needs_staff_rights(organization, member, tmp_path):
    from django.core.exceptions import PermissionDenied

    source = ConversationFactory(organization=organization)
    planted(source, n_participants=5)
    services.polis_export_write(source, tmp_path)
    with pytest.raises(PermissionDenied):
        services.polis_import(actor=member, export=polis.read_export_dir(tmp_path), organization=organization)


def test_import_command_into_existing_conversation(organization, tmp_path):
    folder = require_shared("15-per-hour-seattle")
    conversation = ConversationFactory(organization=organization)
    out = io.StringIO()
    call_command("import_polis", str(folder), "--conversation", str(conversation.pk), stdout=out)
    assert Statement.objects.filter(conversation=conversation).count() == 54
    assert "54 statements" in out.getvalue()


def test_import_vtaiwan_in_one_go(organization, django_assert_max_num_queries):
    folder = require_shared("vtaiwan.uberx")
    export = polis.read_export_dir(folder)
    with django_assert_max_num_queries(60):
        conversation = services.polis_import(
            actor=services.SystemActor(), export=export, organization=organization, title="vTaiwan"
        )
    n_final = len(
        {(p, s) for p, s in zip(export.participants.tolist(), export.statement_of_vote.tolist(), strict=True)}
    )
    assert conversation.votes.count() == n_final


def test_opinionmap_command_prints_one_json_object(capsys):
    folder = require_shared("15-per-hour-seattle")
    out = io.StringIO()
    call_command("opinionmap", str(folder), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) >= {"k", "groups", "consensus", "representative", "seconds"}
    assert data["k"] >= 2
    assert set(data["consensus"]) == {"agree", "disagree"}
    assert set(data["representative"]) == {str(g) for g in range(data["k"])}
    assert set(data["groups"].values()) == set(range(data["k"]))
    assert all(isinstance(s, int) for ids in data["representative"].values() for s in ids)


def test_opinionmap_command_reports_malformed_folder(tmp_path):
    _malformed(tmp_path)
    with pytest.raises(CommandError, match="votes.csv, line 4"):
        call_command("opinionmap", str(tmp_path), "--json")


def test_opinionmap_command_saves_nothing(db, tmp_path):
    folder = require_shared("15-per-hour-seattle")
    shutil.copytree(folder, tmp_path / "copy")
    call_command("opinionmap", str(tmp_path / "copy"), "--json", stdout=io.StringIO())
    assert not Conversation.objects.exists()


def test_zip_with_paths_only_uses_file_names(organization, staff):
    source = ConversationFactory(organization=organization)
    planted(source, n_participants=6)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in polis.export_files(source).items():
            archive.writestr(f"../../evil/{name}", data)
    export = polis.read_uploaded_export([SimpleUploadedFile("x.zip", buffer.getvalue())])
    assert len(export.statements) == 12


@pytest.mark.parametrize("layout", ["current", "newer-comments", "api-json"])
def test_import_of_every_layout_into_an_opinion_map_keeps_xids(organization, staff, tmp_path, layout):
    from tests.deliberation.polis_layouts import rewrite, xid_of

    folder = rewrite(require_shared("15-per-hour-seattle"), tmp_path / layout, layout)
    export = polis.read_export_dir(folder)
    conversation = services.polis_import(actor=staff, export=export, organization=organization)
    assert len(_votes(conversation)) == 2872
    xids = dict(conversation.participants.exclude(xid="").values_list("number", "xid"))
    if layout == "current":
        assert xids and all(x == xid_of(str(n)) for n, x in xids.items())
        assert len(xids) == len(export.xids)
    else:
        assert xids == {}
    maps.map_compute(conversation.pk)
    assert conversation.opinion_map.result["k"] == 2
    # ... and the export back carries them in the current format's xid column
    out = tmp_path / "out"
    services.polis_export_write(conversation, out)
    assert polis.read_export_dir(out).xids == xids


def test_meta_statements_stay_out_of_the_map(organization, staff, tmp_path):
    from tests.deliberation.polis_layouts import rewrite

    folder = rewrite(require_shared("15-per-hour-seattle"), tmp_path / "n", "newer-comments")
    text = (folder / "comments.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    meta = header.index("is-meta")
    cells = text[1].split(",")
    cells[meta] = "true"
    text[1] = ",".join(cells)
    (folder / "comments.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    conversation = services.polis_import(actor=staff, export=polis.read_export_dir(folder), organization=organization)
    number = int(cells[header.index("comment-id")])
    assert conversation.statements.get(number=number).is_meta
    assert number in maps.moderated_out_numbers(conversation)


def test_upload_of_the_api_json_layout(organization, staff, tmp_path):
    from tests.deliberation.polis_layouts import rewrite

    folder = rewrite(require_shared("15-per-hour-seattle"), tmp_path / "api", "api-json")
    uploads = [SimpleUploadedFile(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]
    export = polis.read_uploaded_export(uploads)
    assert export.layout == "api-json" and export.vote_matrix().n_votes == 2872
