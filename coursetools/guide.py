"""The instructors' guide (``book/instructors.md``), generated from the chapters.

``python -m coursetools.guide`` (part of ``make student``) writes the page: per chapter its learning objectives,
prerequisites (:data:`PREREQUISITES`), the measured time of a full run on a GPU (the notebook's ``course``
metadata) and on a CPU (``book/cpu_timings.json``), and its exercises; then the fixed sections (student
edition, publishing, datasets). ``--check`` exits 1 when the page is out of date.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from coursetools.notebooks import NOTEBOOK_DIR, ROOT, cell_tags
from coursetools.timings import TIMINGS_FILE, load_timings

GUIDE_FILE = ROOT / "book" / "instructors.md"

# What each chapter builds on, besides the PyTorch basics every chapter assumes (by chapter number).
PREREQUISITES: dict[str, tuple[str, ...]] = {
    "01": (),
    "02": ("01",),            # the decoder is made of chapter 1's transpose convolutions
    "03": ("02",),            # reuses chapter 2's autoencoder and its training recipe
    "04": ("02",),            # the same autoencoder, now trained to denoise
    "05": ("01", "02"),       # encoder/decoder sizes, the training loop and PSNR
    "06": ("01", "02"),       # the generator's size arithmetic; a training loop on the device
    "07": ("01", "02"),       # in_features from the size rule; the training loop
}
DATASETS = {"load_mnist": "MNIST", "load_cifar10": "CIFAR-10", "load_faces": "CelebA"}
LICENCES = {  # dataset: (who made it, its terms)
    "MNIST": ("Yann LeCun and Corinna Cortes {cite:p}`lecun1998gradient`",
              "commonly distributed under the Creative Commons Attribution-Share Alike 3.0 licence (CC BY-SA 3.0); "
              "cite the paper"),
    "CIFAR-10": ("Alex Krizhevsky, Vinod Nair and Geoffrey Hinton {cite:p}`krizhevsky2009learning`",
                 "free to use for research and teaching, citing the technical report"),
    "CelebA": ("Ziwei Liu, Ping Luo, Xiaogang Wang and Xiaoou Tang, CUHK {cite:p}`liu2015faceattributes`",
               "**non-commercial research and educational purposes only**; the images may not be redistributed "
               "or used commercially; cite the paper"),
}

OBJECTIVES = re.compile(r"learning objectives", re.IGNORECASE)
LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s+")
EXERCISE = re.compile(r"^###\s+Exercise\s+(\d+\.\d+)\s*[:.]\s*(.+?)\s*$", re.MULTILINE)
DIFFICULTY = re.compile(r"\*Difficulty: (★☆☆|★★☆|★★★) · Assesses: (.+)\.\*\s*$")


def chapter_title(nb) -> str:
    """Return the chapter's title, the text of the first ``# `` heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (match := re.search(r"^# (.+)$", cell.source, re.MULTILINE)):
            return match.group(1).strip()
    raise ValueError("the notebook has no '# Title' heading.")


def learning_objectives(nb) -> list[str]:
    """Return the items of the list that follows "Learning objectives" (a heading or bold text), one line each."""
    cell = next((c for c in nb.cells if c.cell_type == "markdown" and OBJECTIVES.search(c.source)), None)
    if cell is None:
        raise ValueError("the notebook has no 'Learning objectives'.")
    items, blank = [], False
    for line in cell.source[OBJECTIVES.search(cell.source).end():].splitlines()[1:]:
        if marker := LIST_ITEM.match(line):
            items.append(line[marker.end():].strip())
        elif items and line.strip() and not line.lstrip().startswith("#") and (not blank or line[:1].isspace()):
            items[-1] += " " + line.strip()
        elif items and line.strip():
            break
        blank = not line.strip()
    if not items:
        raise ValueError("'Learning objectives' is not followed by a list.")
    return items


def exercises(nb) -> list[dict]:
    """Return each exercise's number, title, kind (coding, question or both), difficulty and what it assesses."""
    found = []
    for i, cell in enumerate(nb.cells):
        if "exercise" not in cell_tags(cell):
            continue
        heading, difficulty = EXERCISE.search(cell.source), DIFFICULTY.search(cell.source)
        if not heading or not difficulty:
            raise ValueError(f"exercise prompt without '### Exercise N.k: title' or difficulty line: "
                             f"{cell.source[:60]!r}")
        following = []
        for later in nb.cells[i + 1:]:
            if "exercise" in cell_tags(later):
                break
            following.append(later)
        kinds = [kind for kind, present in (
            ("coding", any("stub" in cell_tags(c) for c in following)),
            ("question", any("solution" in cell_tags(c) and c.cell_type == "markdown" for c in following))) if present]
        found.append({"number": heading.group(1), "title": heading.group(2), "kind": " + ".join(kinds) or "—",
                      "difficulty": difficulty.group(1), "assesses": difficulty.group(2)})
    return found


def datasets_used(nb) -> list[str]:
    """Return the datasets the chapter loads through ``utils.data`` (MNIST, CIFAR-10, CelebA)."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return [name for loader, name in DATASETS.items() if re.search(rf"\b{loader}\(", code)]


def format_run(entry: dict | None) -> str:
    """Return "4.2 min · device" for {"wall_s", "device"}, or "not measured yet" for None."""
    if not entry:
        return "not measured yet"
    seconds = entry["wall_s"]
    shown = f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min" if seconds < 5400 else \
        f"{seconds / 3600:.1f} h"
    return f"{shown} · {entry['device']}"


def gpu_run(nb) -> dict | None:
    """Return the stored full run's {"wall_s", "device"} if it was made on a GPU, else None."""
    course = nb.metadata.get("course", {})
    if course.get("mode") != "full" or not course.get("wall_s") or str(course.get("device", "cpu")).startswith("cpu"):
        return None
    return {"wall_s": course["wall_s"], "device": course["device"]}


def prerequisites(stem: str) -> str:
    """Return the chapter's prerequisites as links to those chapters (from :data:`PREREQUISITES`)."""
    number = stem[:2]
    if number not in PREREQUISITES:
        return "not stated yet (add the chapter to `PREREQUISITES` in `coursetools/guide.py`)"
    chapters = [next(NOTEBOOK_DIR.glob(f"{n}_*.ipynb"), None) for n in PREREQUISITES[number]]
    links = [f"{{doc}}`../notebooks/{p.stem}`" if p else f"chapter {int(n)}"
             for n, p in zip(PREREQUISITES[number], chapters)]
    return ", ".join(links) if links else "PyTorch basics only"


def _cell(text: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def chapter_section(path: Path, timings: dict) -> str:
    """Return the guide's section for one chapter."""
    nb = nbformat.read(path, as_version=4)
    lines = [f"### {chapter_title(nb)}", "",
             f"- **Prerequisites:** {prerequisites(path.stem)}",
             f"- **Full run on a GPU:** {format_run(gpu_run(nb))}",
             f"- **Full run on a CPU:** {format_run(timings.get(path.stem))}",
             f"- **Data:** {', '.join(datasets_used(nb)) or 'none'}", "",
             "**Learning objectives.** After this chapter a student can", ""]
    lines += [f"{i}. {item}" for i, item in enumerate(learning_objectives(nb), 1)]
    lines += ["", "| Exercise | Kind | Difficulty | Assesses |", "|---|---|---|---|"]
    lines += [f"| {e['number']} {_cell(e['title'])} | {e['kind']} | {e['difficulty']} | {_cell(e['assesses'])} |"
              for e in exercises(nb)]
    return "\n".join(lines) + "\n"


def overview_row(path: Path, timings: dict) -> str:
    """Return the chapter's row in the overview table."""
    nb = nbformat.read(path, as_version=4)
    found = exercises(nb)
    stars = " ".join(e["difficulty"] for e in found)
    return (f"| {{doc}}`../notebooks/{path.stem}` | {prerequisites(path.stem)} | {format_run(gpu_run(nb))} | "
            f"{format_run(timings.get(path.stem))} | {len(found)}: {stars} |")


def dataset_table(chapters: list[Path]) -> str:
    """Return the table of datasets: which chapters use each, who made it, its terms."""
    used = {name: [] for name in LICENCES}
    for path in chapters:
        for name in datasets_used(nbformat.read(path, as_version=4)):
            used[name].append(str(int(path.stem[:2])))
    rows = [f"| {name} | {', '.join(used[name]) or '—'} | {source} | {terms} |"
            for name, (source, terms) in LICENCES.items()]
    return "\n".join(["| Dataset | Chapters | Source | Terms |", "|---|---|---|---|", *rows]) + "\n"


def render_guide(notebook_dir: Path = NOTEBOOK_DIR, timings_file: Path = TIMINGS_FILE) -> str:
    """Return the whole instructors' guide page for the chapters in ``notebook_dir``."""
    chapters = sorted(Path(notebook_dir).glob("[0-9][0-9]_*.ipynb"))
    timings = load_timings(timings_file)
    overview = ["| Chapter | Prerequisites | Full run, GPU | Full run, CPU | Exercises |", "|---|---|---|---|---|"]
    overview += [overview_row(path, timings) for path in chapters]
    sections = "\n".join(chapter_section(path, timings) for path in chapters)
    footer = FOOTER.replace("{datasets}", dataset_table(chapters))
    return (HEADER + "\n".join(overview) + "\n\n" + CHAPTERS_INTRO + sections + "\n" + footer).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line: write ``book/instructors.md``, or with ``--check`` exit 1 if it is out of date."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report whether the page is up to date")
    parser.add_argument("--output", type=Path, default=GUIDE_FILE, help="default: book/instructors.md")
    args = parser.parse_args(argv)
    text = render_guide()
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    if args.check:
        print(f"{args.output} is {'up to date.' if current == text else 'out of date: run `make student`.'}")
        return 0 if current == text else 1
    if current != text:
        args.output.write_text(text, encoding="utf-8")
    print(f"Wrote {args.output}." if current != text else f"{args.output} is up to date.")
    return 0


HEADER = """\
# Instructors' guide

<!-- Generated by `python -m coursetools.guide` (run `make student`) from the notebooks and
book/cpu_timings.json. Edit coursetools/guide.py or the notebooks, not this file. -->

This page is for teachers who assign the course. Every chapter has learning objectives, at least three
exercises — at least one that asks for code and one that asks about a figure or a number of the chapter —
checks that tell a student whether an answer is right, and solutions that the book hides behind a toggle.
A **student edition** of every chapter, without the solutions, lives in `student/` and opens on Colab and
Kaggle from the *student edition* buttons under each chapter's title.

## How the exercises work

- **Prompt.** Each exercise starts with a heading *Exercise N.k*, the task, and a last line that gives its
  difficulty and what it assesses: ★☆☆ applies one rule of the chapter, ★★☆ needs reasoning across the
  chapter, ★★★ connects several ideas or takes several steps.
- **Coding exercises** give the student a cell with `...` where the answer goes, ending with a check from
  `utils.checks`. The check prints ✅ when the answer is right; when it is not it prints ❌ and *what* is
  wrong (the shape, the dtype, the first wrong entry and its index, too high or too low, the first case a
  function gets wrong) without printing the expected answer. Until the student writes something it prints
  "no answer yet".
- **Questions** ask about a figure or a number the chapter produced. Their solutions are in a dropdown
  (*Solution*) in the book; in the student edition they are replaced by an empty *Your answer* cell.
- **In the book** the student's cell is left out and the solution code is folded behind a toggle, with its
  check's ✅ from the full run shown underneath.

## Chapters at a glance

Times are wall-clock times of a whole full-mode run of the notebook (what the book shows); the GPU times come
from the stored run of each notebook, the CPU times from `book/cpu_timings.json` (see
{ref}`measuring-run-times`). On the smaller GPUs of Colab and Kaggle a run takes longer than on the
data-centre GPU named here; the smoke mode (`COURSE_MODE=smoke`) runs any chapter in about a minute on a CPU.

"""

CHAPTERS_INTRO = """\
## The chapters

Every chapter also assumes the PyTorch basics: tensors, `nn.Module`, an optimiser loop and `nn.Conv2d`.

"""

FOOTER = """\
## The student edition

`student/` holds one notebook per chapter, made from `notebooks/` by `coursetools/student.py`:

- every coding solution is removed and the student's cell (`...` where the answer goes, then the check) takes
  its place, shown and runnable (tag `exercise-stub`);
- every question's solution becomes a *Your answer* cell (tag `exercise-answer`);
- all other cells keep their text and the outputs of the book's full run, so students see the same figures;
  the notebook's metadata says `"edition": "student"`.

The stubs never raise: an unanswered check prints "no answer yet" (a stub function that still returns
nothing is reported wrong), so the student edition runs top to bottom without errors and a student can use
*Run all*. This is a deliberate choice over stubs that raise `NotImplementedError`.

To regenerate it after changing a chapter, and this page with it:

```bash
make student    # python -m coursetools.student && python -m coursetools.guide
```

The output is deterministic, so an unchanged chapter gives a byte-identical file. The tests fail, with
"run make student", when `student/` or this page is out of date; they also run every student notebook in
smoke mode, check that each unanswered check says "no answer yet" (or ❌) rather than ✅, and that the
solutions pasted back pass their checks. `python -m coursetools.student --run` does that run by hand.

To look at a student's work next to the solutions, paste the solutions back into their notebook (their own
cells are kept, each followed by the solution):

```python
import nbformat
from coursetools.student import paste_solutions

work = nbformat.read("submitted/02_mnist_autoencoder.ipynb", as_version=4)
book = nbformat.read("notebooks/02_mnist_autoencoder.ipynb", as_version=4)
nbformat.write(paste_solutions(work, book), "marked/02_mnist_autoencoder.ipynb")
```

(measuring-run-times)=
## Measuring the run times

- **GPU.** `make outputs` (or `python -m coursetools.notebooks NOTEBOOK`) runs a chapter in full mode and
  stores its outputs together with the wall time and device in the notebook's metadata (`course.wall_s`,
  `course.device`); this page reads them from there.
- **CPU.** `python -m coursetools.timings notebooks/02_mnist_autoencoder.ipynb` runs a *copy* of the chapter
  in full mode on the CPU (`COURSE_DEVICE=cpu`), leaves the notebook alone and records the wall time in
  `book/cpu_timings.json`. A full CPU run takes minutes to hours per chapter.

Run `make student` afterwards to update this page.

## Publishing the book

The book is static HTML built from the outputs stored in the notebooks (`execute_notebooks: "off"`), so
building it needs no GPU and no data. The repository's workflow `.github/workflows/book.yml` does, on every
push and pull request: set up Python 3.11, `make test` (lint, the book built with warnings as errors, the
unit tests and every chapter and student notebook in smoke mode, with the datasets downloaded from their
official sources), then `make book`; on a push to `main` it deploys `_build/html` to GitHub Pages. To host
it yourself:

1. fork the repository and set `repository.url` in `_config.yml` and the URL in the setup cell
   (`coursetools/notebooks.py`, `SETUP_CELL`) to your fork, so the Colab and Kaggle buttons and the
   notebooks' install step point at it;
2. in the fork's *Settings → Pages*, choose *GitHub Actions* as the source;
3. push to `main`: the workflow publishes the book at `https://<user>.github.io/<repository>/`.

Anywhere else, `make book` builds it into `_build/html`, which any static web server can serve.

## Datasets and their licences

The course uses three public datasets and downloads them from their official sources (or reads the course's
offline mirror of them). Their terms are the datasets' owners', not the course's; tell your students.

{datasets}
CelebA's terms matter most: chapter 6 shows celebrity faces and faces generated from them. Teaching with it
in a course is education; using the chapter, its images or a model trained on them in a commercial product
is not allowed. The course's own code and text are under the licence of the repository.
"""


if __name__ == "__main__":
    sys.exit(main())
