"""An extract written by a Windows system (Windows-1252) is refused until its encoding is set,
then built through UTF-8 copies, with its names arriving in the warehouse intact.

The extract is the hand-worked extract with its practices file rewritten in Windows-1252: a
curly apostrophe (byte 0x92, which Latin-1 would read as a control character) in a practice
name and an accented PCN name.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from hand_extract import PRACTICES, write_hand_extract

from qof_warehouse.cli import main
from qof_warehouse.extract_check import ExtractError, check_extract, transcode_extract

PRACTICE_NAME = "St Mary\u2019s Surgery"  # the curly apostrophe is byte 0x92 in Windows-1252
PCN_NAME = "Chlo\u00e9 Health PCN"
HEADER = ["practice_code", "practice_name", "pcn_code", "pcn_name", "icb_code", "icb_name"]


def _windows_practices() -> list[tuple[str, ...]]:
    first = PRACTICES[0]
    return [(first[0], PRACTICE_NAME, first[2], PCN_NAME, *first[4:]), *PRACTICES[1:]]


def _write_practices(extract: Path, encoding: str) -> Path:
    path = extract / "practices.csv"
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(_windows_practices())
    return path


@pytest.fixture
def windows_extract(tmp_path: Path) -> Path:
    extract = write_hand_extract(tmp_path / "extract")
    path = _write_practices(extract, "cp1252")
    assert b"\x92" in path.read_bytes() and b"\xe9" in path.read_bytes()
    return extract


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_windows_extract_is_refused_naming_the_file_and_the_setting(
    windows_extract: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ExtractError) as caught:
        check_extract(windows_extract)
    message = str(caught.value)
    assert str(windows_extract / "practices.csv") in message and "is not UTF-8" in message
    assert "--encoding cp1252" in message and "QOF_EXTRACT_ENCODING" in message
    assert main(["check", "--extract-dir", str(windows_extract)]) == 2
    assert "--encoding cp1252" in capsys.readouterr().err


def test_windows_extract_passes_the_check_with_the_option_or_the_environment(
    windows_extract: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert check_extract(windows_extract, "cp1252").row_counts["practices"] == len(PRACTICES)
    assert main(["check", "--extract-dir", str(windows_extract), "--encoding", "cp1252"]) == 0
    monkeypatch.setenv("QOF_EXTRACT_ENCODING", "windows-1252")
    assert main(["check", "--extract-dir", str(windows_extract)]) == 0


def test_transcoded_copy_is_utf8_and_the_extract_is_untouched(windows_extract: Path, tmp_path: Path) -> None:
    before = _snapshot(windows_extract)
    copies = transcode_extract(windows_extract, "cp1252", tmp_path / "copies")
    assert _snapshot(windows_extract) == before
    text = (copies / "practices.csv").read_bytes().decode("utf-8")
    assert PRACTICE_NAME in text and PCN_NAME in text
    assert (copies / "events.csv").read_bytes() == before["events.csv"]  # ASCII: unchanged


def test_utf8_file_read_as_cp1252_is_refused(tmp_path: Path) -> None:
    # Reading UTF-8 as Windows-1252 would silently turn "Chloé" into "ChloÃ©".
    extract = write_hand_extract(tmp_path / "extract")
    _write_practices(extract, "utf-8")
    with pytest.raises(ExtractError) as caught:
        check_extract(extract, "cp1252")
    assert "practices.csv" in str(caught.value) and "is UTF-8" in str(caught.value)


def test_byte_undefined_in_cp1252_is_refused(windows_extract: Path) -> None:
    path = windows_extract / "practices.csv"
    path.write_bytes(path.read_bytes().replace(b"\x92", b"\x81"))  # 0x81 has no cp1252 character
    with pytest.raises(ExtractError) as caught:
        check_extract(windows_extract, "cp1252")
    assert "practices.csv" in str(caught.value) and "cannot be read as cp1252" in str(caught.value)


def test_unknown_encoding_is_refused(windows_extract: Path) -> None:
    with pytest.raises(ExtractError, match="unknown extract encoding 'klingon'"):
        check_extract(windows_extract, "klingon")


def test_windows_extract_builds_with_its_names_intact(windows_extract: Path, tmp_path: Path) -> None:
    before = _snapshot(windows_extract)
    warehouse = tmp_path / "warehouse" / "encoded.duckdb"
    args = ["build", "--extract-dir", str(windows_extract), "--duckdb", str(warehouse)]
    dbt_args = ["--", "--exclude", "resource_type:unit_test"]
    assert main([*args, "--encoding", "cp1252", "--no-alerts", *dbt_args]) == 0
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        names = connection.execute(
            "select practice_name, pcn_name from stg_gp_extract__practices where practice_code = ?",
            [PRACTICES[0][0]],
        ).fetchone()
        source_files = connection.execute(
            "select distinct source_file from base_gp_extract__practices"
        ).fetchall()
    assert names == (PRACTICE_NAME, PCN_NAME)
    # Rows name the user's file, not the temporary UTF-8 copy they were read from.
    assert source_files == [(str((windows_extract / "practices.csv").resolve()),)]
    assert _snapshot(windows_extract) == before
    assert sorted(path.name for path in warehouse.parent.iterdir()) == [
        "encoded.duckdb",
        "encoded.duckdb.lock",
    ]
