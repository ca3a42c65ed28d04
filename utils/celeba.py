"""CelebA faces and the file of their 40 attribute annotations, from the sources that work, each checked before use.

Package-private: chapters call ``utils.data.load_faces`` and ``utils.data.load_face_attributes``.
Faces, in order: ``COURSE_FACES_DIR``; a Kaggle-attached CelebA under ``KAGGLE_INPUT``; the offline
archive (``COURSE_DATA_MIRROR``, or already extracted in the data folder); the official
``img_align_celeba.zip`` from the PyTorch tutorial-assets host; torchvision's Google-Drive copy last.
Downloaded and Kaggle faces are the first ``FACES`` images, cropped and resized as the offline archive
(a 140×140 box at (19, 40) of the 178×218 aligned photo, bicubic to 64×64, JPEG quality 95).
The annotations are parsed and checked in utils.celeba_attributes.
CelebA (Liu et al., ICCV 2015) is for non-commercial research and education only.
"""

from __future__ import annotations

import importlib.util
import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from torch.utils.data import Dataset

from utils.downloads import (
    DataNotFoundError,
    building,
    check_zip,
    data_dir,
    fetch,
    file_digest,
    offline_copy,
    offline_source,
)

FACES_DIR_ENV = "COURSE_FACES_DIR"
FACES = 10_000  # the faces the chapters use: the first 10,000 aligned images, as in the offline archive
KAGGLE_INPUT = Path("/kaggle/input")
CELEBA_ZIP_URL = "https://s3.amazonaws.com/pytorch-tutorial-assets/img_align_celeba.zip"
CELEBA_ZIP_SHA256 = "46fb89443c578308acf364d7d379fe1b9efb793042c0af734b6112e4fd3a8c74"
DRIVE_FILES = {  # torchvision's CelebA file ids and md5 sums (torchvision.datasets.CelebA.file_list)
    "img_align_celeba.zip": ("0B7EVK8r0v71pZjFTYXZWM3FlRnM", "00d2c5bc6d35e252742224ab0c1e8fcb"),
    "list_attr_celeba.txt": ("0B7EVK8r0v71pblRyaVFSWGxPY0U", "75e246fa4810816ffd6ee81facbd244c"),
}
# sha256 of the attribute names (space-joined, newline) and the 0/1 values of rows 000001-010000, as bytes
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
ALIGNED_SIZE, BOX = (178, 218), (19, 40, 159, 180)
TUTORIAL_SOURCE = "img_align_celeba.zip from the PyTorch tutorial-assets host (s3.amazonaws.com)"
DRIVE_SOURCE = "img_align_celeba.zip through torchvision's Google-Drive download"
LAST_RESORT = (f"Attach a CelebA dataset on Kaggle, set {FACES_DIR_ENV} to a folder of CelebA images, or set "
               "COURSE_DATA_MIRROR to a folder holding the course's archives.")


class FaceImages(Dataset):
    """Face photos from a list of files, in order, each as ``(transform(image), 0)``."""

    def __init__(self, files: list[Path], transform=None):
        self.files, self.transform = files, transform

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, index: int):
        from PIL import Image

        try:
            with Image.open(self.files[index]) as image:
                image = image.convert("RGB")
        except OSError as error:
            raise DataNotFoundError(f"Cannot read the face image {self.files[index].name} ({error}): "
                                    "replace or delete that file.") from None
        return (self.transform(image) if self.transform else image), 0


def image_files(folder: Path) -> list[Path]:
    """Return a folder's images in ImageFolder order: its own files, else its sub-folders' (sorted)."""
    own = sorted(path for path in folder.iterdir() if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file())
    if own:
        return own
    return sorted(path for path in folder.rglob("*") if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file())


def user_faces(value: str, check: bool = True) -> list[Path]:
    """Return the images of the folder ``COURSE_FACES_DIR`` names (headers checked), or say what is wrong."""
    folder = Path(value).expanduser()
    if not folder.is_dir():
        raise DataNotFoundError(f"{FACES_DIR_ENV}={value} is not a folder: point it at a folder of face "
                                "images (.jpg or .png), directly in it or in sub-folders.")
    files = image_files(folder)
    if not files:
        others = sorted(path.name for path in folder.rglob("*") if path.is_file())[:3]
        found = f"it holds only {', '.join(others)}…" if others else "it is empty"
        raise DataNotFoundError(f"{FACES_DIR_ENV}={value} holds no images (.jpg, .png): {found}. Point it at "
                                "a folder of face images, e.g. a Kaggle CelebA's img_align_celeba.")
    if check:
        _check_readable(files)
    return files


def _check_readable(files: list[Path]) -> None:
    """Open every image's header, naming the first file that is not an image."""
    from PIL import Image, UnidentifiedImageError

    for path in files:
        try:
            with Image.open(path) as image:
                image.size  # noqa: B018 - reading the header is the check
        except (OSError, UnidentifiedImageError) as error:
            raise DataNotFoundError(f"{path.name} in {FACES_DIR_ENV} is not a readable image ({error}): "
                                    "replace or delete it.") from None


def find_kaggle_celeba(root: Path | None = None) -> Path | None:
    """Return the folder of a Kaggle-attached CelebA's aligned images (holding 000001.jpg), if any."""
    root = KAGGLE_INPUT if root is None else root
    if not root.is_dir():
        return None
    for depth in range(1, 7):  # e.g. celeba-dataset/img_align_celeba/img_align_celeba, or deeper
        for folder in sorted(root.glob("/".join(["*"] * (depth - 1) + ["img_align_celeba"]))):
            if (folder / "000001.jpg").is_file():
                return folder
    return None


def aligned_names(count: int | None = None) -> list[str]:
    """Return the file names of the first ``count`` (default ``FACES``) aligned CelebA images: 000001.jpg, …"""
    count = FACES if count is None else count
    return [f"{index:06d}.jpg" for index in range(1, count + 1)]


def crop_like_mirror(raw: bytes, name: str):
    """Return an aligned 178×218 CelebA photo cropped and resized to 64×64 as the offline archive's faces."""
    from PIL import Image

    with Image.open(io.BytesIO(raw)) as image:
        if image.size != ALIGNED_SIZE:
            raise DataNotFoundError(f"{name} is {image.size[0]}×{image.size[1]}, not an aligned CelebA photo "
                                    "(178×218): the source is not CelebA's img_align_celeba.")
        return image.convert("RGB").resize((64, 64), Image.Resampling.BICUBIC, box=BOX)


def prepare_faces(read: Callable[[str], bytes], target: Path, source: str) -> None:
    """Store the first ``FACES`` aligned faces, cropped as the offline archive, in ``target/celeba``."""
    print(f"Preparing the first {FACES:,} faces from {source} (once) …")
    with building(target) as partial:
        (partial / "celeba").mkdir()
        for name in aligned_names():
            crop_like_mirror(read(name), name).save(partial / "celeba" / name, quality=95)
        (partial / "source.txt").write_text(source)


def prepared_faces(target: Path) -> tuple[list[Path], str] | None:
    """Return faces prepared earlier in ``target`` and their source's name, if there are any."""
    if not (target / "source.txt").is_file():
        return None
    return image_files(target / "celeba"), (target / "source.txt").read_text()


def kaggle_faces(root: Path) -> tuple[list[Path], str] | None:
    """Return the faces of a Kaggle-attached CelebA (prepared once into the data folder), if attached."""
    folder = find_kaggle_celeba()
    if folder is None:
        return None
    target = root / "celeba64-kaggle"
    if not prepared_faces(target):
        prepare_faces(lambda name: _read_file(folder / name), target, "a Kaggle-attached CelebA")
    return prepared_faces(target)


def _read_file(path: Path) -> bytes:
    """Return a source image's bytes, or say which one is missing."""
    if not path.is_file():
        raise DataNotFoundError(f"The attached CelebA lacks {path.name}: attach the full aligned-image dataset.")
    return path.read_bytes()


def downloaded_faces(root: Path) -> tuple[list[Path], str]:
    """Return faces from the official zip: the tutorial-assets host first, Google Drive last."""
    target = root / "celeba64-online"
    if found := prepared_faces(target):
        return found
    try:
        archive, source = tutorial_zip(root / "celeba-download"), TUTORIAL_SOURCE
    except DataNotFoundError as error:
        print(f"{str(error).rstrip('. ')}. Trying the next source, {DRIVE_SOURCE}.")
        archive, source = drive_zip(root / "celeba-download"), DRIVE_SOURCE
    try:
        with zipfile.ZipFile(archive) as bundle:
            prepare_faces(lambda name: _zip_member(bundle, name), target, source)
    finally:
        archive.unlink(missing_ok=True)
    return prepared_faces(target)


def _zip_member(bundle: zipfile.ZipFile, name: str) -> bytes:
    """Return ``img_align_celeba/NAME`` from the zip, or say it is missing."""
    try:
        return bundle.read(f"img_align_celeba/{name}")
    except KeyError:
        raise DataNotFoundError(f"img_align_celeba.zip lacks img_align_celeba/{name}: it is not the "
                                "official zip. " + LAST_RESORT) from None


def tutorial_zip(folder: Path) -> Path:
    """Download the official zip from the tutorial-assets host and check its sha256."""
    archive = fetch(CELEBA_ZIP_URL, folder / "img_align_celeba.zip", "img_align_celeba.zip (1.4 GB)")
    check_zip(archive, "img_align_celeba.zip", ("sha256", CELEBA_ZIP_SHA256), "")
    return archive


def drive_download(folder: Path, filename: str) -> Path:
    """Download one of torchvision's CelebA files from Google Drive (needs ``gdown``) and check its md5."""
    if importlib.util.find_spec("gdown") is None:
        raise DataNotFoundError(f"torchvision's Google-Drive download of {filename} needs the gdown package: "
                                "run `pip install gdown` and rerun this cell. " + LAST_RESORT)
    from torchvision.datasets.utils import download_file_from_google_drive

    file_id, md5 = DRIVE_FILES[filename]
    try:
        download_file_from_google_drive(file_id, folder, filename)
    except Exception as error:  # gdown raises its own errors for quota pages and refusals
        raise DataNotFoundError(f"Google Drive refused {filename} ({type(error).__name__}: {error}). "
                                + LAST_RESORT) from None
    path = folder / filename
    if path.suffix == ".txt" and file_digest(path, "md5") != md5:
        path.unlink()
        raise DataNotFoundError(f"{filename} from Google Drive has the wrong md5. " + LAST_RESORT)
    return path


def drive_zip(folder: Path) -> Path:
    """Download the official zip through torchvision's Google-Drive copy and check its md5."""
    archive = drive_download(folder, "img_align_celeba.zip")
    check_zip(archive, "img_align_celeba.zip", ("md5", DRIVE_FILES["img_align_celeba.zip"][1]), LAST_RESORT)
    return archive


def face_files() -> tuple[list[Path], str]:
    """Return the face images to load, in order, and how messages name their source."""
    if os.environ.get(FACES_DIR_ENV):
        return user_faces(os.environ[FACES_DIR_ENV]), f"the folder named by {FACES_DIR_ENV}"
    root = data_dir()
    if found := kaggle_faces(root):
        return found
    if offline_copy("faces", root / "celeba64"):
        return image_files(root / "celeba64" / "celeba"), offline_source("faces")
    return downloaded_faces(root)


def attribute_file() -> tuple[Path, str]:
    """Return CelebA's attribute file and its source's name, from the first source that has one."""
    places = []
    if os.environ.get(FACES_DIR_ENV):
        folder = Path(os.environ[FACES_DIR_ENV]).expanduser()
        places += [(folder, f"the folder named by {FACES_DIR_ENV}"), (folder.parent, f"beside {FACES_DIR_ENV}")]
    if kaggle := find_kaggle_celeba():
        places += [(parent, "a Kaggle-attached CelebA") for parent in kaggle.parents if KAGGLE_INPUT in parent.parents]
    for folder, source in places:
        for name in ("list_attr_celeba.txt", "list_attr_celeba.csv"):
            if (folder / name).is_file():
                return folder / name, f"{name} of {source}"
    root = data_dir()
    if offline_copy("attributes", root):
        return root / "celeba_attributes" / "list_attr_celeba.txt", offline_source("attributes")
    target = root / "celeba-attributes-online" / "list_attr_celeba.txt"
    if not target.is_file():
        drive_download(target.parent, target.name)
    return target, "CelebA's list_attr_celeba.txt through torchvision's Google-Drive download"


def face_names() -> list[str]:
    """Return the file names of the faces ``load_faces`` loads, in its order (without reading the images)."""
    if os.environ.get(FACES_DIR_ENV):
        return [path.name for path in user_faces(os.environ[FACES_DIR_ENV], check=False)]
    return aligned_names()
