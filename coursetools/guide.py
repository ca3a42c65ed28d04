"""The instructors' guide (``book/instructors.md``), generated from the chapters.

``python -m coursetools.guide`` (part of ``make student``) writes the page: a suggested schedule
(:data:`SESSIONS`), per chapter its learning objectives, prerequisites (:data:`PREREQUISITES`), the measured time
of a full run on a GPU (the notebook's ``course`` metadata) and on a CPU (``book/cpu_timings.json``, also with
``COURSE_PRETRAINED=1``), its exercises with their time and points (each exercise's difficulty line), the data
its stored run read (its outputs); then the fixed sections (student edition, handing out and collecting, GPU
quotas, publishing, datasets). ``--check`` exits 1 when the page is out of date.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

from coursetools.notebooks import CHAPTER_PATTERN, NOTEBOOK_DIR, ROOT, cell_tags
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
# A suggested two-week module: six sessions, three a week, each about two hours in class. Per session: the
# chapters, and what to read before it (the references are in book/references.bib).
SESSIONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("01",), "Dumoulin and Visin's guide, its part on transposed convolution arithmetic "
              "{cite:p}`dumoulin2016guide`; Odena et al. on checkerboard artifacts {cite:p}`odena2016deconvolution`"),
    (("02",), "Baldi and Hornik on linear autoencoders and PCA {cite:p}`baldi1989neural`"),
    (("03", "04"), "Vincent et al. on denoising autoencoders {cite:p}`vincent2008extracting`"),
    (("05",), "Hinton and Salakhutdinov, autoencoders against PCA {cite:p}`hinton2006reducing`"),
    (("06",), "Goodfellow et al. {cite:p}`goodfellow2014generative` and the DCGAN paper "
              "{cite:p}`radford2016unsupervised`"),
    (("07",), "Baltrušaitis et al.'s survey, its part on fusion {cite:p}`baltrusaitis2019multimodal`"),
)
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
# The last line of an exercise prompt, with or without its time and points (chapters add them one by one):
#   *Difficulty: ★★☆ · Time: 15 min · Points: 3 · Assesses: choosing padding from the output-size rule.*
#   *Difficulty: ★★☆ · Assesses: choosing padding from the output-size rule.*
DIFFICULTY = re.compile(r"\*Difficulty: (?P<stars>★☆☆|★★☆|★★★)(?: · Time: (?P<minutes>\d+) min · Points: "
                        r"(?P<points>\d+))? · Assesses: (?P<assesses>.+)\.\*\s*$")
EXERCISE_LINE = "*Difficulty: ★★☆ · Time: 15 min · Points: 3 · Assesses: what it assesses.*"
MANIFEST_FILE = ROOT / "utils" / "weights_manifest.json"
DATA_LINE = re.compile(r"^(?:MNIST|CIFAR-10|Faces|Houses|CelebA)\b[^\n]*\bfrom\b[^\n]*$", re.MULTILINE)
MACHINE_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\s\\/()]+)+[\\/]([^\s\\/()]+)")


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
            raise ValueError(f"exercise prompt without '### Exercise N.k: title' or difficulty line (its last "
                             f"line, e.g. {EXERCISE_LINE}): {cell.source[:60]!r}")
        following = []
        for later in nb.cells[i + 1:]:
            if "exercise" in cell_tags(later):
                break
            following.append(later)
        kinds = [kind for kind, present in (
            ("coding", any("stub" in cell_tags(c) for c in following)),
            ("question", any("solution" in cell_tags(c) and c.cell_type == "markdown" for c in following))) if present]
        minutes, points = difficulty.group("minutes", "points")
        found.append({"number": heading.group(1), "title": heading.group(2), "kind": " + ".join(kinds) or "—",
                      "difficulty": difficulty.group("stars"), "assesses": difficulty.group("assesses"),
                      "minutes": int(minutes) if minutes else None, "points": int(points) if points else None})
    return found


def datasets_used(nb) -> list[str]:
    """Return the datasets the chapter loads through ``utils.data`` (MNIST, CIFAR-10, CelebA)."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return [name for loader, name in DATASETS.items() if re.search(rf"\b{loader}\(", code)]


def format_seconds(seconds: float) -> str:
    """Return "19 s", "6.9 min" or "2.5 h"."""
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min" if seconds < 5400 else \
        f"{seconds / 3600:.1f} h"


def format_run(entry: dict | None) -> str:
    """Return "4.2 min · device" for {"wall_s", "device"} (with "≈" and how, for an estimate), or "not measured
    yet" for None."""
    if not entry:
        return "not measured yet"
    shown = f"{format_seconds(entry['wall_s'])} · {entry['device']}"
    if epochs := entry.get("estimated_from_epochs"):
        return f"≈ {shown}, estimated from timed runs of {epochs[0]} and {epochs[1]} epochs"
    return shown


def pretrained_run(timings: dict, stem: str) -> str:
    """The chapter's CPU time with COURSE_PRETRAINED=1, or "not measured yet"."""
    return format_run(timings.get(stem, {}).get("pretrained"))


def exercise_load(found: list[dict]) -> str:
    """Return "45 min · 12 points" for a chapter's exercises, or what is missing."""
    if not found:
        return "no exercises"
    if any(e["minutes"] is None or e["points"] is None for e in found):
        return "time and points not set yet"
    return f"{sum(e['minutes'] for e in found)} min · {sum(e['points'] for e in found)} points"


def _number(value: int | None) -> str:
    """An exercise's minutes or points for a table cell ("—" when the exercise does not give it)."""
    return "—" if value is None else str(value)


def data_sources(nb) -> list[str]:
    """The lines the stored run's data loaders printed (which dataset, how many images, from which copy), with
    any folder of the machine that ran it cut down to the file's name."""
    text = "".join(output.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                   for output in cell.get("outputs", []) if output.get("output_type") == "stream")
    return list(dict.fromkeys(MACHINE_PATH.sub(r"\1", line.strip()) for line in DATA_LINE.findall(text)))


def published_weights(manifest_file: Path = MANIFEST_FILE) -> list[str]:
    """The chapters (stems) whose trained weights the manifest lists, i.e. that COURSE_PRETRAINED=1 can load."""
    listed = json.loads(Path(manifest_file).read_text()) if Path(manifest_file).exists() else {}
    return sorted({entry["chapter"] for entry in listed.values()})


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
             f"- **On a CPU with the book's weights (`COURSE_PRETRAINED=1`):** {pretrained_run(timings, path.stem)}",
             f"- **Data:** {', '.join(datasets_used(nb)) or 'none'}", "",
             "**Learning objectives.** After this chapter a student can", ""]
    lines += [f"{i}. {item}" for i, item in enumerate(learning_objectives(nb), 1)]
    found = exercises(nb)
    lines += ["", f"**Exercises** ({exercise_load(found)}).", "",
              "| Exercise | Kind | Difficulty | Time (min) | Points | Assesses |", "|---|---|---|---|---|---|"]
    lines += [f"| {e['number']} {_cell(e['title'])} | {e['kind']} | {e['difficulty']} | {_number(e['minutes'])} | "
              f"{_number(e['points'])} | {_cell(e['assesses'])} |" for e in found]
    if sources := data_sources(nb):
        lines += ["", "**Data the book's run read** (what its loaders printed):", ""]
        lines += [f"- {_cell(line)}" for line in sources]
    return "\n".join(lines) + "\n"


def overview_row(path: Path, timings: dict) -> str:
    """Return the chapter's row in the overview table."""
    nb = nbformat.read(path, as_version=4)
    found = exercises(nb)
    stars = " ".join(e["difficulty"] for e in found)
    return (f"| {{doc}}`../notebooks/{path.stem}` | {prerequisites(path.stem)} | {format_run(gpu_run(nb))} | "
            f"{format_run(timings.get(path.stem))} | {pretrained_run(timings, path.stem)} | "
            f"{len(found)}: {stars} · {exercise_load(found)} |")


def schedule_table(chapters: list[Path], timings: dict) -> str:
    """Return the suggested schedule (:data:`SESSIONS`): per session its chapters, pre-reading, the exercises'
    time and points, and the time of the chapters' full runs (to do before the session, or live)."""
    by_number = {path.stem[:2]: path for path in chapters}
    rows = []
    for session, (numbers, reading) in enumerate(SESSIONS, 1):
        paths = [by_number[n] for n in numbers if n in by_number]
        if not paths:
            continue
        notebooks = [nbformat.read(path, as_version=4) for path in paths]
        found = [e for nb in notebooks for e in exercises(nb)]
        runs = "; ".join(f"{int(p.stem[:2])}: GPU {format_run(gpu_run(nb)).split(' · ')[0]}, CPU "
                         f"{format_run(timings.get(p.stem)).split(' · ')[0]}" for p, nb in zip(paths, notebooks))
        links = ", ".join(f"{{doc}}`../notebooks/{p.stem}`" for p in paths)
        rows.append(f"| {session} | {links} | {reading} | {len(found)} · {exercise_load(found)} | {runs} |")
    header = ["| Session | Chapters | Read before | Exercises | Full runs |", "|---|---|---|---|---|"]
    return "\n".join(header + rows) + "\n"


def data_caveat(chapters: list[Path]) -> str:
    """Return the paragraph on online versus offline data, from what each chapter's stored run read."""
    lines = []
    for path in chapters:
        nb = nbformat.read(path, as_version=4)
        if "CIFAR-10" in datasets_used(nb):
            read = [line for line in data_sources(nb) if line.startswith("CIFAR-10")]
            copy = ("not stated in its outputs" if not read else "the JPEG copy of the offline mirror"
                    if any("JPEG" in line for line in read) else "the official files")
            lines.append(f"- {{doc}}`../notebooks/{path.stem}`: the book's stored run read {copy}.")
    if not lines:
        return ""
    return CAVEAT.replace("{chapters}", "\n".join(lines))


def quota_advice(chapters: list[Path], manifest_file: Path = MANIFEST_FILE) -> str:
    """Return the advice on GPU quotas, with the course's total GPU time and the chapters with published weights."""
    runs = [gpu_run(nbformat.read(path, as_version=4)) for path in chapters]
    total = sum(run["wall_s"] for run in runs if run)
    measured = sum(1 for run in runs if run)
    published = published_weights(manifest_file)
    weights = (", ".join(str(int(stem[:2])) for stem in published) if published
               else "none yet (they are saved by the book's full runs)")
    return (QUOTA.replace("{total}", format_seconds(total) if measured else "not measured yet")
            .replace("{measured}", f"{measured} of {len(runs)}").replace("{weights}", weights))


def dataset_table(chapters: list[Path]) -> str:
    """Return the table of datasets: which chapters use each, who made it, its terms."""
    used = {name: [] for name in LICENCES}
    for path in chapters:
        for name in datasets_used(nbformat.read(path, as_version=4)):
            used[name].append(str(int(path.stem[:2])))
    rows = [f"| {name} | {', '.join(used[name]) or '—'} | {source} | {terms} |"
            for name, (source, terms) in LICENCES.items()]
    return "\n".join(["| Dataset | Chapters | Source | Terms |", "|---|---|---|---|", *rows]) + "\n"


def render_guide(notebook_dir: Path = NOTEBOOK_DIR, timings_file: Path = TIMINGS_FILE,
                 manifest_file: Path = MANIFEST_FILE) -> str:
    """Return the whole instructors' guide page for the chapters in ``notebook_dir``."""
    chapters = sorted(Path(notebook_dir).glob(CHAPTER_PATTERN))
    timings = load_timings(timings_file)
    overview = ["| Chapter | Prerequisites | Full run, GPU | Full run, CPU | CPU, `COURSE_PRETRAINED=1` | Exercises |",
                "|---|---|---|---|---|---|"]
    overview += [overview_row(path, timings) for path in chapters]
    sections = "\n".join(chapter_section(path, timings) for path in chapters)
    schedule = SCHEDULE.replace("{table}", schedule_table(chapters, timings))
    footer = (FOOTER.replace("{datasets}", dataset_table(chapters))
              .replace("{quota}", quota_advice(chapters, manifest_file)).replace("{caveat}", data_caveat(chapters)))
    return (HEADER + "\n".join(overview) + "\n\n" + schedule + CHAPTERS_INTRO + sections + "\n"
            + footer).rstrip() + "\n"


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
  difficulty, the time a student needs for it, its points for grading and what it assesses: ★☆☆ applies one
  rule of the chapter, ★★☆ needs reasoning across the chapter, ★★★ connects several ideas or takes several
  steps. Students see the same line, so they know what an exercise is worth. The tables below are read from
  those lines; an exercise whose line has no time and points yet shows "—".
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
{ref}`measuring-run-times`), also with `COURSE_PRETRAINED=1`, which loads the book's trained weights instead
of training. A CPU time marked ≈ is extrapolated from short timed runs, because the full run takes hours. On
the smaller GPUs of Colab and Kaggle a run takes longer than on the data-centre GPU named here; the smoke mode
(`COURSE_MODE=smoke`) runs any chapter in about a minute on a CPU. The exercise column gives their difficulty,
then the time they take in all and their points.

"""

SCHEDULE = """\
## A suggested schedule

The course fits a two-week module of six sessions, three a week, of about two hours each: half an hour to
walk through the chapter, the rest for its exercises. Students run the chapter *before* the session (its
full run, on a GPU or with `COURSE_PRETRAINED=1` on a laptop), so the session is spent on reading the
results and on the exercises, not on waiting for training. The exercise times and points below are the sums
of the exercises' own lines; the run times are those of the table above.

{table}
Chapters 3 and 4 share a session: both reuse chapter 2's autoencoder on MNIST and their full runs are short.
A one-week version keeps sessions 1, 2, 4 and 6 and sets chapters 3–4 and 5 as homework.

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

## Handing out the student edition and collecting answers

1. **Hand out** the student edition, not `notebooks/`: each chapter page's *Student edition* buttons open
   `student/NN_name.ipynb` on Colab or Kaggle; for a laptop, `student/` is in the repository. On Colab a
   student keeps their work with *File → Save a copy in Drive*, on Kaggle with *Copy & Edit* (both leave the
   course's copy untouched).
2. **Students work** in the cells tagged `exercise-stub` (code, ending with its check) and `exercise-answer`
   (a question's *Your answer* cell). A check's ✅ tells them a coding answer is right before they hand it in.
3. **Collect** the notebooks as files: *File → Download → Download .ipynb* on Colab, *File → Download
   notebook* on Kaggle, then upload them to your course's learning platform, named
   `NN_name-<student>.ipynb`. Ask for the notebook run top to bottom (*Run all*), so that the checks' verdicts
   are in it.
4. **Grade** with the points of each exercise (the chapter tables above): a coding exercise whose check
   prints ✅ in the submitted run has working code (read it anyway: a check tests the answer, not how it was
   reached); a question is marked by reading the answer against the solution.

To look at a student's work next to the solutions, paste the solutions back into their notebook (their own
cells are kept, each followed by the solution):

```python
import nbformat
from coursetools.student import paste_solutions

work = nbformat.read("submitted/02_mnist_autoencoder.ipynb", as_version=4)
book = nbformat.read("notebooks/02_mnist_autoencoder.ipynb", as_version=4)
nbformat.write(paste_solutions(work, book), "marked/02_mnist_autoencoder.ipynb")
```

{quota}
{caveat}
(measuring-run-times)=
## Measuring the run times

- **GPU.** `make outputs` (or `python -m coursetools.notebooks NOTEBOOK`) runs a chapter in full mode and
  stores its outputs together with the wall time and device in the notebook's metadata (`course.wall_s`,
  `course.device`); this page reads them from there.
- **CPU.** `make timings NB=notebooks/02_mnist_autoencoder.ipynb` (that is,
  `.venv/bin/python -m coursetools.timings notebooks/02_mnist_autoencoder.ipynb`) runs a *copy* of the chapter
  in full mode on the CPU (`COURSE_DEVICE=cpu`), leaves the notebook, its weights and the manifest alone and
  records the wall time in `book/cpu_timings.json`. A full CPU run takes minutes to hours per chapter. For the
  chapters whose full CPU run takes hours (5 and 6) it times a run with every epoch setting cut to one epoch
  and one run per setting with two, and extrapolates to the full run's epochs ("estimated from timed runs of
  1 and 2 epochs"). With `TIMINGS_ARGS=--pretrained` it times the run with `COURSE_PRETRAINED=1` instead; it
  refuses while the chapter's weights are not published.

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


QUOTA = """\
## GPU time on Colab and Kaggle

The full runs of all chapters take {total} on the GPU of the stored runs ({measured} chapters measured);
on the free GPUs of Colab and Kaggle expect them to take longer. Both services ration their free GPUs:

- **Colab** gives a free GPU when one is available and limits how long and how often one is used; the
  limits are not published and change. Ask students to choose a GPU runtime only for the chapters that train
  (*Runtime → Change runtime type*), and to end it when they are done (*Runtime → Disconnect and delete
  runtime*): a connected runtime keeps its GPU even when idle.
- **Kaggle** gives each account a weekly GPU quota, shown in the notebook editor, once the account's phone
  number is verified; the setup cell needs *Internet* switched on in the notebook's settings. Choose the T4 or
  L4 accelerator: current PyTorch builds have no kernels for the older P100, and the course then runs on the
  CPU and says so.
- **To save GPU time**: `COURSE_PRETRAINED=1` loads the book's trained weights instead of training, and
  everything after training runs as in the book; chapters with published weights: {weights}. The smoke mode
  (`COURSE_MODE=smoke`) runs a chapter on a small subset in about a minute, to try code before a full run.
"""

CAVEAT = """\
## Online and offline data give different numbers

Online, a chapter downloads CIFAR-10's official files (torchvision). Offline it reads the course's mirror,
whose CIFAR-10 is a JPEG-compressed copy: its pixels are not the official ones, so the same code gives
different losses and PSNRs on the two. Compare a student's numbers with the book's only when both used the
same copy; the first line each loader prints says which one a run used, and so do the chapters' sections
above. For the chapters on CIFAR-10:

{chapters}
"""


if __name__ == "__main__":
    sys.exit(main())
