"""Real datasets: MNIST, CIFAR-10 and CelebA faces, from an offline mirror or the official sources.

Offline, set ``COURSE_DATA_MIRROR`` to a folder holding the course's archives (``mnist.tar.gz``,
``cifar10-jpeg.tar.gz``, ``celeba64.tar.gz``); they are checked (sha256) and extracted once into the
data folder. Online, torchvision downloads the official files. Never a fake substitute.
"""

from __future__ import annotations

import hashlib
import os
import tarfile
from pathlib import Path

import torch
from torch.utils.data import Dataset

MIRROR_ENV = "COURSE_DATA_MIRROR"
DATA_DIR_ENV = "COURSE_DATA_DIR"
FACES_DIR_ENV = "COURSE_FACES_DIR"

ARCHIVES = {
    "mnist": ("mnist.tar.gz", "294f2d6b1de07ca55a19b8b9de9c499424b91f06a38180f1585894dda44f440a"),
    "cifar10": ("cifar10-jpeg.tar.gz",
                "d34c68f61cca57aa9144c8f25bda427abb9921bd642d5857a2fc1a6b4416f965"),
    "faces": ("celeba64.tar.gz", "b1a2f0e3f54c3d6f4f05cabe96bb270d1817b7351ecfe6c836082bb127b0e69f"),
}
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck")


class DataNotFoundError(FileNotFoundError):
    """Raised when a dataset is neither on disk, nor in the mirror, nor downloadable."""


def data_dir() -> Path:
    """Return the folder datasets live in: ``COURSE_DATA_DIR``, else ``data/`` of the checkout or cwd."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser().resolve()
    checkout = Path(__file__).resolve().parents[1]
    base = checkout if (checkout / "pyproject.toml").exists() else Path.cwd()
    return base / "data"


def sha256sum(path: Path) -> str:
    """Return the hex sha256 digest of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def extract_from_mirror(name: str, target: Path) -> Path | None:
    """Check and extract dataset ``name``'s archive from ``COURSE_DATA_MIRROR`` into ``target``.

    Returns the archive's path, or None when no mirror is set. Extraction happens once (a marker
    file records it); a wrong checksum or a missing archive raises ``DataNotFoundError``.
    """
    mirror = os.environ.get(MIRROR_ENV)
    if not mirror:
        return None
    filename, expected = ARCHIVES[name]
    archive = Path(mirror).expanduser().resolve() / filename
    if not archive.is_file():
        raise DataNotFoundError(
            f"{MIRROR_ENV}={mirror} holds no {filename}: point {MIRROR_ENV} at the folder with the "
            f"course's archives (e.g. ../shared/datasets), or unset it to download {name} instead.")
    marker = target / f".extracted-{filename}"
    if marker.exists() and marker.read_text() == expected:
        return archive
    actual = sha256sum(archive)
    if actual != expected:
        raise DataNotFoundError(
            f"{archive} has sha256 {actual[:12]}…, expected {expected[:12]}…: the file is damaged "
            "or not the course's archive. Copy it again from the course's dataset folder.")
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        try:
            tar.extractall(target, filter="data")
        except TypeError:  # Python before 3.11.4 has no extraction filters
            tar.extractall(target)
    marker.write_text(expected)
    return archive


def _missing(name: str, filename: str, reason: str) -> DataNotFoundError:
    return DataNotFoundError(
        f"{name} not found in {data_dir()} and could not be downloaded ({reason}). Run with internet "
        f"access, or set {MIRROR_ENV} to a folder holding {filename} (e.g. ../shared/datasets).")


def load_mnist(train: bool = True, transform=None) -> Dataset:
    """Return the MNIST train or test split as a torchvision dataset (images in [0, 1] by default)."""
    from torchvision import datasets, transforms

    root = data_dir()
    transform = transform or transforms.ToTensor()
    archive = extract_from_mirror("mnist", root)
    try:
        dataset = datasets.MNIST(root, train=train, download=True, transform=transform)
    except Exception as error:  # no network and no files: say what to do
        raise _missing("MNIST", ARCHIVES["mnist"][0], f"{type(error).__name__}: {error}") from None
    source = f"offline mirror {archive}" if archive else f"torchvision (official files) in {root}"
    print(f"MNIST {'train' if train else 'test'}: {len(dataset):,} images from {source}")
    return dataset


def load_cifar10(train: bool = True, transform=None) -> Dataset:
    """Return a CIFAR-10 split: the mirror's JPEG copy (ImageFolder) offline, the official files online."""
    from torchvision import datasets, transforms

    root = data_dir()
    transform = transform or transforms.ToTensor()
    split = "train" if train else "test"
    archive = extract_from_mirror("cifar10", root / "cifar10-jpeg")
    if archive:
        dataset = datasets.ImageFolder(root / "cifar10-jpeg" / split, transform=transform)
        print(f"CIFAR-10 {split}: {len(dataset):,} images from the JPEG copy in offline mirror "
              f"{archive} (about 27–33 dB from the original pixels)")
        return dataset
    try:
        dataset = datasets.CIFAR10(root, train=train, download=True, transform=transform)
    except Exception as error:
        raise _missing("CIFAR-10", ARCHIVES["cifar10"][0], f"{type(error).__name__}: {error}") from None
    print(f"CIFAR-10 {split}: {len(dataset):,} images from torchvision (official files) in {root}")
    return dataset


def load_faces(transform=None, image_size: int = 64) -> Dataset:
    """Return CelebA face photos as an ImageFolder (label always 0), resized to ``image_size``.

    Sources, in order: a folder of face images named by ``COURSE_FACES_DIR`` (e.g. a Kaggle-attached
    CelebA), the offline mirror's 10,000 faces, else torchvision's CelebA download (no login).
    CelebA is for non-commercial research and education only.
    """
    from torchvision import datasets, transforms

    transform = transform or transforms.Compose([
        transforms.Resize(image_size), transforms.CenterCrop(image_size), transforms.ToTensor()])
    root = data_dir()
    if os.environ.get(FACES_DIR_ENV):
        folder = Path(os.environ[FACES_DIR_ENV]).expanduser()
        if not folder.is_dir():
            raise DataNotFoundError(f"{FACES_DIR_ENV}={folder} is not a folder: point it at a folder "
                                    "whose sub-folder holds the face images (ImageFolder layout).")
        dataset, source = datasets.ImageFolder(folder, transform=transform), f"folder {folder}"
    elif archive := extract_from_mirror("faces", root / "celeba64"):
        dataset = datasets.ImageFolder(root / "celeba64", transform=transform)
        source = f"offline mirror {archive}"
    else:
        try:
            dataset = datasets.CelebA(root, split="train", download=True, transform=transform,
                                      target_type="identity")
        except Exception as error:
            raise _missing("CelebA", ARCHIVES["faces"][0],
                           f"{type(error).__name__}: {error}; on Kaggle, attach a CelebA dataset "
                           f"and set {FACES_DIR_ENV}") from None
        source = f"torchvision's CelebA download in {root}"
    print(f"Faces: {len(dataset):,} CelebA images at {image_size}×{image_size} from {source} "
          "(CelebA: non-commercial research and education only)")
    return dataset


def stack_dataset(dataset: Dataset, limit: int | None = None,
                  generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Load (up to ``limit``) items of ``dataset`` into two tensors ``(images, labels)``.

    With ``generator`` the items are a random subset drawn with it, else the first ``limit``.
    Handy to keep a whole small dataset on the GPU instead of using a DataLoader.
    """
    count = len(dataset) if limit is None else min(limit, len(dataset))
    if count == 0:
        raise ValueError("stack_dataset got an empty selection: limit must be at least 1.")
    if generator is not None:
        indices = torch.randperm(len(dataset), generator=generator)[:count].tolist()
    else:
        indices = list(range(count))
    if _is_plain_mnist(dataset):  # fast path: MNIST already holds its pixels as one uint8 tensor
        index = torch.tensor(indices)
        return dataset.data[index].unsqueeze(1).float() / 255, dataset.targets[index].clone()
    subset = torch.utils.data.Subset(dataset, indices)
    workers = min(16, os.cpu_count() or 1) if count > 2_000 else 0
    loader = torch.utils.data.DataLoader(subset, batch_size=500, num_workers=workers)
    images, labels = zip(*loader)
    return torch.cat(images), torch.cat([torch.as_tensor(label) for label in labels])


def _is_plain_mnist(dataset: Dataset) -> bool:
    from torchvision import datasets, transforms

    return isinstance(dataset, datasets.MNIST) and isinstance(dataset.transform, transforms.ToTensor)
