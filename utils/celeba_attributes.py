"""CelebA's 40 attribute annotations: parsing ``list_attr_celeba`` (CelebA's .txt or Kaggle's .csv) and checking it.

Package-private, like utils.celeba (which finds the file): chapter 7 calls ``utils.data.load_face_attributes``.
"""

from __future__ import annotations

import hashlib

import torch

from utils.celeba import aligned_names
from utils.downloads import DataNotFoundError

CHECKED_ROWS = 10_000  # the rows checked against the official annotations: the faces the chapters use
ATTRIBUTES_SHA256 = "b18675cf82ba882c57c82bdf72c9bf16382ba70d39bb45db8f1849f197e0a8f2"


def parse_attributes(text: str) -> tuple[list[str], dict[str, list[str]]]:
    """Parse CelebA's ``list_attr_celeba.txt`` (or Kaggle's ``.csv``) into names and rows by file name."""
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and "," in lines[0]:
        table = [line.split(",") for line in lines]
        names, rows = [name.strip() for name in table[0][1:]], table[1:]
    else:
        names, rows = (lines[1].split(), [line.split() for line in lines[2:]]) if len(lines) > 1 else ([], [])
    if len(names) != 40 or any(len(row) != 41 for row in rows):
        raise DataNotFoundError("The attribute file is not CelebA's list_attr_celeba (40 attributes a row).")
    return names, {row[0].strip(): row[1:] for row in rows}


def attribute_values(rows: dict[str, list[str]], files: list[str]) -> torch.Tensor:
    """Return the rows of ``files`` as a (len(files), 40) long tensor of 0/1 (from CelebA's 1/-1)."""
    missing = [name for name in files if name not in rows]
    if missing:
        raise DataNotFoundError(f"No annotation for {missing[0]} ({len(missing)} faces in all): the faces must "
                                "keep CelebA's own file names (000001.jpg …).")
    values = torch.tensor([[int(value) for value in rows[name]] for name in files], dtype=torch.long)
    if not bool(((values == 1) | (values == -1)).all()):
        raise DataNotFoundError("CelebA's attributes are 1 or -1; this file holds other values.")
    return (values > 0).long()


def check_attributes(names: list[str], rows: dict[str, list[str]], source: str) -> None:
    """Check the first 10,000 rows against the official annotations' digest."""
    values = attribute_values(rows, aligned_names(CHECKED_ROWS))
    digest = hashlib.sha256((" ".join(names) + "\n").encode() + bytes(values.flatten().tolist())).hexdigest()
    if digest != ATTRIBUTES_SHA256:
        raise DataNotFoundError(f"The annotations in {source} differ from CelebA's official ones: use "
                                "list_attr_celeba.txt from CelebA or the offline archive.")
