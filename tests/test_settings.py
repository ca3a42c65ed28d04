"""utils.settings: mode, sizes, device and seeding."""

import json
import random

import numpy as np
import pytest
import torch

from utils import settings
from utils.results import RESULTS_ENV
from utils.settings import (
    SIZES,
    chapter_sizes,
    get_device,
    get_mode,
    seed_everything,
    start_chapter,
)


def test_mode_defaults_to_full_and_reads_the_environment(clean_env):
    assert get_mode() == "full"
    clean_env.setenv("COURSE_MODE", " Smoke ")
    assert get_mode() == "smoke"


def test_unknown_mode_says_which_modes_exist(clean_env):
    clean_env.setenv("COURSE_MODE", "fast")
    with pytest.raises(ValueError, match="'full'.*'smoke'"):
        get_mode()


def test_every_chapter_has_the_same_size_keys_in_both_modes():
    for chapter, modes in SIZES.items():
        assert set(modes) == {"full", "smoke"}, chapter
        assert set(modes["full"]) == set(modes["smoke"]), chapter


def test_chapter_sizes_follow_the_mode(clean_env):
    clean_env.setenv("COURSE_MODE", "smoke")
    chapter = next(iter(SIZES))
    assert vars(chapter_sizes(chapter)) == SIZES[chapter]["smoke"]
    assert vars(chapter_sizes(chapter, "full")) == SIZES[chapter]["full"]


def test_unknown_chapter_lists_the_known_ones():
    with pytest.raises(KeyError, match="known chapters: 01_"):
        chapter_sizes("99_nothing")


def test_device_override_and_its_errors(clean_env):
    clean_env.setenv("COURSE_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")
    clean_env.setattr(torch.cuda, "is_available", lambda: False)
    clean_env.setenv("COURSE_DEVICE", "cuda")
    with pytest.raises(RuntimeError, match="not available"):
        get_device()


def test_an_unknown_device_lists_the_valid_ones_and_what_to_do(clean_env):
    clean_env.setenv("COURSE_DEVICE", "tpu")
    with pytest.raises(ValueError) as error:
        get_device()
    message = str(error.value)
    assert "'tpu' is not a device" in message and "cpu, cuda (an NVIDIA GPU) or mps (an Apple GPU)" in message
    assert "unset it to pick the best one here" in message and "does not run on TPUs: choose a GPU" in message
    clean_env.setenv("COURSE_DEVICE", "gpu")
    with pytest.raises(ValueError, match="set it to cpu, cuda") as error:
        get_device()
    assert "TPU" not in str(error.value)


def fake_gpu(monkeypatch, capability, arches, name="Tesla P100-PCIE-16GB"):
    """Pretend CUDA is available on a GPU of ``capability`` with a torch built for ``arches``."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda *args: capability)
    monkeypatch.setattr(torch.cuda, "get_arch_list", lambda: arches)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda *args: name)
    monkeypatch.setattr(torch.version, "hip", None)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)


BUILT = ["sm_75", "sm_80", "sm_86", "sm_90"]


def test_device_prefers_cuda_then_mps_then_cpu(clean_env):
    fake_gpu(clean_env, (8, 9), BUILT)
    assert get_device().type == "cuda"
    clean_env.setattr(torch.cuda, "is_available", lambda: False)
    clean_env.setattr(torch.backends.mps, "is_available", lambda: True)
    assert get_device().type == "mps"
    clean_env.setattr(torch.backends.mps, "is_available", lambda: False)
    assert get_device().type == "cpu"


def test_a_gpu_this_torch_was_not_built_for_falls_back_to_the_cpu_in_one_line(clean_env, capsys):
    fake_gpu(clean_env, (6, 0), BUILT)
    assert get_device().type == "cpu"
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "Tesla P100-PCIE-16GB, compute capability 6.0) is not supported" in out
    assert "sm_75 sm_80 sm_86 sm_90" in out and "using the CPU. On Kaggle, choose the T4 or L4 accelerator" in out
    clean_env.setenv("COURSE_DEVICE", "cuda")
    with pytest.raises(RuntimeError, match="compute capability 6.0.*Unset COURSE_DEVICE to use the CPU.*T4 or L4"):
        get_device()


@pytest.mark.parametrize("capability, arches, runs", [
    ((7, 5), BUILT, True),                      # Kaggle's T4
    ((8, 6), ["sm_80"], True),                  # a binary for the same major version, older minor
    ((8, 0), ["sm_86"], False),                 # a newer minor version of the same major does not run
    ((12, 0), BUILT, False),                    # a GPU newer than the build, no PTX
    ((12, 0), [*BUILT, "compute_90"], True),    # ... but PTX the driver can compile
    ((9, 0), ["sm_90a"], True),
])
def test_which_gpus_this_torch_can_run_on(clean_env, capability, arches, runs):
    fake_gpu(clean_env, capability, arches)
    assert (settings.cuda_unsupported() is None) == runs


def draws() -> tuple:
    """One draw from each generator a chapter uses: Python's, NumPy's and torch's."""
    return random.random(), np.random.rand(3).tolist(), torch.rand(4).tolist()


def test_seeding_makes_python_numpy_and_torch_repeat():
    seed_everything(3)
    first = draws()
    seed_everything(3)
    again = draws()
    for name, a, b in zip(("random", "numpy", "torch"), first, again):
        assert a == b, f"{name} did not repeat after seed_everything"
    seed_everything(4)
    for name, a, b in zip(("random", "numpy", "torch"), first, draws()):
        assert a != b, f"{name} ignored the seed"


@pytest.mark.parametrize("benchmark", [False, True])
def test_start_chapter_sets_cudnn_benchmark_off_by_default(clean_env, tmp_path, benchmark):
    clean_env.setenv(RESULTS_ENV, str(tmp_path / "record.json"))
    clean_env.setenv("COURSE_MODE", "smoke")
    clean_env.setenv("COURSE_DEVICE", "cpu")
    clean_env.setattr(torch.backends.cudnn, "benchmark", not benchmark)
    if benchmark:
        start_chapter("02_mnist_autoencoder", benchmark=True)
    else:
        start_chapter("02_mnist_autoencoder")
    assert torch.backends.cudnn.benchmark is benchmark


def test_start_chapter_prints_once_and_records_mode_and_device(clean_env, tmp_path, capsys):
    record = tmp_path / "record.json"
    clean_env.setenv(RESULTS_ENV, str(record))
    clean_env.setenv("COURSE_MODE", "smoke")
    clean_env.setenv("COURSE_DEVICE", "cpu")
    run = start_chapter("02_mnist_autoencoder", seed=1)
    assert run.mode == "smoke" and run.device.type == "cpu"
    assert run.size.epochs == SIZES["02_mnist_autoencoder"]["smoke"]["epochs"]
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "Mode: smoke" in out and "device: cpu" in out
    stored = json.loads(record.read_text())
    assert stored == {"mode": "smoke", "device": settings.describe_device(run.device),
                      "versions": settings.library_versions()}
    assert stored["versions"]["torch"] == torch.__version__


def test_start_chapter_says_when_course_pretrained_cannot_help_and_nothing_otherwise(clean_env, tmp_path, capsys):
    from utils import pretrained

    timings = tmp_path / "cpu_timings.json"
    timings.write_text(json.dumps({"06_dcgan_faces": {"wall_s": 8005.9, "device": "cpu (2 threads)"}}))
    clean_env.setattr(pretrained, "CPU_TIMINGS", timings)
    clean_env.setattr(pretrained, "manifest", lambda: {"ch02_x": {"chapter": "02_mnist_autoencoder"}})
    clean_env.setenv(RESULTS_ENV, str(tmp_path / "record.json"))
    clean_env.setenv("COURSE_DEVICE", "cpu")
    clean_env.setattr(settings, "SIZES", {**SIZES, "06_dcgan_faces": {"full": {}, "smoke": {}}})
    start_chapter("06_dcgan_faces")
    assert capsys.readouterr().out.count("\n") == 1, "without the switch: the one line only"
    clean_env.setenv("COURSE_PRETRAINED", "1")
    start_chapter("06_dcgan_faces")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Mode: full") and "no published weights yet: it trains here" in lines[1]
    assert "about 2.2 h" in lines[2] and len(lines) == 4
    start_chapter("02_mnist_autoencoder")
    assert capsys.readouterr().out.count("\n") == 1, "a chapter with published weights: the one line only"
    clean_env.setenv("COURSE_PRETRAINED", "maybe")
    with pytest.raises(ValueError, match="set it to 1"):
        start_chapter("06_dcgan_faces")
