"""utils.pretrained: train here, or load the book's weights (checked against the manifest) and say which."""

import functools
import hashlib
import http.server
import json
import threading
from types import SimpleNamespace

import pytest
import torch

from utils import pretrained

RUN = SimpleNamespace(chapter="02_mnist_autoencoder", mode="full", device=torch.device("cpu"))


@pytest.fixture
def book(tmp_path, monkeypatch, clean_env):
    """A manifest with one model whose files sit in a served folder, and an empty checkout/cache."""
    served = tmp_path / "served"
    served.mkdir()
    trained = torch.nn.Linear(3, 2)
    torch.save(trained.state_dict(), served / "ch02_demo.pt")
    torch.save({"loss": [0.5, 0.25], "snapshot": torch.ones(2)}, served / "ch02_demo.history.pt")
    files = {role: {"file": name, "sha256": hashlib.sha256((served / name).read_bytes()).hexdigest(),
                    "size": (served / name).stat().st_size}
             for role, name in (("weights", "ch02_demo.pt"), ("history", "ch02_demo.history.pt"))}
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"ch02_demo": {"chapter": RUN.chapter, "device": "cpu (2 threads)",
                                                  "code_sha256": "abc", "published": "repository",
                                                  "files": files}}))
    monkeypatch.setattr(pretrained, "MANIFEST", manifest)
    monkeypatch.setattr(pretrained, "CHECKOUT", tmp_path)
    (tmp_path / "pyproject.toml").touch()  # the checkout the weights/ folder belongs to
    monkeypatch.setattr(pretrained, "CHECKOUT_WEIGHTS", tmp_path / "checkout")
    monkeypatch.setattr(pretrained, "install_source", lambda: None)
    clean_env.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setattr(pretrained, "repository_file_url", lambda path: f"{url}/{path.split('/')[-1]}")
    yield SimpleNamespace(trained=trained, served=served, files=files, tmp=tmp_path, env=clean_env)
    server.shutdown()


def never_train():
    raise AssertionError("it trained although the book's weights were there")


def test_without_the_switch_it_trains_and_says_how_to_load(book, capsys):
    model = torch.nn.Linear(3, 2)
    assert pretrained.train_or_load(RUN, "ch02_demo", model, lambda: {"loss": [9.0]}) == {"loss": [9.0]}
    assert "Training ch02_demo here (COURSE_PRETRAINED=1 loads the book's weights instead)." in capsys.readouterr().out


def test_with_the_switch_it_downloads_checks_and_loads(book, capsys):
    book.env.setenv("COURSE_PRETRAINED", "1")
    model = torch.nn.Linear(3, 2)
    history = pretrained.train_or_load(RUN, "ch02_demo", model, never_train)
    assert history["loss"] == [0.5, 0.25] and torch.equal(history["snapshot"], torch.ones(2))
    assert torch.equal(model.weight, book.trained.weight)
    assert "Loaded the book's trained weights for ch02_demo" in capsys.readouterr().out
    assert (book.tmp / "data" / "weights" / "ch02_demo.pt").is_file()  # cached for the next time


def test_pretrained_true_needs_no_switch_and_uses_the_checkout_copy(book, capsys):
    (book.tmp / "checkout").mkdir()
    for info in book.files.values():
        (book.tmp / "checkout" / info["file"]).write_bytes((book.served / info["file"]).read_bytes())
        (book.served / info["file"]).unlink()  # nothing to download: it must use the checkout's files
    model = torch.nn.Linear(3, 2)
    pretrained.train_or_load(RUN, "ch02_demo", model, never_train, pretrained=True)
    assert torch.equal(model.bias, book.trained.bias)


def test_a_file_with_the_wrong_sha256_is_refused_and_it_trains(book, capsys):
    book.env.setenv("COURSE_PRETRAINED", "1")
    (book.tmp / "checkout").mkdir()
    torch.save(torch.nn.Linear(3, 2).state_dict(), book.tmp / "checkout" / "ch02_demo.pt")
    assert pretrained.train_or_load(RUN, "ch02_demo", torch.nn.Linear(3, 2), lambda: "trained") == "trained"
    out = capsys.readouterr().out
    assert "ch02_demo.pt does not match the manifest's sha256" in out and "Training ch02_demo here" in out
    assert f"{book.tmp / 'checkout' / 'ch02_demo.pt'} does not match" in out, "it names the file's folder"
    (book.tmp / ".git").mkdir()  # in a clone, the message gives the command that restores the file
    pretrained.train_or_load(RUN, "ch02_demo", torch.nn.Linear(3, 2), lambda: "trained")
    assert f"restore it with `git checkout -- weights/ch02_demo.pt` in {book.tmp}" in capsys.readouterr().out


def test_missing_weights_offline_say_where_they_were_looked_for_and_how_to_restore_them(book, capsys):
    book.env.setenv("COURSE_PRETRAINED", "1")
    (book.tmp / ".git").mkdir()
    (book.served / "ch02_demo.pt").unlink()  # not in the checkout, and the download fails
    assert pretrained.train_or_load(RUN, "ch02_demo", torch.nn.Linear(3, 2), lambda: "trained") == "trained"
    out = capsys.readouterr().out
    assert f"ch02_demo.pt is in none of {book.tmp / 'checkout'}, {book.tmp / 'data' / 'weights'}." in out
    assert "Could not download ch02_demo.pt from 127.0.0.1" in out
    assert f"restore it with `git checkout -- weights/ch02_demo.pt` in {book.tmp}" in out
    (book.tmp / ".git").rmdir()  # not a clone (an installed copy): it says where to put the file instead
    pretrained.train_or_load(RUN, "ch02_demo", torch.nn.Linear(3, 2), lambda: "trained")
    assert f"copy weights/ch02_demo.pt from the course's repository into {book.tmp / 'data' / 'weights'}" in (
        capsys.readouterr().out)


def test_an_installed_copy_finds_the_weights_of_the_folder_it_was_installed_from(book, monkeypatch, capsys):
    book.env.setenv("COURSE_PRETRAINED", "1")
    copy = book.tmp / "copy"
    (copy / "weights").mkdir(parents=True)
    for info in book.files.values():
        (copy / "weights" / info["file"]).write_bytes((book.served / info["file"]).read_bytes())
        (book.served / info["file"]).unlink()  # offline: only the copy has them
    monkeypatch.setattr(pretrained, "install_source", lambda: copy)
    assert pretrained.weights_folders() == [book.tmp / "checkout", copy / "weights"]
    model = torch.nn.Linear(3, 2)
    pretrained.train_or_load(RUN, "ch02_demo", model, never_train)
    assert torch.equal(model.weight, book.trained.weight)


def test_install_source_reads_the_folder_pip_installed_this_package_from(monkeypatch, tmp_path):
    from importlib import metadata

    class Installed:
        def __init__(self, text, where=pretrained.__file__):
            self.text, self.where = text, where

        def read_text(self, name):
            return self.text if name == "direct_url.json" else None

        def locate_file(self, path):
            return self.where

    def installed(*found):
        monkeypatch.setattr(metadata, "distributions", lambda name: iter(found) if name == "tconv-course" else None)

    local, remote = ({"url": tmp_path.as_uri(), "dir_info": {}}, {"url": "https://github.com/o/r", "vcs_info": {}})
    installed(Installed(json.dumps(local)))
    assert pretrained.install_source() == tmp_path
    installed(Installed(json.dumps(local), where=tmp_path / "elsewhere.py"))
    assert pretrained.install_source() is None, "another installation of the course is not this one"
    installed(Installed(json.dumps(local), where=tmp_path / "elsewhere.py"), Installed(json.dumps(local)))
    assert pretrained.install_source() == tmp_path
    for text in (json.dumps(remote), None):
        installed(Installed(text))
        assert pretrained.install_source() is None
    installed()
    assert pretrained.install_source() is None


def test_a_damaged_copy_in_the_cache_is_downloaded_again(book, capsys):
    book.env.setenv("COURSE_PRETRAINED", "1")
    cache = book.tmp / "data" / "weights"
    cache.mkdir(parents=True)
    (cache / "ch02_demo.pt").write_bytes(b"cut short")
    model = torch.nn.Linear(3, 2)
    pretrained.train_or_load(RUN, "ch02_demo", model, never_train)
    assert torch.equal(model.weight, book.trained.weight) and "Downloading ch02_demo.pt" in capsys.readouterr().out


def test_a_damaged_download_is_deleted_and_it_trains(book, capsys):
    book.env.setenv("COURSE_PRETRAINED", "1")
    (book.served / "ch02_demo.pt").write_bytes(b"<html>quota exceeded</html>")
    assert pretrained.train_or_load(RUN, "ch02_demo", torch.nn.Linear(3, 2), lambda: "trained") == "trained"
    assert "the downloaded ch02_demo.pt does not match" in capsys.readouterr().out
    assert not (book.tmp / "data" / "weights" / "ch02_demo.pt").exists()


def test_a_missing_download_or_name_says_why_and_trains(book, capsys):
    book.env.setenv("COURSE_PRETRAINED", "yes")
    (book.served / "ch02_demo.history.pt").unlink()
    pretrained.train_or_load(RUN, "ch02_demo", torch.nn.Linear(3, 2), lambda: None)
    assert "Could not download ch02_demo.history.pt from 127.0.0.1" in capsys.readouterr().out
    assert not list((book.tmp / "data" / "weights").glob("*.part")), "no half-downloaded file is left"
    pretrained.train_or_load(RUN, "ch09_unknown", torch.nn.Linear(3, 2), lambda: None)
    assert "no published weights named 'ch09_unknown'" in capsys.readouterr().out


def test_a_wrong_switch_value_says_what_to_set(clean_env):
    clean_env.setenv("COURSE_PRETRAINED", "maybe")
    with pytest.raises(ValueError, match="set it to 1 to load"):
        pretrained.pretrained_wanted()


def test_weights_are_saved_only_in_a_full_tool_run_of_the_owning_chapter(tmp_path, clean_env):
    model, out = torch.nn.Linear(3, 2), tmp_path / "out"
    pretrained.save_weights(RUN, "ch02_demo", model, {})
    assert not out.exists(), "no COURSE_WEIGHTS_OUT: nothing is saved"
    clean_env.setenv("COURSE_WEIGHTS_OUT", str(out))
    for other in ({"chapter": "03_latent_interpolation"}, {"mode": "smoke"}):
        pretrained.save_weights(SimpleNamespace(**{**vars(RUN), **other}), "ch02_demo", model, {})
    assert not out.exists(), "another chapter or a smoke run never overwrites the book's weights"
    pretrained.save_weights(RUN, "ch02_demo", model, {"curve": torch.ones(3, device="cpu")})
    assert sorted(p.name for p in out.iterdir()) == ["ch02_demo.history.pt", "ch02_demo.pt"]
    assert torch.equal(torch.load(out / "ch02_demo.history.pt", weights_only=True)["curve"], torch.ones(3))


def test_training_time_says_whose_run_took_the_time(book, capsys):
    trained = {"train_s": 12.34, "device": "cpu (2 threads)"}
    assert pretrained.training_time(trained, "30 epochs") == "30 epochs took 12.3 s on cpu (2 threads)"
    book.env.setenv("COURSE_PRETRAINED", "1")
    loaded = pretrained.train_or_load(RUN, "ch02_demo", torch.nn.Linear(3, 2), never_train)
    loaded.update(train_s=250.0, device="cuda (NVIDIA H100)")
    said = pretrained.training_time(loaded, "30 epochs")
    assert "not trained here" in said and "the book's run took 250.0 s on cuda (NVIDIA H100)" in said
    assert " took 250.0 s" not in said.split(";")[0]


@pytest.fixture
def timings(book, monkeypatch):
    """A timings file: a long chapter without weights, a short one, and the chapter whose weights are listed."""
    path = book.tmp / "cpu_timings.json"
    path.write_text(json.dumps({"06_dcgan_faces": {"wall_s": 8005.9, "device": "cpu (2 threads)",
                                                   "estimated_from_epochs": [1, 2]},
                                "01_transpose_convolution": {"wall_s": 14.0, "device": "cpu (2 threads)"},
                                RUN.chapter: {"wall_s": 387.6, "device": "cpu (2 threads)"}}))
    monkeypatch.setattr(pretrained, "CPU_TIMINGS", path)
    return book


def test_the_notice_says_a_chapter_without_weights_trains_here_and_how_long(timings):
    assert pretrained.unpublished_notice("06_dcgan_faces") is None, "the switch is off: nothing to say"
    timings.env.setenv("COURSE_PRETRAINED", "1")
    notice = pretrained.unpublished_notice("06_dcgan_faces")
    assert notice.splitlines() == [
        "COURSE_PRETRAINED=1, but this chapter has no published weights yet: it trains here.",
        "On a CPU that takes about 2.2 h (the book's timing, cpu (2 threads)); a GPU is much faster.",
        "COURSE_MODE=smoke runs it on a small subset in about a minute."]
    assert "not measured yet" in pretrained.unpublished_notice("05_cifar10_bottleneck")
    assert pretrained.unpublished_notice(RUN.chapter) is None, "its weights are published"
    assert pretrained.unpublished_notice("01_transpose_convolution") is None, "a short run needs no warning"
    assert pretrained.unpublished_notice("06_dcgan_faces", mode="smoke") is None, "a smoke run is short"


def test_the_package_ships_the_manifest_and_the_cpu_timings():
    import tomllib
    from conftest import ROOT

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["utils"]
    assert {pretrained.MANIFEST.name, pretrained.CPU_TIMINGS.name} <= set(data)
    assert pretrained.CPU_TIMINGS.parent == pretrained.MANIFEST.parent and pretrained.cpu_timings()
