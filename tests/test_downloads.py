"""Online data paths, served from a local HTTP server on 127.0.0.1: never the real network."""

import hashlib
import http.server
import io
import threading
import zipfile

import pytest
import torch
from PIL import Image

from utils import celeba, celeba_attributes, data, downloads, houses

QUOTA_PAGE = b"<!DOCTYPE html><html><head><title>Google Drive - Quota exceeded</title></head></html>"


@pytest.fixture
def server():
    """Serve ``server.files`` (path -> bytes) on 127.0.0.1; ``server.url(path)`` and ``server.hits``."""
    files, hits = {}, []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server interface
            hits.append(self.path)
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    port = httpd.server_address[1]
    yield type("Server", (), {"files": files, "hits": hits, "url": staticmethod(
        lambda path: f"http://127.0.0.1:{port}{path}")})
    httpd.shutdown()
    httpd.server_close()


def jpeg(size, colour=(120, 60, 30)) -> bytes:
    """Return the bytes of a plain JPEG of ``size``."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def zip_of(members: dict) -> bytes:
    """Return the bytes of a zip holding ``members`` (name -> bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, body in members.items():
            bundle.writestr(name, body)
    return buffer.getvalue()


INFO = b"4 4 4053 85255 869500\n3 2.5 1200 36372 22000\n"


@pytest.fixture
def two_houses(clean_env, server, tmp_path):
    """A two-house dataset in the repository's zip layout, served as HOUSES_URL."""
    clean_env.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    clean_env.setattr(houses, "HOUSES", 2)
    clean_env.setattr(houses, "HOUSES_INFO_SHA256", hashlib.sha256(INFO).hexdigest())
    clean_env.setattr(houses, "HOUSES_URL", server.url("/emanhamed/Houses-dataset/archive/HEAD.zip"))
    members = {"Houses-dataset-master/README.md": b"cite the paper",
               "Houses-dataset-master/Houses Dataset/HousesInfo.txt": INFO}
    for house in (1, 2):
        for view in houses.VIEWS:
            members[f"Houses-dataset-master/Houses Dataset/{house}_{view}.jpg"] = jpeg((320, 200))
    server.files["/emanhamed/Houses-dataset/archive/HEAD.zip"] = zip_of(members)
    return server


def test_houses_online_are_downloaded_once_checked_and_stored_like_the_mirror(two_houses, tmp_path, capsys):
    result = data.load_houses(image_size=16)
    assert result.photos.shape == (2, 4, 3, 16, 16) and 0 <= result.photos.min() <= result.photos.max() <= 1
    assert result.price.tolist() == [869500, 22000] and result.bathrooms.tolist() == [4, 2.5]
    assert result.zipcode.dtype == torch.long
    folder = tmp_path / "data" / "houses-github" / "Houses Dataset"
    assert Image.open(folder / "2_kitchen.jpg").size == (160, 100)  # longer side 160, as in the mirror
    assert not (folder.parent / "Houses-dataset.zip").exists()
    out = capsys.readouterr().out
    assert "from github.com/emanhamed/Houses-dataset" in out and str(tmp_path) not in out
    data.load_houses(image_size=16)
    assert len(two_houses.hits) == 1


@pytest.mark.parametrize("body, message", [(QUOTA_PAGE, "is a web page, not a zip"),
                                           (b"PK\x03\x04 cut short", "is not a valid zip")])
def test_a_houses_download_that_is_not_a_zip_leaves_nothing_behind(two_houses, tmp_path, body, message):
    two_houses.files["/emanhamed/Houses-dataset/archive/HEAD.zip"] = body
    with pytest.raises(data.DataNotFoundError, match=message):
        data.load_houses()
    assert not any((tmp_path / "data" / "houses-github").iterdir())


def test_a_houses_download_with_another_table_is_refused(two_houses, tmp_path, clean_env):
    clean_env.setattr(houses, "HOUSES_INFO_SHA256", "0" * 64)
    with pytest.raises(data.DataNotFoundError, match="differs from the published one"):
        data.load_houses()
    assert not any((tmp_path / "data" / "houses-github").iterdir())


def test_an_unreachable_host_says_which_host_failed(two_houses, clean_env):
    clean_env.setattr(houses, "HOUSES_URL", "http://127.0.0.1:9/nothing.zip")
    with pytest.raises(data.DataNotFoundError, match="Could not download the Houses dataset .* from 127.0.0.1:9"):
        data.load_houses()


def test_building_a_folder_is_all_or_nothing(tmp_path):
    target = tmp_path / "faces"
    with pytest.raises(RuntimeError), downloads.building(target) as partial:
        (partial / "a.jpg").write_bytes(b"x")
        raise RuntimeError("interrupted")
    assert not target.exists() and not list(tmp_path.iterdir())
    with downloads.building(target) as partial:
        (partial / "a.jpg").write_bytes(b"x")
    assert [path.name for path in target.iterdir()] == ["a.jpg"]


def test_check_zip_refuses_a_wrong_digest(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(zip_of({"a.txt": b"a"}))
    downloads.check_zip(path, "x.zip", ("sha256", downloads.sha256sum(path)), "next")
    with pytest.raises(data.DataNotFoundError, match="wrong md5 .* Try the mirror"):
        downloads.check_zip(path, "x.zip", ("md5", "0" * 32), "Try the mirror.")
    assert not path.exists()



def aligned_jpeg(index: int) -> bytes:
    """Return a 178×218 'aligned CelebA photo' whose crop box is a plain colour and the rest black."""
    image = Image.new("RGB", (178, 218), (0, 0, 0))
    image.paste((40 * index, 200, 100), celeba.BOX)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=98)
    return buffer.getvalue()


CELEBA_ZIP = zip_of({f"img_align_celeba/{index:06d}.jpg": aligned_jpeg(index) for index in (1, 2, 3, 4)})


@pytest.fixture
def celeba_online(clean_env, server, tmp_path):
    """Three faces wanted, the official zip served locally as the tutorial-assets host, gdown absent."""
    clean_env.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    clean_env.setattr(celeba, "FACES", 3)
    clean_env.setattr(celeba, "KAGGLE_INPUT", tmp_path / "no-kaggle")
    clean_env.setattr(celeba, "CELEBA_ZIP_URL", server.url("/pytorch-tutorial-assets/img_align_celeba.zip"))
    clean_env.setattr(celeba, "CELEBA_ZIP_SHA256", hashlib.sha256(CELEBA_ZIP).hexdigest())
    clean_env.setattr(celeba.importlib.util, "find_spec", lambda name, *args: None)  # no gdown
    server.files["/pytorch-tutorial-assets/img_align_celeba.zip"] = CELEBA_ZIP
    return server


def left_in(folder):
    """Return the names left in ``folder`` (recursively), e.g. after a failed download."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def test_faces_from_the_tutorial_host_are_the_first_ones_cropped_like_the_mirror(celeba_online, tmp_path, capsys):
    faces = data.load_faces()
    assert len(faces) == 3 and [path.name for path in faces.files] == ["000001.jpg", "000002.jpg", "000003.jpg"]
    image, label = faces[1]
    assert image.shape == (3, 64, 64) and label == 0
    assert abs(float(image[0].mean()) - 80 / 255) < 0.03 and float(image[1].min()) > 0.6  # the box, no border
    assert left_in(tmp_path / "data") == ["celeba64-online/celeba/000001.jpg", "celeba64-online/celeba/000002.jpg",
                                          "celeba64-online/celeba/000003.jpg", "celeba64-online/source.txt"]
    out = capsys.readouterr().out
    assert "from img_align_celeba.zip from the PyTorch tutorial-assets host" in out and str(tmp_path) not in out
    data.load_faces()
    assert len(celeba_online.hits) == 1


@pytest.mark.parametrize("body, problem", [(QUOTA_PAGE, "is a web page, not a zip"),
                                           (CELEBA_ZIP[:500], "is not a valid zip"),
                                           (zip_of({"img_align_celeba/000001.jpg": b"x"}), "wrong sha256")])
def test_a_bad_download_names_the_next_option_and_leaves_nothing(celeba_online, tmp_path, capsys, body, problem):
    celeba_online.files["/pytorch-tutorial-assets/img_align_celeba.zip"] = body
    with pytest.raises(data.DataNotFoundError) as error:
        data.load_faces()
    out = capsys.readouterr().out
    assert problem in out and "Trying the next source, img_align_celeba.zip through torchvision's Google-Drive" in out
    assert "needs the gdown package: run `pip install gdown`" in str(error.value)
    assert "internet access" not in str(error.value) + out and "COURSE_FACES_DIR" in str(error.value)
    assert left_in(tmp_path / "data") == []


def fake_drive(server, path):
    """Return a stand-in for ``celeba.drive_download`` that fetches ``path`` from the local server."""
    return lambda folder, filename: downloads.fetch(server.url(path), folder / filename, filename)


def test_faces_fall_back_to_google_drive_last(celeba_online, clean_env, tmp_path, capsys):
    del celeba_online.files["/pytorch-tutorial-assets/img_align_celeba.zip"]  # the host answers 404
    celeba_online.files["/drive/img_align_celeba.zip"] = CELEBA_ZIP
    clean_env.setattr(celeba, "drive_download", fake_drive(celeba_online, "/drive/img_align_celeba.zip"))
    clean_env.setitem(celeba.DRIVE_FILES, "img_align_celeba.zip", ("id", hashlib.md5(CELEBA_ZIP).hexdigest()))
    faces = data.load_faces()
    out = capsys.readouterr().out
    assert len(faces) == 3 and "Could not download img_align_celeba.zip (1.4 GB) from 127.0.0.1" in out
    assert "3 CelebA images at 64×64 from img_align_celeba.zip through torchvision's Google-Drive download" in out


def test_a_drive_quota_page_says_what_to_do_and_leaves_nothing(celeba_online, clean_env, tmp_path):
    celeba_online.files["/pytorch-tutorial-assets/img_align_celeba.zip"] = QUOTA_PAGE
    celeba_online.files["/drive/img_align_celeba.zip"] = QUOTA_PAGE
    clean_env.setattr(celeba, "drive_download", fake_drive(celeba_online, "/drive/img_align_celeba.zip"))
    with pytest.raises(data.DataNotFoundError, match="web page, not a zip .*Attach a CelebA dataset on Kaggle"):
        data.load_faces()
    assert left_in(tmp_path / "data") == []


def test_without_gdown_the_drive_download_names_the_package(clean_env, tmp_path):
    clean_env.setattr(celeba.importlib.util, "find_spec", lambda name, *args: None)
    with pytest.raises(data.DataNotFoundError, match=r"needs the gdown package: run `pip install gdown`") as error:
        celeba.drive_download(tmp_path, "list_attr_celeba.txt")
    assert "internet access" not in str(error.value)


@pytest.fixture
def kaggle(mirror, clean_env, tmp_path):
    """A Kaggle-attached CelebA in the usual layout, with the official annotations as a .csv (from the mirror)."""
    clean_env.setenv("COURSE_DATA_MIRROR", str(mirror))
    clean_env.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    path, _ = celeba.attribute_file()
    names, rows = celeba_attributes.parse_attributes(path.read_text())
    clean_env.delenv("COURSE_DATA_MIRROR")
    dataset = tmp_path / "kaggle" / "celeba-dataset"
    images = dataset / "img_align_celeba" / "img_align_celeba"
    images.mkdir(parents=True)
    for index in (1, 2, 3):
        (images / f"{index:06d}.jpg").write_bytes(aligned_jpeg(index))
    lines = ["image_id," + ",".join(names)] + [",".join([name, *rows[name]]) for name in rows]
    (dataset / "list_attr_celeba.csv").write_text("\n".join(lines) + "\n")
    clean_env.setattr(celeba, "KAGGLE_INPUT", tmp_path / "kaggle")
    clean_env.setattr(celeba, "FACES", 3)
    return images


def test_a_kaggle_attached_celeba_is_found_checked_and_used_for_faces_and_attributes(kaggle, capsys):
    assert celeba.find_kaggle_celeba() == kaggle
    faces = data.load_faces()
    attributes = data.load_face_attributes()
    assert len(faces) == 3 and attributes.files == ["000001.jpg", "000002.jpg", "000003.jpg"]
    assert attributes.values[:3, 31].tolist() == [1, 1, 0]  # Smiling in the official rows
    out = capsys.readouterr().out
    assert "3 CelebA images at 64×64 from a Kaggle-attached CelebA" in out
    assert "from list_attr_celeba.csv of a Kaggle-attached CelebA" in out and "kaggle/" not in out


def test_kaggle_annotations_that_differ_are_refused(kaggle):
    csv = kaggle.parents[1] / "list_attr_celeba.csv"
    csv.write_text(csv.read_text().replace("000002.jpg,-1", "000002.jpg,1", 1))
    with pytest.raises(data.DataNotFoundError, match="differ from CelebA's official ones"):
        data.load_face_attributes()


def test_a_kaggle_celeba_with_other_photos_is_refused_and_nothing_left(kaggle, tmp_path):
    Image.new("RGB", (64, 64)).save(kaggle / "000002.jpg")
    with pytest.raises(data.DataNotFoundError, match="000002.jpg is 64×64, not an aligned CelebA photo"):
        data.load_faces()
    assert [name for name in left_in(tmp_path / "data") if "celeba64" in name] == []


def test_the_faces_folder_comes_first_then_kaggle_then_the_mirror(kaggle, clean_env, mirror, tmp_path, capsys):
    clean_env.setenv("COURSE_DATA_MIRROR", str(mirror))
    folder = tmp_path / "mine"
    folder.mkdir()
    Image.new("RGB", (80, 80)).save(folder / "000009.jpg")
    clean_env.setenv("COURSE_FACES_DIR", str(folder))
    assert [path.name for path in data.load_faces().files] == ["000009.jpg"]
    assert data.load_face_attributes().files == ["000009.jpg"]
    clean_env.delenv("COURSE_FACES_DIR")
    capsys.readouterr()
    assert data.load_faces().files[0].parent.parent.name == "celeba64-kaggle"
    assert "from a Kaggle-attached CelebA" in capsys.readouterr().out
    clean_env.setattr(celeba, "KAGGLE_INPUT", tmp_path / "no-kaggle")
    clean_env.setattr(celeba, "FACES", 10_000)
    assert len(data.load_faces()) == 10_000 and "offline archive celeba64.tar.gz" in capsys.readouterr().out


def test_attributes_fall_back_to_google_drive_and_are_checked(mirror, clean_env, server, tmp_path, capsys):
    clean_env.setenv("COURSE_DATA_MIRROR", str(mirror))
    clean_env.setenv("COURSE_DATA_DIR", str(tmp_path / "offline"))
    official = celeba.attribute_file()[0].read_bytes()  # rows 1-10,000 of the official file
    clean_env.delenv("COURSE_DATA_MIRROR")
    clean_env.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    clean_env.setattr(celeba, "KAGGLE_INPUT", tmp_path / "no-kaggle")
    server.files["/drive/list_attr_celeba.txt"] = official
    clean_env.setattr(celeba, "drive_download", fake_drive(server, "/drive/list_attr_celeba.txt"))
    attributes = data.load_face_attributes()
    assert attributes.values.shape == (10_000, 40) and attributes.values[:5, 31].tolist() == [1, 1, 0, 0, 0]
    assert "from CelebA's list_attr_celeba.txt through torchvision's Google-Drive download" in capsys.readouterr().out
    data.load_face_attributes()
    assert len(server.hits) == 1


def test_a_drive_file_with_the_wrong_md5_or_a_refusal_is_removed_and_explained(clean_env, tmp_path):
    from torchvision.datasets import utils as tv_utils

    clean_env.setattr(celeba.importlib.util, "find_spec", lambda name, *args: object())  # gdown "installed"
    clean_env.setattr(tv_utils, "download_file_from_google_drive",
                      lambda file_id, root, filename: (root / filename).write_text("<html>quota</html>"))
    with pytest.raises(data.DataNotFoundError, match="list_attr_celeba.txt from Google Drive has the wrong md5"):
        celeba.drive_download(tmp_path, "list_attr_celeba.txt")
    assert not (tmp_path / "list_attr_celeba.txt").exists()

    def refuse(*args):
        raise RuntimeError("Too many users have viewed or downloaded this file recently")

    clean_env.setattr(tv_utils, "download_file_from_google_drive", refuse)
    with pytest.raises(data.DataNotFoundError, match="Google Drive refused img_align_celeba.zip .*Too many users"):
        celeba.drive_download(tmp_path, "img_align_celeba.zip")
