"""The lake on S3-compatible object storage: a `pathlib`-like `ObjectPath` over pyarrow's S3 filesystem.

    ORDERHUB_LAKE=s3://orderhub/shop-a        # AWS S3, MinIO, Ceph, OSS/COS/OBS S3 APIs
    AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_REGION=...
    AWS_ENDPOINT_URL=https://minio.internal:9000   # any S3-compatible endpoint (optional)

Why a path look-alike: the lake code (models/lake.py, views, compaction, every engineer's callers) passes
`settings.lake_dir` around and joins, lists, stats and removes paths under it. An `ObjectPath` answers
the same calls, so that code runs on a bucket unchanged, and the local folder stays the plain default.

Atomicity on a store is not a rename: an object becomes visible whole when its upload completes (a single
PUT, or a multipart upload's final Complete call) and never before, so a writer killed mid-upload leaves
nothing a listing shows. Objects are written once under unique names and never changed. `create_only`
uses the store's conditional write (`If-None-Match: *`) for the few objects two processes may race to
create (leases); a store without it must run a single writer (docs/scale.md).

DuckDB reads the bucket's objects through the same pyarrow filesystem into a local read-through cache
(`local`), so no DuckDB extension is downloaded at run time. (DuckDB's fsspec hook was tried first: its scans
hung on the GIL, duckdb/duckdb#16501.)
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import Any

import pyarrow.fs as pafs

SCHEME = "s3://"


class ConditionalWriteUnsupported(RuntimeError):
    """The store ignored or refused `If-None-Match`: leases cannot be trusted; run one writer."""


def lake_path(uri: str) -> Path | ObjectPath:
    """A lake location: `s3://bucket/prefix` → ObjectPath; `file:///x` or a plain path → Path."""
    if uri.startswith(SCHEME):
        return ObjectPath(uri[len(SCHEME):].strip("/"))
    return Path(uri.removeprefix("file://"))


def endpoint() -> str | None:
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


@cache
def _filesystem(endpoint_url: str | None, key: str | None, secret: str | None, region: str) -> pafs.S3FileSystem:
    kwargs: dict[str, Any] = {"region": region, "access_key": key, "secret_key": secret}
    if endpoint_url:
        scheme, _, host = endpoint_url.partition("://")
        kwargs.update(endpoint_override=host, scheme=scheme)
    return pafs.S3FileSystem(**kwargs)


def filesystem() -> pafs.S3FileSystem:
    """The S3 filesystem the environment describes (credentials are read here and never logged)."""
    return _filesystem(endpoint(), os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY"),
                       os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1")


@dataclass(frozen=True)
class ObjectPath:
    """`bucket/key` on the S3 filesystem, with the `Path` methods the lake uses."""

    key: str

    def __truediv__(self, part: str) -> ObjectPath:
        return ObjectPath(f"{self.key}/{part}".strip("/"))

    def __str__(self) -> str:
        return SCHEME + self.key

    def __lt__(self, other: ObjectPath) -> bool:
        return self.key < other.key

    def as_posix(self) -> str:
        return str(self)

    def resolve(self) -> ObjectPath:
        return self

    @property
    def name(self) -> str:
        return PurePosixPath(self.key).name

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.key).suffix

    @property
    def parent(self) -> ObjectPath:
        return ObjectPath(str(PurePosixPath(self.key).parent))

    def with_name(self, name: str) -> ObjectPath:
        return self.parent / name

    def mkdir(self, parents: bool = False, exist_ok: bool = False) -> None:
        """Folders are implied by keys on an object store: nothing to make."""

    def exists(self) -> bool:
        return filesystem().get_file_info(self.key).type != pafs.FileType.NotFound

    def stat(self) -> SimpleNamespace:
        info = filesystem().get_file_info(self.key)
        if info.type == pafs.FileType.NotFound:
            raise FileNotFoundError(str(self))
        mtime_ns = info.mtime_ns or 0
        return SimpleNamespace(st_size=info.size or 0, st_mtime_ns=mtime_ns, st_mtime=mtime_ns / 1e9)

    def glob(self, pattern: str) -> list[ObjectPath]:
        """Objects under this prefix whose relative key matches `pattern` part by part (`*` within a part)."""
        parts = pattern.split("/")
        selector = pafs.FileSelector(self.key, recursive=True, allow_not_found=True)
        found = []
        for info in filesystem().get_file_info(selector):
            rel = info.path[len(self.key) + 1:].split("/")
            if info.type == pafs.FileType.File and len(rel) == len(parts) and \
                    all(fnmatch.fnmatchcase(r, p) for r, p in zip(rel, parts, strict=True)):
                found.append(ObjectPath(info.path))
        return found

    def unlink(self, missing_ok: bool = False) -> None:
        try:
            filesystem().delete_file(self.key)
        except FileNotFoundError:
            if not missing_ok:
                raise

    def read_bytes(self) -> bytes:
        with filesystem().open_input_stream(self.key) as fh:
            return fh.read()

    def write_bytes(self, data: bytes) -> None:
        """One upload: the object appears whole when it completes, or not at all."""
        with filesystem().open_output_stream(self.key) as fh:
            fh.write(data)


def is_object(path: Any) -> bool:
    return isinstance(path, ObjectPath) or str(path).startswith(SCHEME)


def to_path(path: str | Path | ObjectPath) -> Path | ObjectPath:
    """A file name as listed in the views (a string) back to the path it names."""
    return path if isinstance(path, Path | ObjectPath) else lake_path(path)


def open_input(path: str | Path | ObjectPath) -> Any:
    """Something pyarrow's Parquet reader opens: the local path, or the object's random-access file."""
    if is_object(path):
        return filesystem().open_input_file(str(path)[len(SCHEME):])
    return str(path)


def write_atomic(path: Path | ObjectPath, data: bytes) -> None:
    """Make `data` visible at `path` whole or not at all (temp + rename locally; one upload on a store)."""
    if isinstance(path, ObjectPath):
        path.write_bytes(data)
    else:
        from models import atomic

        atomic.write_bytes(path, data)


def create_only(path: Path | ObjectPath, data: bytes) -> bool:
    """Create `path` with `data` unless it exists; True if this call created it. Two racing callers: one wins.

    Locally an exclusive hard link of a complete temp file; on a store a conditional PUT (`If-None-Match: *`).
    """
    if isinstance(path, ObjectPath):
        return _put_if_absent(path, data)
    from models import atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = atomic.temp_path(path)
    tmp.write_bytes(data)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def _put_if_absent(path: ObjectPath, data: bytes) -> bool:
    import boto3
    from botocore.exceptions import ClientError

    bucket, _, key = path.key.partition("/")
    client = boto3.client("s3", endpoint_url=endpoint())
    try:
        client.put_object(Bucket=bucket, Key=key, Body=data, IfNoneMatch="*")
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("PreconditionFailed", "ConditionalRequestConflict"):
            return False
        if code in ("NotImplemented", "InvalidArgument"):
            raise ConditionalWriteUnsupported(f"{path}: the store refuses conditional writes ({code})") from exc
        raise
    return True


def local(path: str) -> str:
    """A local file with the content of `path` for DuckDB to read: the path itself, or for an object a copy in
    the read-through cache (`$ORDERHUB_LAKE_CACHE`, default `<data>/cache/lake`), fetched once: lake objects
    never change under their name, so a cached copy never goes stale. A missing object raises FileNotFoundError
    (compaction removed it since the listing; the caller lists again)."""
    if not path.startswith(SCHEME):
        return path
    key = path[len(SCHEME):]
    target = cache_root() / key
    if not target.exists():
        from models import atomic

        with filesystem().open_input_stream(key) as src:
            data = src.read()
        atomic.write_bytes(target, data)
    return target.as_posix()


def cache_root() -> Path:
    default = Path(os.environ.get("ORDERHUB_DATA") or "data") / "cache" / "lake"
    return Path(os.environ.get("ORDERHUB_LAKE_CACHE") or default)
