"""utils.results: headline results are printed, recorded for the metadata and glued for the prose."""

import json
import re

import nbformat
import pytest
import torch
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from utils.results import GLUE_PREFIX, RESULTS_ENV, record_results, write_record


def test_record_results_merges_prints_and_validates(clean_env, tmp_path, capsys):
    record = tmp_path / "record.json"
    clean_env.setenv(RESULTS_ENV, str(record))
    record_results(psnr_db=26.123456, epochs=torch.tensor(3))
    record_results(**{"sweep_psnr_db_16": 18.5})
    record_results(tiny_error=4.81234e-07)
    stored = json.loads(record.read_text())["results"]
    assert stored == {"psnr_db": 26.1235, "epochs": 3, "sweep_psnr_db_16": 18.5, "tiny_error": 4.81234e-07}
    assert re.search(r"psnr_db\s+26.1235", capsys.readouterr().out)
    with pytest.raises(TypeError, match="'curve' must be a number"):
        record_results(curve=[1, 2])
    with pytest.raises(TypeError, match="'flag' must be a number"):
        record_results(flag=True)


def test_record_results_without_a_record_file_only_prints(clean_env, capsys):
    record_results(answer=42)
    assert "answer  42" in capsys.readouterr().out


def test_write_record_merges_dictionaries_one_level_deep(clean_env, tmp_path):
    record = tmp_path / "record.json"
    clean_env.setenv(RESULTS_ENV, str(record))
    write_record({"mode": "full", "results": {"a": 1}})
    write_record({"mode": "smoke", "results": {"b": 2}})
    assert json.loads(record.read_text()) == {"mode": "smoke", "results": {"a": 1, "b": 2}}


def test_glue_in_a_kernel_stores_hidden_values_that_myst_nb_reads(tmp_path, clean_env):
    nb = new_notebook(cells=[new_code_cell("from utils.results import glue, record_results\n"
                                           "glue('ratio', 0.123456789)\nrecord_results(psnr_db=27.1, epochs=30)")])
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    glued = {o.metadata["scrapbook"]["name"]: o.data for o in outputs if o.output_type == "display_data"}
    assert glued == {"ratio": {GLUE_PREFIX + "text/plain": "0.123457"},
                     "psnr_db": {GLUE_PREFIX + "text/plain": "27.1"},
                     "epochs": {GLUE_PREFIX + "text/plain": "30"}}
    assert all(o.metadata["scrapbook"]["mime_prefix"] == GLUE_PREFIX for o in outputs if "metadata" in o)
    printed = "".join(o.text for o in outputs if o.output_type == "stream")
    assert printed.startswith("Headline results of this run:") and "psnr_db  27.1" in printed
    nbformat.validate(nb)


def test_glue_outside_a_kernel_does_nothing(capsys):
    from utils.results import glue

    glue("x", 1.0)
    assert capsys.readouterr().out == ""
