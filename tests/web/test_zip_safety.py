"""Uploaded archives (issue 18 item 5): zip bombs by ratio and by total, duplicate entries, two
datasets in one zip and over-long names are refused with a message that says so, before anything is
unpacked; no Python traceback ever reaches the page."""

from __future__ import annotations

import os
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bidwatch.web.datasets import engine, services
from bidwatch.web.datasets.models import DatasetImport
from tests.web import factories


def _upload(client: Any, path: Path, capture: Any) -> DatasetImport:
    with capture(execute=True):
        response = client.post(reverse("datasets:list"), {"file": SimpleUploadedFile(path.name, path.read_bytes()),
                                                       "source_system": factories.SOURCE})
    assert response.status_code == 302
    return DatasetImport.objects.latest("id")


def _refused(client: Any, path: Path, capture: Any, *words: str) -> str:
    imp = _upload(client, path, capture)
    assert imp.status == DatasetImport.Status.REJECTED, imp.status
    message = imp.problems[0]["expected"]
    assert all(w in message for w in words), message
    page = client.get(reverse("datasets:detail", args=[imp.pk])).content.decode()
    assert "Traceback" not in page and 'data-testid="problem-table"' in page
    return message


def _dataset_zip(tmp_path: Path, name: str, extra: dict[str, bytes] | None = None, prefix: str = "") -> Path:
    folder = factories.write_dataset(tmp_path / f"{name}-ds")
    target = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names made on purpose
        for path in sorted(folder.iterdir()):
            zf.write(path, prefix + path.name)
        for entry, data in (extra or {}).items():
            zf.writestr(entry, data)
    return target


@pytest.mark.django_db
def test_a_bomb_by_ratio_is_refused_before_unpacking(client_for: Any, tmp_path: Path,
                                                     django_capture_on_commit_callbacks: Any) -> None:
    bomb = _dataset_zip(tmp_path, "bomb", {"padding.csv": b"0" * (64 * 1024**2)})  # 64 MiB -> ~64 KiB
    assert bomb.stat().st_size < 1024**2
    _refused(client_for("office"), bomb, django_capture_on_commit_callbacks, "padding.csv")
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    with pytest.raises(services.UploadRefused):
        services._safe_extract(bomb, unpacked)
    assert not any(unpacked.iterdir())  # nothing written, not even the good files


@pytest.mark.django_db
def test_a_bomb_by_total_is_refused(client_for: Any, tmp_path: Path, settings: Any,
                                    django_capture_on_commit_callbacks: Any) -> None:
    settings.MAX_UNZIPPED_BYTES = 2 * 1024**2
    big = _dataset_zip(tmp_path, "big", {"noise.bin": os.urandom(3 * 1024**2)})  # incompressible
    _refused(client_for("office"), big, django_capture_on_commit_callbacks)


@pytest.mark.django_db
def test_duplicate_entry_names_are_refused(client_for: Any, tmp_path: Path,
                                           django_capture_on_commit_callbacks: Any) -> None:
    twice = _dataset_zip(tmp_path, "twice", {"tenders.csv": b"tender_id\nX\n"})
    _refused(client_for("office"), twice, django_capture_on_commit_callbacks, "tenders.csv")


@pytest.mark.django_db
def test_two_datasets_in_one_zip_are_refused(client_for: Any, tmp_path: Path,
                                             django_capture_on_commit_callbacks: Any) -> None:
    folder = factories.write_dataset(tmp_path / "ds")
    both = tmp_path / "both.zip"
    with zipfile.ZipFile(both, "w") as zf:
        for sub in ("2023", "2024"):
            for path in sorted(folder.iterdir()):
                zf.write(path, f"{sub}/{path.name}")
    message = _refused(client_for("office"), both, django_capture_on_commit_callbacks, "2023/", "2024/")
    assert "一个" in message or "one dataset" in message


@pytest.mark.django_db
def test_a_dataset_and_a_workbook_in_one_zip_are_refused(client_for: Any, tmp_path: Path,
                                                         django_capture_on_commit_callbacks: Any) -> None:
    mixed = _dataset_zip(tmp_path, "mixed", {"other.xlsx": b"PK\x03\x04 not really"})
    _refused(client_for("office"), mixed, django_capture_on_commit_callbacks, "other.xlsx")


@pytest.mark.django_db
def test_a_long_entry_name_is_refused_without_a_traceback(client_for: Any, tmp_path: Path,
                                                          django_capture_on_commit_callbacks: Any) -> None:
    long_name = "说明" * 50 + ".txt"  # 300 bytes in UTF-8: the file system refuses it
    path = _dataset_zip(tmp_path, "long", {long_name: b"x"})
    _refused(client_for("office"), path, django_capture_on_commit_callbacks)


@pytest.mark.django_db
def test_an_unexpected_failure_shows_no_traceback(client_for: Any, tmp_path: Path, monkeypatch: Any,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    def broken(path: str, **options: Any) -> Any:  # options: what the import stores (loader.length_limits)
        raise RuntimeError(f"secret detail of {path}")

    monkeypatch.setattr(engine, "load_dataset", broken)
    office = client_for("office")
    imp = _upload(office, factories.zip_dataset(factories.write_dataset(tmp_path / "ds")),
                  django_capture_on_commit_callbacks)
    assert imp.status == DatasetImport.Status.FAILED
    page = office.get(reverse("datasets:detail", args=[imp.pk])).content.decode()
    assert "RuntimeError" in page and "Traceback" not in page and "secret detail" not in page
    assert "bidwatch-import" not in page and 'File "' not in page


@pytest.mark.django_db
def test_a_good_dataset_in_a_subfolder_still_imports(client_for: Any, tmp_path: Path,
                                                     django_capture_on_commit_callbacks: Any) -> None:
    path = _dataset_zip(tmp_path, "nested", prefix="数据/", extra={"__MACOSX/数据/._tenders.csv": b"x"})
    imp = _upload(client_for("office"), path, django_capture_on_commit_callbacks)
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]
