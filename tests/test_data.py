"""utils.data: where data lives, the checked offline mirror, the loaders and their error messages."""

import io
import tarfile
import urllib.error

import pytest
import torch
from PIL import Image
from torch.utils.data import TensorDataset

from utils import data
from utils.data import (
    DataNotFoundError,
    data_dir,
    extract_from_mirror,
    load_faces,
    load_mnist,
    sha256sum,
    stack_dataset,
)


def test_data_dir_is_the_checkout_data_folder_unless_set(clean_env, tmp_path):
    assert data_dir() == data.Path(data.__file__).resolve().parents[1] / "data"
    clean_env.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path.resolve()


def test_sha256sum_of_a_known_file(tmp_path):
    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")
    assert sha256sum(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_no_mirror_means_nothing_to_extract(clean_env, tmp_path):
    assert extract_from_mirror("mnist", tmp_path) is None


def test_mirror_without_the_archive_says_what_to_do(clean_env, tmp_path):
    clean_env.setenv("COURSE_DATA_MIRROR", str(tmp_path))
    with pytest.raises(DataNotFoundError, match="holds no mnist.tar.gz.*unset it to download"):
        extract_from_mirror("mnist", tmp_path / "data")


def test_a_damaged_archive_is_refused(clean_env, tmp_path):
    fake = tmp_path / "mnist.tar.gz"
    with tarfile.open(fake, "w:gz") as tar:
        info = tarfile.TarInfo("MNIST/raw/readme.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    clean_env.setenv("COURSE_DATA_MIRROR", str(tmp_path))
    with pytest.raises(DataNotFoundError, match="damaged or not the course's archive"):
        extract_from_mirror("mnist", tmp_path / "data")
    assert not (tmp_path / "data" / "MNIST").exists()


def test_mnist_from_the_mirror_is_checked_extracted_once_and_real(mirror, clean_env, tmp_path, capsys):
    clean_env.setenv("COURSE_DATA_MIRROR", str(mirror))
    clean_env.setenv("COURSE_DATA_DIR", str(tmp_path))
    train = load_mnist(train=True)
    assert len(train) == 60_000 and train.targets[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert "offline mirror" in capsys.readouterr().out
    marker = tmp_path / ".extracted-mnist.tar.gz"
    stamp = marker.stat().st_mtime_ns
    test = load_mnist(train=False)
    assert len(test) == 10_000 and marker.stat().st_mtime_ns == stamp
    images, labels = stack_dataset(test, limit=5)
    assert images.shape == (5, 1, 28, 28) and images.dtype == torch.float32
    assert 0 <= images.min() and images.max() <= 1 and labels.tolist() == test.targets[:5].tolist()


def test_without_network_or_mirror_mnist_says_what_to_do(clean_env, tmp_path):
    clean_env.setenv("COURSE_DATA_DIR", str(tmp_path))

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    from torchvision import datasets

    clean_env.setattr(datasets, "MNIST", offline)
    with pytest.raises(DataNotFoundError, match="MNIST not found in .*COURSE_DATA_MIRROR to a folder holding mnist"):
        load_mnist()


def test_faces_from_a_named_folder(clean_env, tmp_path, capsys):
    folder = tmp_path / "faces" / "img"
    folder.mkdir(parents=True)
    for i in range(3):
        Image.new("RGB", (80, 100), (40 * i, 10, 200)).save(folder / f"{i}.jpg")
    clean_env.setenv("COURSE_FACES_DIR", str(tmp_path / "faces"))
    faces = load_faces(image_size=64)
    image, label = faces[0]
    assert len(faces) == 3 and image.shape == (3, 64, 64) and label == 0
    assert "non-commercial" in capsys.readouterr().out


def test_faces_folder_that_does_not_exist(clean_env, tmp_path):
    clean_env.setenv("COURSE_FACES_DIR", str(tmp_path / "missing"))
    with pytest.raises(DataNotFoundError, match="is not a folder"):
        load_faces()


def test_stack_dataset_first_items_random_subset_and_empty():
    dataset = TensorDataset(torch.arange(10.0).view(10, 1), torch.arange(10))
    images, labels = stack_dataset(dataset, limit=3)
    assert labels.tolist() == [0, 1, 2] and images.shape == (3, 1)
    subset = stack_dataset(dataset, limit=4, generator=torch.Generator().manual_seed(0))[1]
    again = stack_dataset(dataset, limit=4, generator=torch.Generator().manual_seed(0))[1]
    assert subset.tolist() == again.tolist() and len(set(subset.tolist())) == 4
    with pytest.raises(ValueError, match="empty selection"):
        stack_dataset(dataset, limit=0)


def test_cifar10_offline_is_the_jpeg_copy_with_official_label_ids(mirror, clean_env, capsys):
    clean_env.setenv("COURSE_DATA_MIRROR", str(mirror))
    test = data.load_cifar10(train=False)
    assert len(test) == 10_000 and test.classes == list(data.CIFAR10_CLASSES)
    assert test.class_to_idx["truck"] == 9
    image, label = test[-1]
    assert image.shape == (3, 32, 32) and label == 9
    assert "JPEG copy" in capsys.readouterr().out
