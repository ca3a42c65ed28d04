"""The chapters as committed: stored outputs from a full run of this very code, clean, and well formed."""

import re

import nbformat
import pytest
import yaml
from conftest import ROOT

from coursetools.guide import DIFFICULTY
from coursetools.notebooks import CHAPTER_PATTERN, SETUP_CELL, SETUP_TAG, cell_tags, code_sha256
from coursetools.student import stub_matches_solution
from utils.release import REPOSITORY, TAG
from utils.settings import SIZES

NOTEBOOKS = sorted((ROOT / "notebooks").glob(CHAPTER_PATTERN))
REQUIRED_RESULTS = {
    "02_mnist_autoencoder": {"test_psnr_db"},
    "04_denoising_autoencoder": {"eights_sigma0.5_psnr_db", "noisy_input_psnr_db"},
    "05_cifar10_bottleneck": {"psnr_db_latent200", "psnr_db_latent1000"},
    "06_dcgan_faces": {"epochs", "train_s", "d_real_mean", "d_fake_mean"},
    "07_multi_input_networks": {"metric_name", "metric_tabular_only", "metric_image_only", "metric_both",
                                "metric_late_fusion", "metric_baseline", "folds", "faces_target",
                                "faces_acc_annotations_only", "faces_acc_face_only", "faces_acc_both",
                                "faces_acc_majority"},
}
WARNING = re.compile(r"\b\w*Warning\b|^\s*warn", re.MULTILINE)


def load(path):
    return nbformat.read(path, as_version=4)


def tags(cell):
    return set(cell_tags(cell))


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def notebook(request):
    return request.param, load(request.param)


def test_there_are_chapters():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


def test_every_toc_chapter_is_a_notebook_with_sizes():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    chapters = [f.split("/", 1)[1] for f in files if f.startswith("notebooks/")]
    assert sorted(chapters) == [p.stem for p in NOTEBOOKS]
    assert set(chapters) <= set(SIZES)


def test_outputs_come_from_a_full_run_of_this_code(notebook):
    path, nb = notebook
    course = nb.metadata.get("course")
    assert course, f"{path.name} has no course metadata: run `make outputs NB={path.relative_to(ROOT)}`"
    assert course["mode"] == "full", f"{path.name}'s outputs are from a {course['mode']} run, not a full run"
    assert course["code_sha256"] == code_sha256(nb), (
        f"{path.name}'s code changed since its outputs were made: run `make outputs NB={path.relative_to(ROOT)}`")
    assert {"mode", "device", "versions", "wall_s", "code_sha256", "results"} <= set(course)
    assert course["wall_s"] > 0 and set(course["versions"]) == {"python", "torch", "torchvision"}
    missing = REQUIRED_RESULTS.get(path.stem, set()) - set(course["results"])
    assert not missing, f"{path.name} does not record {sorted(missing)} in course.results"
    assert all(isinstance(v, (int, float, str)) for v in course["results"].values())


def test_every_code_cell_ran_in_order_without_errors_or_warnings(notebook):
    path, nb = notebook
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code" and "stub" not in tags(c)]
    assert all(not c.outputs and c.execution_count is None for c in nb.cells if "stub" in tags(c))
    assert None not in counts and counts == sorted(counts), f"{path.name} was not run top to bottom"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            assert output.output_type != "error", f"{path.name}: error in cell {cell.source[:60]!r}"
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            assert not (output.get("name") == "stderr" and text.strip()), f"{path.name}: stderr {text[:200]!r}"
            assert not WARNING.search(text), f"{path.name}: a warning in the output: {text[:200]!r}"
            assert not re.search(r"<(matplotlib|Figure|torch)\S* .*at 0x", text), f"{path.name}: a repr {text[:80]!r}"


def test_stored_notebooks_carry_no_per_cell_timestamps(notebook):
    path, nb = notebook
    timed = [i for i, cell in enumerate(nb.cells) if "execution" in cell.metadata]
    assert not timed, f"{path.name}: cells {timed[:5]} carry metadata.execution; re-run with coursetools.notebooks"


def test_first_code_cell_is_the_pinned_setup_cell(notebook):
    path, nb = notebook
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert first.source == SETUP_CELL, f"{path.name}: first code cell must be coursetools.notebooks.SETUP_CELL"
    assert SETUP_TAG in tags(first) and "hide-cell" in tags(first), f"{path.name}: setup cell tags {tags(first)}"
    assert [c for c in nb.cells if SETUP_TAG in tags(c)] == [first], f"{path.name}: one setup cell only"


@pytest.mark.parametrize("path", sorted((ROOT / "student").glob(CHAPTER_PATTERN)), ids=lambda p: p.stem)
def test_every_student_notebook_starts_with_the_pinned_setup_cell(path):
    first = next(c for c in load(path).cells if c.cell_type == "code")
    assert first.source == SETUP_CELL and SETUP_TAG in tags(first), f"student/{path.name}: run `make student`"


def test_the_setup_cell_installs_the_version_of_the_book_repository():
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    assert url == REPOSITORY, "_config.yml's repository.url and utils.release.REPOSITORY must agree"
    assert f'REPOSITORY = "{REPOSITORY}"' in SETUP_CELL and f'COURSE = f"git+{{REPOSITORY}}@{TAG}"' in SETUP_CELL
    assert max(len(line) for line in SETUP_CELL.splitlines()) <= 88


def test_chapter_shape_objectives_summary_and_exercises(notebook):
    path, nb = notebook
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.search(r"^#+ Learning objectives", markdown, re.MULTILINE | re.IGNORECASE), path.name
    assert re.search(r"^#+ Summary", markdown, re.MULTILINE | re.IGNORECASE), path.name
    exercises = [c for c in nb.cells if "exercise" in tags(c)]
    assert len(exercises) >= 3, f"{path.name} has {len(exercises)} exercises; at least 3 are needed"
    for cell in exercises:
        assert cell.cell_type == "markdown" and cell.source.startswith("### Exercise"), cell.source[:60]
        assert DIFFICULTY.search(cell.source), f"{path.name}: exercise without a difficulty line: {cell.source[:60]!r}"


def test_exercise_cells_follow_the_convention(notebook):
    path, nb = notebook
    cells = nb.cells
    coding = question = 0
    for i, cell in enumerate(cells):
        if "stub" in tags(cell):
            assert tags(cell) >= {"stub", "remove-cell", "nbval-skip"}, f"{path.name}: stub tags {tags(cell)}"
            following = cells[i + 1]
            assert following.cell_type == "code" and tags(following) >= {"solution", "hide-input"}, (
                f"{path.name}: a stub must be followed by its solution cell")
            coding += 1
        if "solution" in tags(cell) and cell.cell_type == "markdown":
            assert cell.source.lstrip().startswith("```{admonition} Solution") and ":class: dropdown" in cell.source
            question += 1
        if "solution" in tags(cell) and cell.cell_type == "code":
            assert "stub" in tags(cells[i - 1]), f"{path.name}: a code solution needs a stub cell before it"
    assert coding >= 1 and question >= 1, f"{path.name}: {coding} coding and {question} question exercises"


def test_every_stub_is_its_solution_with_holes(notebook):
    """Neuromatch's check: the stub has the solution's syntax tree (names, signatures, calls) apart from its
    ``...`` holes, so a student who fills the holes gets what the book shows."""
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        if "stub" in tags(cell):
            solution = nb.cells[i + 1].source
            assert stub_matches_solution(cell.source, solution), (
                f"{path.name} cell {i}: the stub is not its solution with holes:\n{cell.source}\n---\n{solution}")


def glued_outputs(nb):
    """Every (key, data) a chapter's stored outputs glue with myst-nb, in order."""
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if name := output.get("metadata", {}).get("scrapbook", {}).get("name"):
                yield name, dict(output.get("data", {}))


def test_a_key_glued_twice_has_the_same_value_both_times(notebook):
    """The book ignores myst-nb's duplicate-glue warning (book/_ext/course_pages.py): only safe when equal."""
    path, nb = notebook
    seen = {}
    for name, value in glued_outputs(nb):
        assert seen.setdefault(name, value) == value, f"{path.name}: glue key {name!r} has two values"


# Chapters whose stored code still sets cuDNN's autotuner itself; they move to start_chapter(benchmark=...)
# in their next full GPU run (their code cannot change without one).
SETS_CUDNN_BENCHMARK_ITSELF = {"05_cifar10_bottleneck", "06_dcgan_faces"}
CUDNN_BENCHMARK = re.compile(r"cudnn\.benchmark\s*=")


def test_cudnn_benchmark_is_set_only_by_start_chapter(notebook):
    path, nb = notebook
    sets = any(CUDNN_BENCHMARK.search(c.source) for c in nb.cells if c.cell_type == "code")
    if path.stem in SETS_CUDNN_BENCHMARK_ITSELF:
        assert sets, f"{path.stem} no longer sets cudnn.benchmark: drop it from SETS_CUDNN_BENCHMARK_ITSELF"
    else:
        assert not sets, f"{path.name} sets cudnn.benchmark itself: use start_chapter(..., benchmark=True)"


GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)")


def test_every_glue_key_the_prose_uses_is_glued_by_the_chapter(notebook):
    path, nb = notebook
    glued = {name for name, _ in glued_outputs(nb)}
    used = set(GLUE_ROLE.findall("\n".join(c.source for c in nb.cells if c.cell_type == "markdown")))
    assert used <= glued, f"{path.name}: the prose uses glue keys no cell glues: {sorted(used - glued)}"
