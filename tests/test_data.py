"""utils.data: where data lives, the checked offline mirror, the loaders and their error messages."""

import io
import tarfile
import urllib.error

import pytest
import torch
from PIL import Image
from torch.utils.data import TensorDataset

from utils import celeba, celeba_attributes, data, downloads
from utils import houses as houses_module
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
    out = capsys.readouterr().out
    assert "from the offline archive mnist.tar.gz" in out and str(mirror) not in out and str(tmp_path) not in out
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
    expected = "MNIST is not in .*If this machine is offline, set COURSE_DATA_MIRROR to a folder holding mnist"
    with pytest.raises(DataNotFoundError, match=expected):
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


def test_houses_from_the_mirror_shapes_ranges_alignment_and_cache(mirror, clean_env, tmp_path, capsys):
    clean_env.setenv("COURSE_DATA_MIRROR", str(mirror))
    clean_env.setenv("COURSE_DATA_DIR", str(tmp_path))
    houses = data.load_houses(image_size=32)
    assert houses.photos.shape == (535, 4, 3, 32, 32) and houses.photos.dtype == torch.float32
    assert 0 <= houses.photos.min() < 0.05 and 0.95 < houses.photos.max() <= 1
    assert houses.views == ("frontal", "bedroom", "bathroom", "kitchen")
    first = [houses.bedrooms[0], houses.bathrooms[0], houses.area[0], houses.zipcode[0], houses.price[0]]
    assert [float(value) for value in first] == [4, 4, 4053, 85255, 869500]  # row 1 of HousesInfo.txt
    assert float(houses.bathrooms[19]) == 3.5 and int(houses.zipcode[1]) == 36372
    assert houses.zipcode.dtype == torch.long and houses.zipcode.unique().numel() == 49
    assert (houses.price.min(), houses.price.median(), houses.price.max()) == (22_000, 529_000, 5_858_000)
    folder = tmp_path / "houses" / "Houses Dataset"
    photo = houses_module.read_photo(folder / "2_kitchen.jpg", 32).float() / 255
    assert torch.equal(houses.photos[1, 3], photo)  # house 2, fourth view
    out = capsys.readouterr().out
    assert "535 houses × 4 photos" in out and "offline archive houses.tar.gz" in out and str(tmp_path) not in out
    cache = folder / ".photos-32px.pt"
    stamp = cache.stat().st_mtime_ns
    assert torch.equal(data.load_houses(image_size=32).photos, houses.photos) and cache.stat().st_mtime_ns == stamp


def test_a_damaged_houses_table_and_photo_are_named(tmp_path):
    table = tmp_path / "HousesInfo.txt"
    table.write_text("4 4 4053 85255 869500\n")
    with pytest.raises(DataNotFoundError, match="535 rows of 5 numbers"):
        houses_module.read_houses_info(table)
    (tmp_path / "1_frontal.jpg").write_bytes(b"not a jpeg")
    with pytest.raises(DataNotFoundError, match="Cannot read the photo 1_frontal.jpg"):
        houses_module.read_photo(tmp_path / "1_frontal.jpg", 32)


def test_photos_are_resized_on_the_shorter_side_then_centre_cropped(tmp_path):
    image = Image.new("RGB", (90, 30), (255, 0, 0))
    image.paste((0, 0, 255), (0, 0, 30, 30))  # the left third is blue: cropped away
    image.save(tmp_path / "wide.png")
    photo = houses_module.read_photo(tmp_path / "wide.png", 10)
    assert photo.shape == (3, 10, 10) and photo.dtype == torch.uint8
    assert photo[0].float().mean() > 250 and photo[2].float().mean() < 5


def test_face_attributes_from_the_mirror_line_up_with_the_faces(mirror, clean_env, tmp_path, capsys):
    clean_env.setenv("COURSE_DATA_MIRROR", str(mirror))
    clean_env.setenv("COURSE_DATA_DIR", str(tmp_path))
    attributes = data.load_face_attributes()
    assert attributes.values.shape == (10_000, 40) and attributes.values.dtype == torch.long
    assert set(attributes.values.unique().tolist()) == {0, 1}
    assert attributes.names[0] == "5_o_Clock_Shadow" and attributes.names[31] == "Smiling"
    # row 000001.jpg of list_attr_celeba.txt: -1 1 1 -1 -1 -1 -1 -1 -1 -1 -1 1 ...
    assert attributes.values[0, :12].tolist() == [0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert attributes.values[:5, 31].tolist() == [1, 1, 0, 0, 0]
    faces = load_faces()
    assert [path.name for path in faces.files] == attributes.files
    assert attributes.files[0] == "000001.jpg" and attributes.files[-1] == "010000.jpg"
    out = capsys.readouterr().out
    assert "CelebA attributes: 40 annotations of 10,000 faces from the offline archive celeba-attributes.tar.gz" in out
    assert str(tmp_path) not in out and str(mirror) not in out


def test_attribute_files_that_are_not_celeba_are_refused(tmp_path):
    names = [f"a{i}" for i in range(40)]
    text = "2\n" + " ".join(names) + "\n000001.jpg " + " ".join(["1"] * 40) + "\n"
    parsed_names, rows = celeba_attributes.parse_attributes(text)
    assert parsed_names == names and celeba_attributes.attribute_values(rows, ["000001.jpg"]).sum() == 40
    with pytest.raises(DataNotFoundError, match="No annotation for 000002.jpg"):
        celeba_attributes.attribute_values(rows, ["000001.jpg", "000002.jpg"])
    with pytest.raises(DataNotFoundError, match="not CelebA's list_attr_celeba"):
        celeba_attributes.parse_attributes("1\nSmiling Young\n000001.jpg 1 -1\n")
    bad = celeba_attributes.parse_attributes(text.replace(" 1\n", " 0\n"))[1]
    with pytest.raises(DataNotFoundError, match="1 or -1"):
        celeba_attributes.attribute_values(bad, ["000001.jpg"])


def test_kaggle_csv_annotations_parse_like_the_official_text():
    names = [f"a{i}" for i in range(40)]
    csv = "image_id," + ",".join(names) + "\n000001.jpg," + ",".join(["-1", "1"] * 20) + "\n"
    parsed_names, rows = celeba_attributes.parse_attributes(csv)
    values = celeba_attributes.attribute_values(rows, ["000001.jpg"])
    assert parsed_names == names and values[0, :4].tolist() == [0, 1, 0, 1]


def test_annotations_that_differ_from_the_official_rows_are_refused(mirror, clean_env, tmp_path):
    clean_env.setenv("COURSE_DATA_MIRROR", str(mirror))
    clean_env.setenv("COURSE_DATA_DIR", str(tmp_path))
    path, source = celeba.attribute_file()
    names, rows = celeba_attributes.parse_attributes(path.read_text())
    celeba_attributes.check_attributes(names, rows, source)  # the mirror's rows are the official ones
    rows["000007.jpg"] = ["1" if value == "-1" else "-1" for value in rows["000007.jpg"]]
    with pytest.raises(DataNotFoundError, match="differ from CelebA's official ones"):
        celeba_attributes.check_attributes(names, rows, source)


def test_faces_folder_that_is_empty_or_holds_no_images_says_so(clean_env, tmp_path):
    clean_env.setenv("COURSE_FACES_DIR", str(tmp_path))
    with pytest.raises(DataNotFoundError, match="holds no images .*: it is empty"):
        load_faces()
    (tmp_path / "notes.txt").write_text("faces go here")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "list_attr_celeba.csv").write_text("image_id")
    with pytest.raises(DataNotFoundError, match="holds no images .*it holds only list_attr_celeba.csv, notes.txt"):
        load_faces()


def test_a_flat_folder_of_images_works_in_file_order(clean_env, tmp_path):
    for name, colour in [("b.png", (0, 255, 0)), ("a.jpg", (255, 0, 0)), ("c.jpeg", (0, 0, 255))]:
        Image.new("RGB", (70, 90), colour).save(tmp_path / name)
    (tmp_path / "readme.txt").write_text("not a face")
    clean_env.setenv("COURSE_FACES_DIR", str(tmp_path))
    faces = load_faces(image_size=32)
    assert [path.name for path in faces.files] == ["a.jpg", "b.png", "c.jpeg"]
    images, labels = stack_dataset(faces)
    assert images.shape == (3, 3, 32, 32) and labels.tolist() == [0, 0, 0]
    assert images[0, 0].mean() > 0.95 and images[1, 1].mean() > 0.95 and images[2, 2].mean() > 0.95


def test_a_broken_jpg_in_the_faces_folder_is_named(clean_env, tmp_path):
    Image.new("RGB", (64, 64)).save(tmp_path / "good.jpg")
    (tmp_path / "broken.jpg").write_bytes(b"\x00not a jpeg at all")
    clean_env.setenv("COURSE_FACES_DIR", str(tmp_path))
    with pytest.raises(DataNotFoundError, match="broken.jpg in COURSE_FACES_DIR is not a readable image"):
        load_faces()
    whole = io.BytesIO()
    Image.effect_noise((64, 64), 60).convert("RGB").save(whole, "JPEG")
    (tmp_path / "broken.jpg").write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])  # cut short
    faces = load_faces()
    with pytest.raises(DataNotFoundError, match="Cannot read the face image broken.jpg .*replace or delete"):
        faces[0]


def test_data_already_extracted_is_used_without_the_mirror_variable(mirror, clean_env, tmp_path, capsys):
    clean_env.setenv("COURSE_DATA_MIRROR", str(mirror))
    clean_env.setenv("COURSE_DATA_DIR", str(tmp_path))
    data.load_cifar10(train=False), load_faces(), data.load_face_attributes(), data.load_houses(image_size=8)
    load_mnist(train=False)
    clean_env.delenv("COURSE_DATA_MIRROR")

    def no_network(*args, **kwargs):
        raise AssertionError("tried to download")

    from torchvision import datasets

    clean_env.setattr(datasets, "CIFAR10", no_network)
    clean_env.setattr(celeba, "downloaded_faces", no_network)
    clean_env.setattr(celeba, "drive_download", no_network)
    clean_env.setattr(houses_module, "download_houses", no_network)
    capsys.readouterr()
    assert len(data.load_cifar10(train=False)) == 10_000 and len(load_faces()) == 10_000
    assert data.load_face_attributes().values.shape == (10_000, 40)
    assert data.load_houses(image_size=8).photos.shape == (535, 4, 3, 8, 8)
    assert len(load_mnist(train=False)) == 10_000
    out = capsys.readouterr().out
    archives = ["mnist", "cifar10-jpeg", "celeba64", "celeba-attributes", "houses"]
    for archive in [f"{name}.tar.gz" for name in archives]:
        assert f"offline archive {archive}" in out


def test_a_relative_mirror_is_tried_from_the_working_folder_then_the_checkout(clean_env, tmp_path):
    checkout, shared = tmp_path / "main", tmp_path / "shared" / "datasets"
    (checkout / "notebooks").mkdir(parents=True)
    shared.mkdir(parents=True)
    (shared / "mnist.tar.gz").write_bytes(b"x")
    clean_env.setattr(downloads, "CHECKOUT", checkout)
    clean_env.chdir(checkout / "notebooks")
    clean_env.setenv("COURSE_DATA_MIRROR", "../shared/datasets")
    assert downloads.mirror_archive("mnist") == shared / "mnist.tar.gz"
    clean_env.chdir(tmp_path / "shared")
    clean_env.setenv("COURSE_DATA_MIRROR", "datasets")
    assert downloads.mirror_archive("mnist") == shared / "mnist.tar.gz"
    clean_env.chdir(checkout / "notebooks")
    clean_env.setenv("COURSE_DATA_MIRROR", "../nowhere")
    tried = f"tried {checkout / 'nowhere'} and {tmp_path / 'nowhere'}"
    with pytest.raises(DataNotFoundError, match=f"COURSE_DATA_MIRROR=../nowhere is not a folder \\({tried}\\)"):
        downloads.mirror_archive("mnist")
    clean_env.setenv("COURSE_DATA_MIRROR", "../shared/datasets")
    with pytest.raises(DataNotFoundError, match=f"holds no houses.tar.gz \\(tried {checkout / 'shared'}"):
        downloads.mirror_archive("houses")


def test_the_names_chapters_import_are_still_there():
    from utils.data import CIFAR10_CLASSES, FACES_DIR_ENV, MIRROR_ENV, load_cifar10  # noqa: F401

    assert MIRROR_ENV == "COURSE_DATA_MIRROR" and FACES_DIR_ENV == "COURSE_FACES_DIR"
    assert CIFAR10_CLASSES[9] == "truck" and set(data.__all__) <= set(dir(data))
