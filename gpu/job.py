"""The GPU job for chapters 5 and 6 (issue 25): prepare it here, run it on a GPU machine, land its results.

    python gpu/job.py prepare [05 06]     # here: download the wheels, copy the dataset archives, check sizes
    python gpu/job.py size [--carry PATH ...]  # what one device call sends (limit 64 MiB)
    python gpu/job.py run --out DIR [--mode full|smoke] [05 06]  # there (gpu/run.sh sets it up)
    python gpu/job.py land DIR [DIR ...] [--publish]   # here: unpack the returned files into the checkout
    python gpu/job.py aside | back        # here: move student/, notebooks/, weights/ out of the tree and back

The pending chapters live in gpu/ (``gpu/NN_name.ipynb``, not matched by the chapter pattern of notebooks/).
``run`` executes them in place with the course's own tool (coursetools.notebooks.execute, which saves the
weights of a full run in weights/ and lists them in utils/weights_manifest.json), stores every weight tensor
that float16 holds exactly in float16 (the chapters round their published weights to 16 bits), and packs the
executed notebooks, the weights and their manifest entries into one tar split into parts of at most 15 MiB,
with summary.json (what ran, how long, the sha256 of every part) and log.txt beside them. gpu/README.md says
how to call it: the working tree that travels is limited to 64 MiB, so either one call per chapter (each
with its own archive), or, with the large folders moved aside for the call (`aside`, then `back`), one call
for both.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHAPTERS = {"05": "05_cifar10_bottleneck", "06": "06_dcgan_faces"}
DATASETS = {"05": "cifar10", "06": "faces"}               # keys of utils.downloads.ARCHIVES
DATA_TARGET = {"cifar10": "cifar10-jpeg", "faces": "celeba64"}  # where utils extracts them in data/
WHEELS_DIR, DATA_DIR, RESULTS_DIR = ROOT / ".whl", ROOT / ".devdata", ROOT / "gpu" / "results"
LIMIT_BYTES, PART_BYTES, MAX_FILES = 64 * 2**20, 15 * 2**20, 8
COMMITTED_BYTES = 2_000_000   # weights above this are published as release assets (coursetools.notebooks)
# Everything the execution tool needs that the GPU image lacks (it has torch, torchvision, matplotlib, numpy,
# tqdm, pillow, psutil, pygments, pyyaml, attrs, packaging, python-dateutil, typing-extensions). jedi and
# debugpy are left out: IPython and ipykernel import them only when they are there.
WHEELS = ["nbclient==0.11.0", "nbformat==5.11.1", "ipykernel==7.4.0", "ipython==9.18.1",
          "jupyter_client==8.10.0", "jupyter_core==5.9.1", "traitlets==5.16.1", "pyzmq==27.3.0",
          "tornado==6.6.1", "comm==0.2.3", "matplotlib-inline==0.2.2", "nest-asyncio2==1.7.4",
          "ipython-pygments-lexers==1.1.1", "prompt_toolkit==3.0.53", "wcwidth==0.9.4", "pexpect==4.9.0",
          "ptyprocess==0.7.0", "stack_data==0.6.3", "executing==2.3.0", "asttokens==3.0.2",
          "pure_eval==0.2.4", "platformdirs==4.14.9", "fastjsonschema==2.22.3", "jsonschema==4.26.0",
          "jsonschema-specifications==2025.9.1", "referencing==0.37.0", "rpds-py==2026.9.1", "torchinfo==1.8.0"]
PLATFORMS = ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
             "manylinux1_x86_64"]


def sha256(path: Path) -> str:
    """The hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def travelling_bytes(carry: list[str], root: Path = ROOT, skip: tuple[str, ...] = ()) -> int:
    """Bytes a device call sends: tracked and untracked-but-not-ignored files (but those in the folders `skip`),
    plus the carried paths."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                            capture_output=True, check=True).stdout.decode().split("\0")
    files = {root / name for name in listed
             if name and name.split("/", 1)[0] not in skip and (root / name).is_file()}
    for path in (root / c for c in carry):
        files |= set(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else {path} if path.exists() else set()
    return sum(p.stat().st_size for p in files)


def calls(chapters: list[str]) -> dict[str, list[str]]:
    """The carry list of each chapter's device call: the wheels and that chapter's dataset archive."""
    from utils.downloads import ARCHIVES

    return {c: [".whl", f".devdata/{ARCHIVES[DATASETS[c]][0]}"] for c in chapters}


def prepare(chapters: list[str]) -> int:
    """Download the wheels, copy the chapters' archives (checked) into .devdata/, and check every call's size."""
    from utils.downloads import ARCHIVES, mirror_archive

    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                    "--python-version", "3.12", "--implementation", "cp", "--dest", str(WHEELS_DIR),
                    *[f"--platform={p}" for p in PLATFORMS], *WHEELS], check=True)
    DATA_DIR.mkdir(exist_ok=True)
    for chapter in chapters:
        name = DATASETS[chapter]
        source, (filename, digest) = mirror_archive(name), ARCHIVES[name]
        if source is None:
            raise SystemExit("set COURSE_DATA_MIRROR to the folder with the course's archives (make sets it)")
        target = DATA_DIR / filename
        if not target.exists() or sha256(target) != digest:
            target.write_bytes(source.read_bytes())
        if sha256(target) != digest:
            raise SystemExit(f"{target} does not match its sha256: copy it again")
    one_each = size(calls(chapters))
    together = travelling_bytes([".whl", ".devdata"], skip=ASIDE)
    print(f"one call for both chapters, with {', '.join(ASIDE)} moved aside (`python gpu/job.py aside`): "
          f"{together / 2**20:.1f} MiB of {LIMIT_BYTES / 2**20:.0f} MiB")
    return one_each if together > LIMIT_BYTES else 0


def size(carries: dict[str, list[str]]) -> int:
    """Print what each call sends; return 1 if one is over the limit."""
    worst = 0
    for chapter, carry in carries.items():
        sent = travelling_bytes(carry)
        worst = max(worst, sent)
        print(f"call for chapter {chapter}: carry {json.dumps(carry)}: {sent / 2**20:.1f} MiB of "
              f"{LIMIT_BYTES / 2**20:.0f} MiB")
    return 1 if worst > LIMIT_BYTES else 0


ASIDE = ("student", "notebooks", "weights")   # large, and not needed on the GPU machine


def aside(root: Path = ROOT) -> int:
    """Move the folders the GPU job does not need into gpu/results/aside/ (git-ignored), so that one device call
    can carry both dataset archives; `back` restores them. Only while no one else works in this checkout."""
    target = root / "gpu" / "results" / "aside"
    if target.exists() and any(target.iterdir()):
        raise SystemExit(f"{target} is not empty: run `python gpu/job.py back` first")
    target.mkdir(parents=True, exist_ok=True)
    for name in ASIDE:
        if (root / name).exists():
            (root / name).rename(target / name)
            print(f"moved {name}/ aside")
    return 0


def back(root: Path = ROOT) -> int:
    """Move the folders `aside` moved back into the checkout."""
    source = root / "gpu" / "results" / "aside"
    for name in ASIDE:
        if (source / name).exists():
            if (root / name).exists():
                raise SystemExit(f"{root / name} exists again: merge {source / name} into it by hand")
            (source / name).rename(root / name)
            print(f"moved {name}/ back")
    return 0


def halve(path: Path) -> None:
    """Store every float tensor of a saved state_dict that float16 holds exactly in float16 (in place)."""
    import torch

    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict):
        return
    exact = lambda t: t.is_floating_point() and t.dtype != torch.float16 and torch.equal(t.half().to(t.dtype), t)
    torch.save({k: v.half() if torch.is_tensor(v) and exact(v) else v for k, v in state.items()}, path)


def entries(saved: list[Path], course: dict, chapter: str) -> dict:
    """Manifest entries (utils.pretrained's format) for the weights a run saved, published in the repository
    when the files together take at most 2 MB, else as release assets."""
    listed = {}
    for weights in (p for p in saved if not p.name.endswith(".history.pt")):
        name = weights.name[:-len(".pt")]
        files = {"weights": weights, "history": weights.with_name(f"{name}.history.pt")}
        total = sum(p.stat().st_size for p in files.values())
        listed[name] = {"chapter": chapter, "device": course["device"], "code_sha256": course["code_sha256"],
                        "published": "repository" if total <= COMMITTED_BYTES else "release",
                        "files": {role: {"file": p.name, "sha256": sha256(p), "size": p.stat().st_size}
                                  for role, p in files.items()}}
    return listed


def execute_within(notebook: Path, mode: str, seconds: float) -> str | None:
    """Run `python -m coursetools.notebooks --mode MODE NOTEBOOK` (in place); return None, or why it did not
    finish: stopped at the deadline, so that the job still packs and returns what it has."""
    command = [sys.executable, "-m", "coursetools.notebooks", "--mode", mode, str(notebook)]
    child = subprocess.Popen(command, cwd=ROOT, start_new_session=True)  # its kernel joins its group
    try:
        code = child.wait(timeout=max(seconds, 1))
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)                                 # the tool and its kernel
        child.wait()
        return f"stopped after {seconds:.0f} s (the job's budget, GPU_JOB_BUDGET_S)"
    if code:
        return f"the execution tool failed with exit code {code}: its traceback is in log.txt"
    return None


def run(chapters: list[str], mode: str, out: Path, budget: float) -> int:
    """Execute the pending chapters (copies), within `budget` seconds in all, then pack the notebooks, the weights
    and their manifest entries into `out`, and what failed into summary.json."""
    import nbformat

    from utils.downloads import data_dir, offline_copy
    from utils.pretrained import CHECKOUT_WEIGHTS

    out.mkdir(parents=True, exist_ok=True)
    summary, manifest, packed = {"mode": mode, "chapters": {}}, {}, []
    deadline = time.time() + budget
    for chapter in chapters:
        started = time.time()
        name = DATASETS[chapter]
        offline_copy(name, data_dir() / DATA_TARGET[name])         # extract the archive before the clock starts
        notebook = RESULTS_DIR / "run" / f"{CHAPTERS[chapter]}.ipynb"   # a copy: gpu/ stays as it is
        notebook.parent.mkdir(parents=True, exist_ok=True)
        notebook.write_bytes((ROOT / "gpu" / notebook.name).read_bytes())
        error = execute_within(notebook, mode, deadline - time.time())
        course = nbformat.read(notebook, as_version=4).metadata.get("course")
        if error or not course or course.get("mode") != mode:
            summary["chapters"][chapter] = {"error": error or "the notebook was not stamped"}
            print(f"chapter {chapter} FAILED: {summary['chapters'][chapter]['error']}", flush=True)
            continue
        saved = sorted(p for p in CHECKOUT_WEIGHTS.glob(f"ch{chapter}_*.pt") if p.stat().st_mtime >= started)
        for path in saved:
            halve(path)
        manifest |= entries(saved, course, CHAPTERS[chapter])
        packed += [notebook, *saved]
        summary["chapters"][chapter] = {k: course[k] for k in ("wall_s", "device", "results", "code_sha256")}
        print(f"chapter {chapter}: {course['wall_s']} s on {course['device']}", flush=True)
    pack(packed, manifest, summary, out)
    return 0 if all("error" not in c for c in summary["chapters"].values()) else 1


def pack(paths: list[Path], manifest: dict, summary: dict, out: Path) -> None:
    """Write one tar of `paths` (relative to the checkout) and gpu_manifest.json, split into parts, and
    summary.json with the sha256 of the tar and of every part."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        for path in paths:
            tar.add(path, arcname=str(path.relative_to(ROOT)))
        listing = json.dumps(manifest, indent=1).encode()
        info = tarfile.TarInfo("gpu_manifest.json")
        info.size = len(listing)
        tar.addfile(info, io.BytesIO(listing))
    blob = data.getvalue()
    parts = [blob[i:i + PART_BYTES] for i in range(0, len(blob), PART_BYTES)] or [b""]
    if len(parts) > MAX_FILES - 2:
        raise SystemExit(f"the results take {len(blob) / 2**20:.1f} MiB: more than {MAX_FILES - 2} parts")
    summary["tar_sha256"] = hashlib.sha256(blob).hexdigest()
    summary["parts"] = {}
    for i, part in enumerate(parts):
        name = f"results.tar.part{i:02d}"
        (out / name).write_bytes(part)
        summary["parts"][name] = hashlib.sha256(part).hexdigest()
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    print(f"packed {len(paths)} files, {len(blob) / 2**20:.1f} MiB in {len(parts)} parts, into {out}")


def unpack(folder: Path) -> tuple[dict, tarfile.TarFile]:
    """Check the parts in `folder` against summary.json; return the summary and the joined tar."""
    summary = json.loads((folder / "summary.json").read_text())
    blob = b""
    for name, digest in sorted(summary["parts"].items()):
        part = (folder / name).read_bytes()
        if hashlib.sha256(part).hexdigest() != digest:
            raise SystemExit(f"{folder / name} is damaged (sha256 differs from summary.json): fetch it again")
        blob += part
    if hashlib.sha256(blob).hexdigest() != summary["tar_sha256"]:
        raise SystemExit(f"the parts in {folder} do not join into the packed tar: fetch them again")
    return summary, tarfile.open(fileobj=io.BytesIO(blob))


def land(folders: list[Path], publish: bool) -> int:
    """Unpack each folder's results into the checkout: executed notebooks into notebooks/ (only if their code
    is the pending version's), small weights into weights/ and the manifest, large ones into gpu/results/."""
    import nbformat

    from coursetools.notebooks import code_sha256
    from utils.downloads import data_dir
    from utils.pretrained import MANIFEST

    listed = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}
    release = RESULTS_DIR / "release_manifest.json"
    pending = json.loads(release.read_text()) if release.exists() else {}
    for folder in folders:
        summary, tar = unpack(folder)
        with tempfile.TemporaryDirectory() as tmp:
            tar.extractall(tmp, filter="data")
            tmp = Path(tmp)
            manifest = json.loads((tmp / "gpu_manifest.json").read_text())
            for chapter, info in summary["chapters"].items():
                if "error" in info:
                    print(f"chapter {chapter}: the run failed, nothing to land:\n{info['error']}")
                    continue
                ran = nbformat.read(tmp / "gpu" / "results" / "run" / f"{CHAPTERS[chapter]}.ipynb",
                                    as_version=4)
                here = nbformat.read(ROOT / "gpu" / f"{CHAPTERS[chapter]}.ipynb", as_version=4)
                if ran.metadata["course"]["mode"] != "full" or code_sha256(ran) != code_sha256(here):
                    raise SystemExit(f"chapter {chapter}: the returned run is not a full run of the pending code in "
                                     "gpu/ (it changed since): run the GPU job again")
                nbformat.write(ran, ROOT / "notebooks" / f"{CHAPTERS[chapter]}.ipynb")
                print(f"chapter {chapter}: notebooks/{CHAPTERS[chapter]}.ipynb from a full run on {info['device']} "
                      f"({info['wall_s']} s)")
            for name, entry in manifest.items():
                small = entry["published"] == "repository"
                folders_to = [ROOT / "weights"] if small else [RESULTS_DIR / "release", data_dir() / "weights"]
                for role in entry["files"].values():
                    for target in folders_to:
                        target.mkdir(parents=True, exist_ok=True)
                        (target / role["file"]).write_bytes((tmp / "weights" / role["file"]).read_bytes())
                (listed if small or publish else pending)[name] = entry
                print(f"  {name}: {'weights/ and the manifest' if small else 'gpu/results/release/ (to publish)'}")
    if publish:
        listed |= pending
        pending = {}
    MANIFEST.write_text(json.dumps(dict(sorted(listed.items())), indent=1) + "\n")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    release.write_text(json.dumps(pending, indent=1) + "\n")
    print("Next steps: gpu/README.md, 'After the run'.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("prepare", "size", "run", "land", "aside", "back"))
    parser.add_argument("items", nargs="*", help="chapters (05, 06) or, for land, result folders")
    parser.add_argument("--carry", nargs="*", default=[".whl", ".devdata"], help="size: the carried paths")
    parser.add_argument("--mode", default="full", choices=("full", "smoke"))
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("OUT", RESULTS_DIR / "out")))
    parser.add_argument("--budget", type=float, default=float(os.environ.get("GPU_JOB_BUDGET_S", 500)),
                        help="run: seconds the chapters may take together (then it packs what it has)")
    parser.add_argument("--publish", action="store_true", help="land: list the release assets in the manifest")
    args = parser.parse_intermixed_args(argv)
    chapters = [c for c in args.items or CHAPTERS if c in CHAPTERS] if args.command != "land" else []
    if args.command in ("prepare", "run") and len(chapters) != len(args.items or CHAPTERS):
        parser.error(f"chapters are {', '.join(CHAPTERS)}")
    if args.command == "prepare":
        return prepare(chapters)
    if args.command == "size":
        return size({"given": args.carry})
    if args.command in ("aside", "back"):
        return aside() if args.command == "aside" else back()
    if args.command == "run":
        return run(chapters, args.mode, args.out, args.budget)
    return land([Path(f) for f in args.items], args.publish)


if __name__ == "__main__":
    sys.exit(main())
