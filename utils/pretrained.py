"""The book's own trained weights: train a chapter's model here, or load the weights of the book's full run.

``history = train_or_load(run, "ch02_conv_autoencoder", model, lambda: fit(model, ...))`` trains (calling the
function and returning what it returns) unless ``COURSE_PRETRAINED=1`` and the weights listed in the
manifest (``utils/weights_manifest.json``) are found and match their sha256: then it loads them into
``model`` and returns the training history saved with them. Either way it prints which it did.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import torch

from utils.downloads import DataNotFoundError, data_dir, fetch, sha256sum
from utils.release import release_asset_url, repository_file_url
from utils.results import write_record

PRETRAINED_ENV = "COURSE_PRETRAINED"
WEIGHTS_OUT_ENV = "COURSE_WEIGHTS_OUT"  # set by the execution tool (full runs): save the weights there
MANIFEST = Path(__file__).with_name("weights_manifest.json")
CHECKOUT_WEIGHTS = Path(__file__).resolve().parents[1] / "weights"
ROLES = ("weights", "history")
LOADED = "loaded_from_book"  # the key train_or_load adds to a loaded history


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
            print(f"Loaded the book's trained weights for {name} ({paths['weights'].name}, from the full run "
                  f"on {entry['device']}) instead of training.")
            if isinstance(history, dict):
                history[LOADED] = True  # so that training_time() says whose run took the time
            return history
        print(f"Training {name} here: {reason}.")
    else:
        print(f"Training {name} here (set {PRETRAINED_ENV}=1 to load the book's trained weights instead).")
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


def _verified_file(info: dict, published: str) -> tuple[Path | None, str]:
    """Find (the checkout, then the cache, then a download) one file and check its sha256."""

    for path in (CHECKOUT_WEIGHTS / info["file"], data_dir() / "weights" / info["file"]):
        if path.is_file():
            if sha256sum(path) == info["sha256"]:
                return path, ""
            return None, (f"{info['file']} does not match the manifest's sha256 (an older or damaged copy); "
                          "delete it, or pull the version the manifest belongs to")
    url = (repository_file_url(f"weights/{info['file']}") if published == "repository"
           else release_asset_url(info["file"]))
    target = data_dir() / "weights" / info["file"]
    try:
        fetch(url, target, info["file"])
    except DataNotFoundError as error:
        return None, str(error).rstrip(".")
    if sha256sum(target) != info["sha256"]:
        target.unlink()
        return None, f"the downloaded {info['file']} does not match the manifest's sha256"
    return target, ""


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
