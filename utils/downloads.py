"""Where the course's data lives and how it arrives: the data folder, the checked offline mirror, downloads.

Package-private helpers of ``utils.data`` (its loaders are the public interface). What these helpers
print or raise names sources (an archive's file name, a host), never this machine's folders, except
where an error must show the folders it tried.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MIRROR_ENV = "COURSE_DATA_MIRROR"
DATA_DIR_ENV = "COURSE_DATA_DIR"
CHECKOUT = Path(__file__).resolve().parents[1]

ARCHIVES = {
    "mnist": ("mnist.tar.gz", "294f2d6b1de07ca55a19b8b9de9c499424b91f06a38180f1585894dda44f440a"),
    "cifar10": ("cifar10-jpeg.tar.gz", "d34c68f61cca57aa9144c8f25bda427abb9921bd642d5857a2fc1a6b4416f965"),
    "faces": ("celeba64.tar.gz", "b1a2f0e3f54c3d6f4f05cabe96bb270d1817b7351ecfe6c836082bb127b0e69f"),
    "attributes": ("celeba-attributes.tar.gz", "e656e834eb033b2cd4c34d67454abfe674faf1cf36edb4e47482f0688643b036"),
    "houses": ("houses.tar.gz", "c5253feb9e62311fde2475797523f217d9ce2638bfdbeb56b8d132d904d5299c"),
}


class DataNotFoundError(FileNotFoundError):
    """Raised when a dataset is neither on disk, nor in the mirror, nor downloadable; says what to do."""


def data_dir() -> Path:
    """Return the folder datasets live in: ``COURSE_DATA_DIR``, else ``data/`` of the checkout or cwd."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser().resolve()
    base = CHECKOUT if (CHECKOUT / "pyproject.toml").exists() else Path.cwd()
    return base / "data"


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """Return the hex digest (``sha256`` or ``md5``) of the file at ``path``."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256sum(path: Path) -> str:
    """Return the hex sha256 digest of the file at ``path``."""
    return file_digest(path, "sha256")


def offline_source(name: str) -> str:
    """Return how messages name dataset ``name``'s offline archive (its file name, never a folder)."""
    return f"the offline archive {ARCHIVES[name][0]}"


def mirror_candidates(value: str) -> list[Path]:
    """Return the folders a ``COURSE_DATA_MIRROR`` value may mean: as given, else from cwd, then the checkout."""
    path = Path(value).expanduser()
    if path.is_absolute():
        return [path.resolve()]
    return list(dict.fromkeys([(Path.cwd() / path).resolve(), (CHECKOUT / path).resolve()]))


def mirror_archive(name: str) -> Path | None:
    """Return the mirror's archive of dataset ``name`` (None without a mirror); say what was tried if absent."""
    value = os.environ.get(MIRROR_ENV, "").strip()
    if not value:
        return None
    filename = ARCHIVES[name][0]
    candidates = mirror_candidates(value)
    for folder in candidates:
        if (folder / filename).is_file():
            return folder / filename
    tried = " and ".join(str(folder) for folder in candidates)
    if not any(folder.is_dir() for folder in candidates):
        raise DataNotFoundError(
            f"{MIRROR_ENV}={value} is not a folder (tried {tried}): set it to the folder with the course's "
            f"archives, e.g. an absolute path, or unset it to download {name} instead.")
    raise DataNotFoundError(
        f"{MIRROR_ENV}={value} holds no {filename} (tried {tried}): point {MIRROR_ENV} at the folder with "
        f"the course's archives (e.g. ../shared/datasets), or unset it to download {name} instead.")


def already_extracted(name: str, target: Path) -> bool:
    """Return whether dataset ``name``'s checked archive was already extracted into ``target``."""
    filename, expected = ARCHIVES[name]
    marker = target / f".extracted-{filename}"
    return marker.is_file() and marker.read_text() == expected


def extract_from_mirror(name: str, target: Path) -> Path | None:
    """Check and extract dataset ``name``'s archive from ``COURSE_DATA_MIRROR`` into ``target``, once.

    Returns the archive's path, or None when no mirror is set. A marker file records the extraction;
    a wrong checksum or a missing archive raises ``DataNotFoundError``.
    """
    archive = mirror_archive(name)
    if archive is None or already_extracted(name, target):
        return archive
    filename, expected = ARCHIVES[name]
    actual = sha256sum(archive)
    if actual != expected:
        raise DataNotFoundError(
            f"{filename} has sha256 {actual[:12]}…, expected {expected[:12]}…: the file is damaged "
            "or not the course's archive. Copy it again from the course's dataset folder.")
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        try:
            tar.extractall(target, filter="data")
        except TypeError:  # Python before 3.11.4 has no extraction filters
            tar.extractall(target)
    (target / f".extracted-{filename}").write_text(expected)
    return archive


def offline_copy(name: str, target: Path) -> bool:
    """Return whether dataset ``name`` is available offline: from the mirror, or already extracted in ``target``."""
    return extract_from_mirror(name, target) is not None or already_extracted(name, target)


def host(url: str) -> str:
    """Return the host of ``url`` (what messages name instead of the whole address)."""
    return urllib.parse.urlsplit(url).netloc


def fetch(url: str, target: Path, what: str) -> Path:
    """Download ``url`` to ``target`` through a ``.part`` file; a failure raises ``DataNotFoundError``."""
    part = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"Downloading {what} from {host(url)} (once) …")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(part, "wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
    except (OSError, urllib.error.URLError) as error:
        part.unlink(missing_ok=True)
        raise DataNotFoundError(f"Could not download {what} from {host(url)} ({error}).") from None
    part.replace(target)
    return target


def check_zip(path: Path, what: str, digest: tuple[str, str] | None, next_option: str) -> None:
    """Refuse (and delete) a download that is a web page, not a zip, or has the wrong ``(algorithm, hex)``."""
    with open(path, "rb") as handle:
        head = handle.read(512).lstrip().lower()
    problem = None
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head")):
        problem = "is a web page, not a zip (Google Drive answers like this when its download quota is used up)"
    elif not zipfile.is_zipfile(path):
        problem = "is not a valid zip (damaged or cut short)"
    elif digest and file_digest(path, digest[0]) != digest[1]:
        problem = f"has the wrong {digest[0]} (expected {digest[1][:12]}…): damaged or not the official file"
    if problem:
        path.unlink(missing_ok=True)
        raise DataNotFoundError(f"The download of {what} {problem}. {next_option}")


@contextmanager
def building(target: Path) -> Iterator[Path]:
    """Yield a temporary sibling folder that becomes ``target`` only when the block succeeds."""
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        yield partial
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if target.exists():
        shutil.rmtree(target)
    partial.rename(target)
