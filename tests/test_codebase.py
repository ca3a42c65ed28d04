"""The code base's shape: short functions, every public module in ``utils.__all__``, no per-chapter sections,
and every name a chapter imports from ``utils`` still importable from the module it names."""

import ast
import importlib
import json
import re

import pytest
from conftest import ROOT

import utils

FOLDERS = ("utils", "coursetools", "book/_ext")
MAX_FUNCTION_LINES = 40


def python_files():
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py"))


def test_no_function_is_longer_than_40_lines():
    long = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
                if node.end_lineno - first + 1 > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} "
                                f"({node.end_lineno - first + 1} lines)")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_utils_all_lists_every_public_module():
    on_disk = {p.stem for p in (ROOT / "utils").glob("*.py") if not p.stem.startswith("_")}
    on_disk |= {p.parent.name for p in (ROOT / "utils").glob("*/__init__.py") if not p.parent.name.startswith("_")}
    assert sorted(utils.__all__) == sorted(on_disk)
    assert len(utils.__all__) == len(set(utils.__all__))


def test_no_per_chapter_section_markers_in_utils():
    marked = [f"{p.relative_to(ROOT)}:{i}" for p in (ROOT / "utils").rglob("*.py")
              for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
              if "added for chapter" in line.lower() or "marks where they go" in line]
    assert not marked


def notebook_imports():
    """Every (module, name) a chapter or its student edition imports from ``utils`` (``from utils.X import``)."""
    found = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "student").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
            for node in ast.walk(ast.parse("\n".join(lines))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "utils":
                    found.update((node.module, alias.name) for alias in node.names)
    return sorted(found)


def test_the_chapters_import_utils_names():
    assert len(notebook_imports()) > 40  # the scan finds the chapters' imports, multi-line ones included
    assert ("utils.plotting", "draw_block_diagram") in notebook_imports()
    assert ("utils.checks", "check_early_fusion") in notebook_imports()


@pytest.mark.parametrize(("module", "name"), notebook_imports())
def test_every_name_a_chapter_imports_still_imports(module, name):
    assert hasattr(importlib.import_module(module), name), f"from {module} import {name} fails"


def test_the_stable_packages_export_the_themed_modules_objects():
    from utils import checks, diagrams, plotting
    from utils.checks import convolution, verdicts
    from utils.plotting import animation, images

    assert plotting.show_rows is images.show_rows and plotting.animate_rows is animation.animate_rows
    assert plotting.draw_block_diagram is diagrams.draw_block_diagram and plotting.GREY == "gray"
    assert checks.check_box_filter is convolution.check_box_filter and checks.Verdict is verdicts.Verdict
    assert (checks.PASS, checks.FAIL, checks.PENDING, checks.NO_ANSWER) == ("✅", "❌", "⏳", "no answer yet")
    for package in (checks, plotting):
        assert all(hasattr(package, name) for name in package.__all__)


def test_the_readme_layout_names_every_utils_module_and_no_other():
    readme = (ROOT / "README.md").read_text()
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(\w+)`", layout.split("- `utils/`", 1)[1].split("- `coursetools/`", 1)[0]))
    modules = {p.stem for p in (ROOT / "utils").rglob("*.py") if p.stem != "__init__"}
    packages = {p.parent.name for p in (ROOT / "utils").rglob("__init__.py") if p.parent.name != "utils"}
    assert modules | packages <= named, f"README's layout misses {sorted(modules | packages - named)}"
    assert named - {"utils"} <= modules | packages, f"README's layout names {sorted(named - modules - packages)}"


MAX_MODULE_LINES = 280  # "about 250": a module grows past it only by taking on a second theme


def test_no_utils_module_is_much_longer_than_250_lines():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "utils").rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these by theme: {long}"


ONE_DEFINITION = {"[0-9][0-9]_*.ipynb": "coursetools/notebooks.py", "COURSE_RESULTS_FILE": "utils/results.py"}


@pytest.mark.parametrize("literal", ONE_DEFINITION)
def test_the_chapter_pattern_and_the_results_variable_are_written_once(literal):
    """Everything else imports CHAPTER_PATTERN and RESULTS_ENV (docstrings may name them)."""
    files = [p for folder in ("utils", "coursetools", "tests", "book/_ext") for p in (ROOT / folder).rglob("*.py")
             if p.name != "test_codebase.py"]
    where = sorted({str(p.relative_to(ROOT)) for p in files for node in ast.walk(ast.parse(p.read_text()))
                    if isinstance(node, ast.Constant) and node.value == literal})
    assert where == [ONE_DEFINITION[literal]], where
