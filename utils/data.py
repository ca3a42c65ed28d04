"""Real datasets: MNIST, CIFAR-10, CelebA faces and attributes, and the Houses dataset.

Offline, set ``COURSE_DATA_MIRROR`` to a folder holding the course's archives (``mnist.tar.gz``,
``cifar10-jpeg.tar.gz``, ``celeba64.tar.gz``, ``celeba-attributes.tar.gz``, ``houses.tar.gz``); they are
checked (sha256) and extracted once into the data folder, and used from there afterwards even without the
variable. Online, the official sources are downloaded and checked. Never a fake substitute. Messages name
sources (an archive's file name, a host), never this machine's folders.
"""

from __future__ import annotations

import os
from pathlib import Path  # noqa: F401 - part of this module's interface for tests and chapters
from types import SimpleNamespace

import torch
from torch.utils.data import Dataset

from utils.celeba import FACES_DIR_ENV, FaceImages, attribute_file, face_files, face_names
from utils.celeba_attributes import attribute_values, check_attributes, parse_attributes
from utils.downloads import (
    ARCHIVES,
    DATA_DIR_ENV,
    MIRROR_ENV,
    DataNotFoundError,
    already_extracted,
    data_dir,
    extract_from_mirror,
    offline_copy,
    offline_source,
    sha256sum,
)
from utils.houses import INFO, VIEWS, house_photos, houses_folder, read_houses_info

__all__ = ["ARCHIVES", "CIFAR10_CLASSES", "DATA_DIR_ENV", "FACES_DIR_ENV", "MIRROR_ENV", "DataNotFoundError",
           "data_dir", "extract_from_mirror", "load_cifar10", "load_face_attributes", "load_faces",
           "load_houses", "load_mnist", "sha256sum", "stack_dataset"]

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck")


def _missing(name: str, key: str, reason: str) -> DataNotFoundError:
    """Return the error for a dataset that is not on disk and whose download failed."""
    return DataNotFoundError(
        f"{name} is not in {data_dir()} and its download failed ({reason}). If this machine is offline, set "
        f"{MIRROR_ENV} to a folder holding {ARCHIVES[key][0]} (e.g. ../shared/datasets); if it is online, "
        "the official host may be down: retry later.")


def load_mnist(train: bool = True, transform=None) -> Dataset:
    """Return the MNIST train or test split as a torchvision dataset (images in [0, 1] by default)."""
    from torchvision import datasets, transforms

    root = data_dir()
    transform = transform or transforms.ToTensor()
    offline = extract_from_mirror("mnist", root) is not None or already_extracted("mnist", root)
    try:
        dataset = datasets.MNIST(root, train=train, download=True, transform=transform)
    except Exception as error:  # no network and no files: say what to do
        raise _missing("MNIST", "mnist", f"{type(error).__name__}: {error}") from None
    source = offline_source("mnist") if offline else "the official files (torchvision download)"
    print(f"MNIST {'train' if train else 'test'}: {len(dataset):,} images from {source}")
    return dataset


def load_cifar10(train: bool = True, transform=None) -> Dataset:
    """Return a CIFAR-10 split: the offline JPEG copy (ImageFolder) if present, else the official files."""
    from torchvision import datasets, transforms

    root = data_dir()
    transform = transform or transforms.ToTensor()
    split = "train" if train else "test"
    if offline_copy("cifar10", root / "cifar10-jpeg"):
        dataset = datasets.ImageFolder(root / "cifar10-jpeg" / split, transform=transform)
        print(f"CIFAR-10 {split}: {len(dataset):,} images from the JPEG copy in {offline_source('cifar10')} "
              "(about 27–33 dB from the original pixels)")
        return dataset
    try:
        dataset = datasets.CIFAR10(root, train=train, download=True, transform=transform)
    except Exception as error:
        raise _missing("CIFAR-10", "cifar10", f"{type(error).__name__}: {error}") from None
    print(f"CIFAR-10 {split}: {len(dataset):,} images from the official files (torchvision download, "
          "www.cs.toronto.edu)")
    return dataset


def load_faces(transform=None, image_size: int = 64) -> Dataset:
    """Return CelebA face photos in file order as ``(image, 0)`` items, resized to ``image_size``.

    Sources, in order: a folder of images named by ``COURSE_FACES_DIR`` (flat or with sub-folders), a
    Kaggle-attached CelebA, the offline archive, the official zip from the PyTorch tutorial-assets host,
    torchvision's Google-Drive copy (see ``utils.celeba``). CelebA: non-commercial research and education.
    """
    from torchvision import transforms

    transform = transform or transforms.Compose([
        transforms.Resize(image_size), transforms.CenterCrop(image_size), transforms.ToTensor()])
    files, source = face_files()
    dataset = FaceImages(files, transform)
    print(f"Faces: {len(dataset):,} CelebA images at {image_size}×{image_size} from {source}\n"
          "  (CelebA: non-commercial research and education only)")
    return dataset


def load_face_attributes() -> SimpleNamespace:
    """Return CelebA's 40 annotations of the faces ``load_faces`` loads: row i belongs to face i.

    ``names`` (40 str), ``values`` ((N, 40) long, 1 = present, from CelebA's 1/-1), ``files`` (N names).
    Sources: beside ``COURSE_FACES_DIR``, a Kaggle-attached CelebA, the offline archive, Google Drive.
    """
    path, source = attribute_file()
    names, rows = parse_attributes(path.read_text())
    check_attributes(names, rows, source)
    files = face_names()
    values = attribute_values(rows, files)
    print(f"CelebA attributes: {len(names)} annotations of {len(files):,} faces from {source}")
    return SimpleNamespace(names=names, values=values, files=files)


def load_houses(image_size: int = 64) -> SimpleNamespace:
    """Return the Houses dataset (Ahmed & Moustafa, IJCCI 2016): 535 houses, four photos and five facts each.

    ``photos`` (535, 4, 3, S, S) float in [0, 1], ``views`` their order; each photo's shorter side resized to
    S, then centre-cropped (no padding). ``bedrooms``, ``bathrooms``, ``area`` (sq ft), ``price`` (USD): (535,)
    float; ``zipcode`` (535,) long. Row i is house i + 1. Sources and checks: see ``utils.houses``.
    """
    folder, source = houses_folder()
    facts = read_houses_info(folder / INFO)
    photos = house_photos(folder, image_size).float() / 255
    print(f"Houses: {len(facts)} houses × {len(VIEWS)} photos at {image_size}×{image_size} from {source}\n"
          f"  ({', '.join(VIEWS)}; Ahmed & Moustafa, IJCCI 2016)")
    bedrooms, bathrooms, area, zipcode, price = facts.T
    return SimpleNamespace(photos=photos, views=VIEWS, bedrooms=bedrooms.float(), bathrooms=bathrooms.float(),
                           area=area.float(), zipcode=zipcode.long(), price=price.float())


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
