"""The book's own trained weights: train a chapter's model here, or load the weights of the book's full run.

``history = train_or_load(run, "ch02_conv_autoencoder", model, lambda: fit(model, ...))`` trains (calling the
function and returning what it returns) unless ``COURSE_PRETRAINED=1`` and the weights listed in the
manifest (``utils/weights_manifest.json``) are found and match their sha256: then it loads them into
``model`` and returns the training history saved with them. Either way it prints which it did.

The weights are looked for in the checkout's ``weights/`` folder, in the ``weights/`` folder of the local copy
the course was installed from (``pip install /path/to/copy``), in the data folder's ``weights/`` cache, and
last downloaded from the pinned release; a missing or damaged file makes the chapter train, saying how to
restore it. ``unpublished_notice`` is what ``start_chapter`` prints, with the switch on, for a chapter that
has no published weights and trains for long: how long, from the book's CPU timings (``cpu_timings.json``).
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import torch

from utils.downloads import DataNotFoundError, data_dir, fetch, sha256sum
from utils.release import release_asset_url, repository_file_url
from utils.results import write_record

PRETRAINED_ENV = "COURSE_PRETRAINED"
WEIGHTS_OUT_ENV = "COURSE_WEIGHTS_OUT"  # set by the execution tool (full runs): save the weights there
MANIFEST = Path(__file__).with_name("weights_manifest.json")
CPU_TIMINGS = Path(__file__).with_name("cpu_timings.json")  # written by coursetools.timings (make timings)
CHECKOUT = Path(__file__).resolve().parents[1]
CHECKOUT_WEIGHTS = CHECKOUT / "weights"
DISTRIBUTION = "tconv-course"  # the package's name for pip (pyproject.toml)
ROLES = ("weights", "history")
LOADED = "loaded_from_book"  # the key train_or_load adds to a loaded history
LONG_TRAINING_S = 120  # a chapter whose CPU run takes longer says so when COURSE_PRETRAINED=1 cannot help


def pretrained_wanted() -> bool:
    """True when ``COURSE_PRETRAINED`` asks for the book's weights (1, true, yes or on)."""
    value = os.environ.get(PRETRAINED_ENV, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"{PRETRAINED_ENV}={value!r}: set it to 1 to load the book's trained weights, "
                     "or to 0 (or unset it) to train here.")


def train_or_load(run, name: str, model: torch.nn.Module, train: Callable[[], object],
                  pretrained: bool | None = None):
    """Load the book's weights for ``name`` into ``model`` and return their history, or return ``train()``.

    ``pretrained`` (default: ``COURSE_PRETRAINED``) asks for the book's weights; chapter 3 passes True to
    reuse chapter 2's model. After training in a full run of the tool, the weights are saved for the book.
    """
    if pretrained if pretrained is not None else pretrained_wanted():
        paths, reason = find_weights(name)
        if paths:
            model.load_state_dict(torch.load(paths["weights"], map_location=run.device, weights_only=True))
            history = torch.load(paths["history"], map_location="cpu", weights_only=True)
            entry = manifest()[name]
            print(f"Loaded the book's trained weights for {name} (trained on {entry['device']}).")
            if isinstance(history, dict):
                history[LOADED] = True  # so that training_time() says whose run took the time
            return history
        print(f"Training {name} here: {reason}.")
    else:
        print(f"Training {name} here ({PRETRAINED_ENV}=1 loads the book's weights instead).")
    history = train()
    save_weights(run, name, model, history)
    return history


def training_time(history: dict, what: str) -> str:
    """Say how long ``what`` took from ``history['train_s']`` and ``['device']``: in this run, or, for weights
    that ``train_or_load`` loaded, in the book's run (chapter 2 on)."""
    took = f"{history['train_s']:.1f} s on {history['device']}"
    if history.get(LOADED):
        return f"{what}: loaded, not trained here; the book's run took {took}"
    return f"{what} took {took}"


def manifest() -> dict:
    """Return the manifest of published weights: name -> chapter, device, code_sha256 and files."""
    return json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}


def find_weights(name: str) -> tuple[dict[str, Path] | None, str]:
    """Return the verified local paths of ``name``'s files (fetching them if needed), or None and why not."""
    entry = manifest().get(name)
    if entry is None:
        return None, f"the book has no published weights named {name!r} in this version"
    paths = {}
    for role in ROLES:
        info = entry["files"][role]
        path, problem = _verified_file(info, entry.get("published", "repository"))
        if problem:
            return None, problem
        paths[role] = path
    return paths, ""


def install_source() -> Path | None:
    """Return the local folder (a copy or a clone) that this very package was installed from, read from pip's
    ``direct_url.json``; None for a checkout, an editable install or an install from the internet."""
    from importlib import metadata

    here = Path(__file__).resolve()
    for installed in metadata.distributions(name=DISTRIBUTION):
        if Path(installed.locate_file("utils/pretrained.py")).resolve() != here:
            continue  # another installation of the course, not the one running
        url = json.loads(installed.read_text("direct_url.json") or "{}").get("url", "")
        if url.startswith("file:"):
            return Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
    return None


def weights_folders() -> list[Path]:
    """Return the folders that may hold the book's weights: the checkout's ``weights/`` and that of the local
    copy the course was installed from (when it was), without duplicates."""
    source = install_source()
    checkout = (CHECKOUT / "pyproject.toml").is_file() or CHECKOUT_WEIGHTS.is_dir()  # not site-packages/weights
    folders = ([CHECKOUT_WEIGHTS] if checkout else []) + ([source / "weights"] if source else [])
    return list(dict.fromkeys(folders))


def _restore_hint(file: str, root: Path | None = None) -> str:
    """Say how to get ``weights/file`` back into the copy of the course at ``root`` (default: the checkout, else
    the local copy the course was installed from): with git in a clone, else by copying it into the cache."""
    roots = [root] if root else [CHECKOUT, install_source()]
    clone = next((r for r in roots if r and (r / ".git").exists()), None)
    if clone:
        return f"restore it with `git checkout -- weights/{file}` in {clone}"
    return f"copy weights/{file} from the course's repository into {data_dir() / 'weights'}"


def _verified_file(info: dict, published: str) -> tuple[Path | None, str]:
    """Find one file (the checkout or install copy, then the cache, then a download) and check its sha256."""
    file = info["file"]
    for folder in weights_folders():
        if (folder / file).is_file():
            if sha256sum(folder / file) == info["sha256"]:
                return folder / file, ""
            return None, (f"{folder / file} does not match the manifest's sha256 (an older or damaged copy): "
                          f"{_restore_hint(file, folder.parent)}, or pull the version the manifest belongs to")
    target = data_dir() / "weights" / file
    if target.is_file() and sha256sum(target) == info["sha256"]:
        return target, ""
    target.unlink(missing_ok=True)  # a damaged copy in the cache: download it again
    url = repository_file_url(f"weights/{file}") if published == "repository" else release_asset_url(file)
    try:
        fetch(url, target, file)
    except DataNotFoundError as error:
        tried = ", ".join(str(folder) for folder in [*weights_folders(), target.parent])
        return None, f"{file} is in none of {tried}. {str(error).rstrip('.')}: {_restore_hint(file)}"
    if sha256sum(target) != info["sha256"]:
        target.unlink()
        return None, f"the downloaded {file} does not match the manifest's sha256"
    return target, ""


def cpu_timings() -> dict:
    """Return the book's measured CPU run times: chapter -> {"wall_s", "device", ...} ({} without the file)."""
    return json.loads(CPU_TIMINGS.read_text()) if CPU_TIMINGS.exists() else {}


def format_seconds(seconds: float) -> str:
    """Return "19 s", "6.9 min" or "2.5 h"."""
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min" if seconds < 5400 else \
        f"{seconds / 3600:.1f} h"


def unpublished_notice(chapter: str, mode: str = "full") -> str | None:
    """With ``COURSE_PRETRAINED=1`` in full mode, say that ``chapter`` has no published weights and trains here,
    and for how long on a CPU (the book's timings); None when the switch is off, in smoke mode, when the
    chapter's weights are published, or when its whole CPU run is short."""
    if mode != "full" or not pretrained_wanted() or any(e["chapter"] == chapter for e in manifest().values()):
        return None
    timing = cpu_timings().get(chapter)
    if timing and timing["wall_s"] < LONG_TRAINING_S:
        return None
    how_long = ("How long on a CPU is not measured yet" if not timing else
                f"On a CPU that takes about {format_seconds(timing['wall_s'])} (the book's timing, {timing['device']})")
    return (f"{PRETRAINED_ENV}=1, but this chapter has no published weights yet: it trains here.\n"
            f"{how_long}; a GPU is much faster.\n"
            "COURSE_MODE=smoke runs it on a small subset in about a minute.")


def save_weights(run, name: str, model: torch.nn.Module, history) -> None:
    """In a full run of the execution tool, save ``model``'s state_dict and ``history`` for the book."""
    folder = os.environ.get(WEIGHTS_OUT_ENV)
    if not folder or run.mode != "full" or name[2:4] != run.chapter[:2]:
        return  # only the chapter that owns a model (``chNN_...``) publishes its weights
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = {key: value.detach().cpu() for key, value in model.state_dict().items()}
    files = {"weights": f"{name}.pt", "history": f"{name}.history.pt"}
    torch.save(state, folder / files["weights"])
    torch.save(_to_cpu(history), folder / files["history"])
    write_record({"weights": {name: {"chapter": run.chapter, "files": files}}})


def _to_cpu(value):
    """Return ``value`` with every tensor in it (inside dicts, lists and tuples) moved to the CPU."""
    if torch.is_tensor(value):
        return value.detach().cpu()
    if isinstance(value, dict):
        return {key: _to_cpu(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_cpu(item) for item in value)
    return value
