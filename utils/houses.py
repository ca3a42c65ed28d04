"""The Houses dataset (Ahmed & Moustafa, IJCCI 2016): 535 houses, four photos each and a row of facts.

Package-private: chapters call ``utils.data.load_houses``. Offline: the mirror's ``houses.tar.gz``.
Online: the zip of the default branch of github.com/emanhamed/Houses-dataset (``HOUSES_URL``), downloaded
once; GitHub's zips are not byte-stable, so what is checked is ``HousesInfo.txt`` (sha256, byte-identical
to the mirror's) and that all 2,140 photos are there. The photos are stored as the mirror's (longer side
160 px, JPEG quality 90), so both paths give tensors of the same shapes and ranges and nearly the same
pixels (the mirror's resampling filter is not recorded; bicubic here); the resized tensors are cached per size
(first read of the 2,140 photos about 4 s on 2 busy CPU cores, then 0.3 s). Row i of ``HousesInfo.txt`` is
house i + 1. The repository has no licence file and asks users to cite the paper.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import torch

from utils.downloads import (
    DataNotFoundError,
    building,
    check_zip,
    data_dir,
    fetch,
    offline_copy,
    offline_source,
    sha256sum,
)

VIEWS = ("frontal", "bedroom", "bathroom", "kitchen")
HOUSES = 535
HOUSES_URL = "https://github.com/emanhamed/Houses-dataset/archive/HEAD.zip"
HOUSES_REPOSITORY = "github.com/emanhamed/Houses-dataset"
HOUSES_INFO_SHA256 = "47d22d22d96b490d19a3bc686edd3524af97e2c7041cfbd57c0f463ba80bb664"
MIRROR_LONG_SIDE, MIRROR_QUALITY = 160, 90  # how the mirror stores the photos; the download is made the same
INFO, FOLDER = "HousesInfo.txt", "Houses Dataset"


def houses_folder() -> tuple[Path, str]:
    """Return the folder with ``HousesInfo.txt`` and the photos, and how to name its source."""
    root = data_dir()
    if offline_copy("houses", root):
        return root / "houses" / FOLDER, offline_source("houses")
    folder = root / "houses-github" / FOLDER
    if not folder.is_dir():
        download_houses(folder)
    return folder, HOUSES_REPOSITORY


def download_houses(folder: Path) -> None:
    """Download the repository's zip once, check it and store its photos as the mirror does."""
    archive = fetch(HOUSES_URL, folder.parent / "Houses-dataset.zip", f"the Houses dataset ({HOUSES_REPOSITORY})")
    check_zip(archive, "the Houses dataset", None,
              "Download it again later, or set COURSE_DATA_MIRROR to a folder holding houses.tar.gz.")
    try:
        with zipfile.ZipFile(archive) as bundle, building(folder) as partial:
            members = {Path(name).name: name for name in bundle.namelist() if f"/{FOLDER}/" in f"/{name}"}
            info = members.get(INFO)
            if info is None or not info.endswith(f"{FOLDER}/{INFO}"):
                raise DataNotFoundError(f"The Houses download holds no {FOLDER}/{INFO}: not the dataset's repository.")
            (partial / INFO).write_bytes(bundle.read(info))
            if sha256sum(partial / INFO) != HOUSES_INFO_SHA256:
                raise DataNotFoundError(f"{INFO} in the download differs from the published one (sha256): "
                                        "use the offline archive houses.tar.gz instead (COURSE_DATA_MIRROR).")
            for house in range(1, HOUSES + 1):
                for view in VIEWS:
                    name = f"{house}_{view}.jpg"
                    if name not in members:
                        raise DataNotFoundError(f"The Houses download lacks {name}: it is incomplete; download again.")
                    _store_like_mirror(bundle.read(members[name]), partial / name)
    finally:
        archive.unlink(missing_ok=True)


def _store_like_mirror(raw: bytes, target: Path) -> None:
    """Save a photo as the mirror holds it: longer side 160 px (aspect kept), JPEG quality 90."""
    from PIL import Image

    with Image.open(io.BytesIO(raw)) as image:
        image = image.convert("RGB")
        image.thumbnail((MIRROR_LONG_SIDE, MIRROR_LONG_SIDE), Image.Resampling.BICUBIC)
        image.save(target, quality=MIRROR_QUALITY)


def read_houses_info(path: Path) -> torch.Tensor:
    """Return ``HousesInfo.txt`` as a (535, 5) float64 tensor: bedrooms, bathrooms, area, zipcode, price."""
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    if len(rows) != HOUSES or any(len(row) != 5 for row in rows):
        raise DataNotFoundError(f"{INFO} should hold {HOUSES} rows of 5 numbers: the file is damaged; "
                                "extract or download the dataset again (delete its folder in data/).")
    return torch.tensor([[float(value) for value in row] for row in rows], dtype=torch.float64)


def read_photo(path: Path, size: int) -> torch.Tensor:
    """Return one photo as a (3, size, size) uint8 tensor: shorter side resized to ``size``, centre cropped."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            square = ImageOps.fit(image.convert("RGB"), (size, size), Image.Resampling.BICUBIC)
    except (OSError, UnidentifiedImageError) as error:
        raise DataNotFoundError(f"Cannot read the photo {path.name} ({error}): delete the dataset's folder "
                                "in data/ so it is extracted or downloaded again.") from None
    return torch.frombuffer(bytearray(square.tobytes()), dtype=torch.uint8).view(size, size, 3).permute(2, 0, 1)


def house_photos(folder: Path, size: int) -> torch.Tensor:
    """Return all photos as a (535, 4, 3, size, size) uint8 tensor, cached in ``folder`` after the first read."""
    cache = folder / f".photos-{size}px.pt"
    if cache.is_file():
        return torch.load(cache, weights_only=True)
    photos = torch.stack([torch.stack([read_photo(folder / f"{house}_{view}.jpg", size) for view in VIEWS])
                          for house in range(1, HOUSES + 1)])
    torch.save(photos, cache)
    return photos
