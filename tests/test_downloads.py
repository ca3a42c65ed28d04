"""Online data paths, served from a local HTTP server on 127.0.0.1: never the real network."""

import hashlib
import http.server
import io
import threading
import zipfile

import pytest
import torch
from PIL import Image

from utils import data, downloads, houses

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
    with pytest.raises(data.DataNotFoundError, match="could not download the Houses dataset .* from 127.0.0.1:9"):
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

