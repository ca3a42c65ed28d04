"""Run settings: the mode (full or smoke), the per-mode sizes, the device and seeding.

Every notebook starts with ``run = start_chapter("NN_name")`` and ends with ``record_results(...)``
(from utils.results; re-exported here with ``progress`` from utils.progress, as the chapters import them).
"""

from __future__ import annotations

import os
import random
from types import SimpleNamespace

import numpy as np
import torch

from utils.pretrained import unpublished_notice
from utils.progress import progress  # noqa: F401 (re-exported: the chapters import it from here)
from utils.results import RESULTS_ENV, record_results, write_record  # noqa: F401 (re-exported)

MODES = ("full", "smoke")

# The per-mode sizes of every chapter, in one place. ``full`` is what a person gets by default and
# what the book's stored outputs come from; ``smoke`` is the quick run that CI and the tests use.
SIZES: dict[str, dict[str, dict]] = {
    "01_transpose_convolution": {
        "full": {"random_inits": 50},
        "smoke": {"random_inits": 5},
    },
    "02_mnist_autoencoder": {
        "full": {"train_images": 60_000, "valid_images": 5_000, "test_images": 10_000, "epochs": 30,
                 "batch_size": 256, "latent2d_epochs": 12, "latent2d_seeds": 3, "blob_epochs": 1_000,
                 "lecture_images": 4_096, "lecture_epochs": 20},
        "smoke": {"train_images": 1_024, "valid_images": 256, "test_images": 512, "epochs": 1,
                  "batch_size": 128, "latent2d_epochs": 1, "latent2d_seeds": 2, "blob_epochs": 50,
                  "lecture_images": 512, "lecture_epochs": 1},
    },
    "03_latent_interpolation": {  # the chapter-2 recipe (used when no saved model fits) and the midpoint study
        "full": {"train_images": 60_000, "valid_images": 5_000, "test_images": 10_000, "epochs": 30,
                 "batch_size": 256, "pairs": 200, "classifier_epochs": 2, "bootstrap": 2_000},
        "smoke": {"train_images": 1_024, "valid_images": 256, "test_images": 512, "epochs": 1,
                  "batch_size": 128, "pairs": 16, "classifier_epochs": 1, "bootstrap": 200},
    },
    "04_denoising_autoencoder": {
        "full": {"eights_train_images": 6_000, "eights_val_images": 1_000, "eights_test_images": 1_000,
                 "eights_epochs": 6, "lecture_epochs": 20, "plain_epochs": 3, "seeds": 3, "batch_size": 128,
                 "all_train_images": 40_000, "all_val_images": 5_000, "all_test_images": 10_000, "all_epochs": 1},
        "smoke": {"eights_train_images": 256, "eights_val_images": 128, "eights_test_images": 200,
                  "eights_epochs": 1, "lecture_epochs": 1, "plain_epochs": 1, "seeds": 2, "batch_size": 128,
                  "all_train_images": 512, "all_val_images": 512, "all_test_images": 500, "all_epochs": 1},
    },
    "05_cifar10_bottleneck": {
        "full": {"train_images": 50_000, "test_images": 10_000, "epochs": 24, "batch_size": 256,
                 "sweep_epochs": 4, "sweep_latents": [16, 32, 64, 128, 256, 512],
                 "timing_batches": [256, 1024], "timing_steps": 10,
                 # the pending GPU version (gpu/05_cifar10_bottleneck.ipynb, issue 25); when it lands,
                 # sweep_epochs, sweep_latents and timing_batches above go
                 "val_images": 5_000, "sweep_sizes": [16, 32, 64, 128, 200, 256, 512, 1000],
                 "sweep_seeds": 2, "tuning_lrs": [1e-3, 2e-3, 4e-3], "lecture_epochs": 10,
                 "lecture_batch_size": 64, "lecture_seeds": 2, "timing_copies": [1, 4, 16]},
        "smoke": {"train_images": 256, "test_images": 200, "epochs": 1, "batch_size": 128,
                  "sweep_epochs": 1, "sweep_latents": [16, 64, 256],
                  "timing_batches": [128], "timing_steps": 1,
                  "val_images": 64, "sweep_sizes": [16, 200, 1000],
                  "sweep_seeds": 2, "tuning_lrs": [1e-3, 2e-3], "lecture_epochs": 1,
                  "lecture_batch_size": 64, "lecture_seeds": 2, "timing_copies": [1, 2]},
    },
    "06_dcgan_faces": {
        "full": {"images": 10_000, "epochs": 50, "batch_size": 128, "frame_every": 2,
                 "calibration_batches": 10, "spectrum_images": 1_024,
                 # the pending GPU version (gpu/06_dcgan_faces.ipynb, issue 25); when it lands,
                 # spectrum_images goes
                 "heldout_images": 1_000, "seeds": 3, "ablation_epochs": 20,
                 "quality_samples": 1_000, "saturating_steps": 100},
        "smoke": {"images": 32, "epochs": 1, "batch_size": 16, "frame_every": 1,
                  "calibration_batches": 1, "spectrum_images": 64,
                  "heldout_images": 12, "seeds": 2, "ablation_epochs": 1,
                  "quality_samples": 12, "saturating_steps": 3},
    },
    "07_multi_input_networks": {
        "full": {"image_size": 32, "folds": 5, "house_epochs": 15,
                 "faces": 10_000, "face_epochs": 3, "face_batch": 128, "seeds": 3},
        "smoke": {"image_size": 32, "folds": 2, "house_epochs": 1,
                  "faces": 300, "face_epochs": 1, "face_batch": 128, "seeds": 2},
    },
    "08_variational_autoencoder": {  # every VAE: the same recipe; the β sweep reuses the β = 1 model of seed 0
        "full": {"train_images": 60_000, "valid_images": 5_000, "test_images": 10_000, "latent_dims": 32,
                 "epochs": 6, "long_epochs": 15, "batch_size": 128, "max_lr": 6e-3, "seeds": 3,
                 "betas": [0.25, 1, 2, 4, 8],
                 "latent2d_epochs": 12, "ae_epochs": 30, "judge_epochs": 3, "iw_images": 1_000,
                 "iw_samples": 100, "curve_images": 100, "curve_samples": [1, 10, 100, 1_000],
                 "samples": 5_000, "pairs": 200, "quadrature_images": 100,
                 "quadrature_points": 201},
        "smoke": {"train_images": 1_024, "valid_images": 256, "test_images": 512, "latent_dims": 32,
                  "epochs": 1, "long_epochs": 2, "batch_size": 128, "max_lr": 6e-3, "seeds": 2,
                  "betas": [0.5, 1, 4],
                  "latent2d_epochs": 1, "ae_epochs": 1, "judge_epochs": 1, "iw_images": 64,
                  "iw_samples": 100, "curve_images": 16, "curve_samples": [1, 10, 100],
                  "samples": 256, "pairs": 16, "quadrature_images": 8,
                  "quadrature_points": 61},
    },
    "09_gan_training_dynamics": {  # steps: generator updates; failure_steps: the changed runs (and snapshot)
        "full": {"toy_steps": 3_000, "toy_frame_every": 150, "train_images": 60_000, "valid_images": 5_000,
                 "test_images": 10_000, "steps": 2_000, "failure_steps": 500, "cgan_steps": 1_000,
                 "scored": 5_000, "window": 25},
        "smoke": {"toy_steps": 40, "toy_frame_every": 20, "train_images": 2_000, "valid_images": 400,
                  "test_images": 400, "steps": 30, "failure_steps": 15, "cgan_steps": 15,
                  "scored": 200, "window": 5},
    },
}



def get_mode() -> str:
    """Return the run mode from ``COURSE_MODE`` (``full`` unless set to ``smoke``)."""
    mode = os.environ.get("COURSE_MODE", "").strip().lower() or "full"
    if mode not in MODES:
        raise ValueError(
            f"COURSE_MODE={mode!r} is not a mode: set it to 'full' (the real run, the default) "
            "or 'smoke' (a quick check on a small subset)."
        )
    return mode


def chapter_sizes(chapter: str, mode: str | None = None) -> SimpleNamespace:
    """Return the sizes (epochs, subset sizes, ...) of ``chapter`` in ``mode`` as attributes."""
    if chapter not in SIZES:
        known = ", ".join(sorted(SIZES))
        raise KeyError(f"No sizes for chapter {chapter!r}; known chapters: {known}.")
    return SimpleNamespace(**SIZES[chapter][mode or get_mode()])


GPU_ADVICE = "On Kaggle, choose the T4 or L4 accelerator; on Colab, a T4 GPU runtime."


def get_device() -> torch.device:
    """Pick CUDA (if this torch runs on the GPU), then Apple MPS, then CPU; ``COURSE_DEVICE`` overrides."""
    wanted = os.environ.get("COURSE_DEVICE", "").strip().lower()
    if wanted:
        return _wanted_device(wanted)
    if torch.cuda.is_available():
        problem = cuda_unsupported()
        if problem is None:
            return torch.device("cuda")
        print(f"{problem}: using the CPU. {GPU_ADVICE}")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def _wanted_device(wanted: str) -> torch.device:
    """Return the device ``COURSE_DEVICE`` names, or say what is valid and what to do."""
    available = {"cpu": True, "cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available()}
    if wanted not in available:
        tpu = " The course does not run on TPUs: choose a GPU or CPU runtime instead." if "tpu" in wanted else ""
        raise ValueError(f"COURSE_DEVICE={wanted!r} is not a device the course can use: set it to cpu, cuda "
                         f"(an NVIDIA GPU) or mps (an Apple GPU), or unset it to pick the best one here.{tpu}")
    if not available[wanted]:
        raise RuntimeError(f"COURSE_DEVICE={wanted!r} was asked for but is not available here; "
                           "unset COURSE_DEVICE to pick the best device automatically.")
    if wanted == "cuda" and (problem := cuda_unsupported()):
        raise RuntimeError(f"COURSE_DEVICE='cuda': {problem}. Unset COURSE_DEVICE to use the CPU. {GPU_ADVICE}")
    return torch.device(wanted)


def cuda_unsupported() -> str | None:
    """Return why this torch build cannot run on the GPU (its compute capability is not built in), else None."""
    arches = torch.cuda.get_arch_list()
    if torch.version.hip or not arches:  # ROCm names its architectures differently; nothing to compare
        return None
    major, minor = torch.cuda.get_device_capability()
    for arch in arches:
        kind, _, number = arch.partition("_")
        built = int("".join(filter(str.isdigit, number)) or 0)  # sm_90a -> 90
        if (kind == "sm" and built // 10 == major and built % 10 <= minor) or (kind == "compute" and
                                                                              built <= major * 10 + minor):
            return None  # a binary for this major version, or PTX the driver can compile for it
    return (f"This GPU ({torch.cuda.get_device_name()}, compute capability {major}.{minor}) is not supported "
            f"by torch {torch.__version__} (built for {' '.join(arches)})")


def describe_device(device: torch.device) -> str:
    """Return a short human name for ``device``, e.g. ``cuda (NVIDIA H100 80GB HBM3)``."""
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    if device.type == "mps":
        return "mps (Apple GPU)"
    return f"cpu ({torch.get_num_threads()} threads)"


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and PyTorch (all devices) so that a rerun gives the same numbers."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def library_versions() -> dict[str, str]:
    """Return the versions of Python, torch and torchvision that this process runs."""
    import platform

    import torchvision

    return {"python": platform.python_version(), "torch": torch.__version__,
            "torchvision": torchvision.__version__}


def start_chapter(chapter: str, seed: int = 0, benchmark: bool = False) -> SimpleNamespace:
    """Seed, pick the device and print the mode and device once; return ``mode, device, size``.

    With ``COURSE_PRETRAINED=1`` a chapter that has no published weights and trains for long says so, and for
    how long (``utils.pretrained.unpublished_notice``); otherwise nothing more is printed.
    cuDNN's autotuner (``torch.backends.cudnn.benchmark``) is set here and nowhere else: off by default,
    because the kernels it picks can differ between runs and so change the numbers; ``benchmark=True`` turns
    it on for speed (a chapter that does so says why)."""
    mode = get_mode()
    device = get_device()
    seed_everything(seed)
    torch.backends.cudnn.benchmark = benchmark
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    size = chapter_sizes(chapter, mode)
    print(f"Mode: {mode} · device: {describe_device(device)} · torch {torch.__version__} · seed {seed}")
    if notice := unpublished_notice(chapter, mode):
        print(notice)
    write_record({"mode": mode, "device": describe_device(device), "versions": library_versions()})
    return SimpleNamespace(chapter=chapter, mode=mode, device=device, size=size, seed=seed)

