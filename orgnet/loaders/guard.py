"""Guards against hostile or broken input files, checked before anything is parsed.

Every check is cheap (file sizes, the zip central directory, a byte count of line
breaks) so a row bomb, a cell bomb or a zip bomb is refused in well under a second with
little memory, and the message says which limit it hit (Chinese first, then English) and
which ``ORGNET_…`` setting raises it (:class:`orgnet.settings.Limits`).

Uploads: :func:`temporary_upload_dir` is the folder an upload is unpacked into (removed
on exit, even on errors) and :func:`unpack_upload` writes an uploaded ``.zip`` of CSV
files or an ``.xlsx`` workbook into it after checking the zip::

    with temporary_upload_dir() as tmp:
        path = unpack_upload(name, data, tmp)
        result = validate_path(path)
        rejects = rejects_zip(result)     # everything that reads the files: inside the block
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from orgnet.errors import InputError, InputTooLarge
from orgnet.settings import Limits, limits as current_limits

__all__ = ["check_file_size", "check_zip", "check_line_count", "check_sheet_rows", "temporary_upload_dir",
           "unpack_upload", "UPLOAD_PREFIX"]

#: prefix of the temporary folders uploads are unpacked into
UPLOAD_PREFIX = "orgnet-import-"
_MB = 1 << 20
#: members smaller than this may compress better than max_zip_ratio (styles, empty sheets)
_RATIO_FLOOR = 1 << 20
#: most files a workbook or an uploaded zip may hold
_MAX_MEMBERS = 10_000
_CHUNK = 1 << 20


def _mb(n: int) -> str:
    return f"{n / _MB:,.1f} MB"


def check_file_size(path: Path, size: int | None = None, lim: Limits | None = None) -> None:
    """Refuse a file larger than ``max_file_mb``."""
    lim = lim or current_limits()
    size = path.stat().st_size if size is None else size
    if size > lim.max_file_mb * _MB:
        raise InputTooLarge(
            f"{path.name}: 文件过大（{_mb(size)}），上限为 {lim.max_file_mb} MB；请拆分文件，或设置环境变量 "
            f"ORGNET_MAX_FILE_MB 提高上限 / the file is {_mb(size)}, more than the limit of "
            f"{lim.max_file_mb} MB (ORGNET_MAX_FILE_MB)")


def check_zip(source: str | Path | BinaryIO, label: str, lim: Limits | None = None) -> None:
    """Check a zip's central directory (an ``.xlsx`` is a zip) before anything is unpacked.

    Refuses more than 10,000 members, a total declared uncompressed size above
    ``max_unzipped_mb`` and a member (above 1 MB) compressed more than ``max_zip_ratio``:1.
    Only the directory is read; the declared sizes are binding (``zipfile`` stops reading a
    member at its declared size and fails its checksum when the data is longer).
    """
    lim = lim or current_limits()
    try:
        with zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(f"{label}: 文件已损坏或不是 zip/xlsx 文件 / not a valid zip or .xlsx "
                         f"file ({e})") from e
    if len(infos) > _MAX_MEMBERS:
        raise InputTooLarge(f"{label}: 压缩包内文件过多（{len(infos):,} 个，上限 {_MAX_MEMBERS:,}） / "
                            f"the archive holds {len(infos):,} files, more than {_MAX_MEMBERS:,}")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > lim.max_zip_ratio:
            raise InputTooLarge(
                f"{label}: 压缩比异常（{info.filename} 解压后 {_mb(info.file_size)}，压缩率 {ratio:,.0f}:1，"
                f"上限 {lim.max_zip_ratio}:1），疑似压缩炸弹，已拒绝；如确为正常文件，请设置环境变量 "
                f"ORGNET_MAX_ZIP_RATIO / {info.filename} expands to {_mb(info.file_size)} "
                f"({ratio:,.0f}:1, limit {lim.max_zip_ratio}:1, ORGNET_MAX_ZIP_RATIO): refused as a "
                f"possible zip bomb")
        if total > lim.max_unzipped_mb * _MB:
            raise InputTooLarge(
                f"{label}: 解压后超过 {lim.max_unzipped_mb} MB（至少 {_mb(total)}），已拒绝；请拆分文件，或设置"
                f"环境变量 ORGNET_MAX_UNZIPPED_MB / the archive expands to more than "
                f"{lim.max_unzipped_mb} MB (ORGNET_MAX_UNZIPPED_MB)")


def check_line_count(path: Path, label: str, lim: Limits | None = None) -> int:
    """Count the line breaks of a text file (bytes, no decoding) and refuse more than
    ``max_rows`` data lines (plus the header line). Returns the count."""
    lim = lim or current_limits()
    allowed = lim.max_rows + 1
    lines = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            lines += max(chunk.count(b"\n"), chunk.count(b"\r"))  # LF, CRLF or old-Mac CR
            if lines > allowed:
                raise too_many_rows(label, lim)
    return lines


def check_sheet_rows(path: Path, label: str, lim: Limits | None = None) -> None:
    """Count the ``<row`` tags of every worksheet of a workbook (streamed, nothing parsed) and
    refuse a sheet with more than ``max_rows`` data rows, before openpyxl touches it."""
    lim = lim or current_limits()
    allowed = lim.max_rows + 1
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if not info.filename.startswith("xl/worksheets/") or info.file_size < 5 * allowed:
                    continue  # (a sheet smaller than 5 bytes a row cannot hold too many rows)
                rows, tail = 0, b""
                with zf.open(info) as f:
                    while chunk := f.read(_CHUNK):
                        data = tail + chunk
                        rows += data.count(b"<row") - tail.count(b"<row")
                        tail = data[-4:]
                        if rows > allowed:
                            raise too_many_rows(f"{label}[{info.filename}]", lim)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as e:
        raise InputError(f"{label}: 文件已损坏 / the workbook is damaged ({e})") from e


def too_many_rows(label: str, lim: Limits) -> InputTooLarge:
    return InputTooLarge(
        f"{label}: 行数超过上限 {lim.max_rows:,} 行，已拒绝；请拆分数据，或设置环境变量 ORGNET_MAX_ROWS / "
        f"more than {lim.max_rows:,} rows (ORGNET_MAX_ROWS)")


def too_many_columns(label: str, columns: int, lim: Limits) -> InputTooLarge:
    return InputTooLarge(
        f"{label}: 列数 {columns:,} 超过上限 {lim.max_columns:,}，已拒绝；请删除多余的列，或设置环境变量 "
        f"ORGNET_MAX_COLUMNS / {columns:,} columns, more than {lim.max_columns:,} "
        f"(ORGNET_MAX_COLUMNS)")


@contextlib.contextmanager
def temporary_upload_dir() -> Iterator[Path]:
    """A fresh ``orgnet-import-*`` folder in the temp directory, removed on exit (also on errors)."""
    path = Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _member_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if info.flag_bits & 0x800 == 0:  # not UTF-8 flagged: Windows zips use GBK names
        try:
            name = name.encode("cp437").decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def unpack_upload(name: str, data: bytes, workdir: str | Path, lim: Limits | None = None) -> Path:
    """Write an uploaded ``.xlsx`` or ``.zip`` (CSV files, maybe in one folder, or one workbook)
    into ``workdir`` after the size and zip checks; return the dataset path to validate."""
    lim = lim or current_limits()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    label = Path(name).name
    check_file_size(Path(label), len(data), lim)
    lower = label.lower()
    if lower.endswith((".xlsx", ".xlsm")):
        check_zip(io.BytesIO(data), label, lim)
        target = workdir / label
        target.write_bytes(data)
        return target
    if not lower.endswith(".zip"):
        raise InputError(f"{label}: 请上传 CSV 文件的 zip 压缩包或 .xlsx 工作簿 / upload a .zip of CSV "
                         f"files or an .xlsx workbook")
    check_zip(io.BytesIO(data), label, lim)
    out = workdir / "dataset"
    out.mkdir(exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            fname = _member_name(info)
            base = Path(fname.replace("\\", "/")).name  # never a path outside `out`
            if info.is_dir() or "__MACOSX" in fname or not base or base.startswith("."):
                continue
            if Path(base).suffix.lower() not in (".csv", ".tsv", ".txt", ".xlsx"):
                continue
            try:
                with zf.open(info) as src, (out / base).open("wb") as dst:
                    shutil.copyfileobj(src, dst, _CHUNK)
            except (zipfile.BadZipFile, OSError, RuntimeError) as e:
                raise InputError(f"{label}: 无法解压 {fname} / cannot unpack {fname} ({e})") from e
    return out
