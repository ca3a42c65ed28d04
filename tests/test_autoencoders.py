"""Tests of utils.autoencoders: chapter 2's model and recipe, promoted for chapter 3 (one definition)."""

import ast
import inspect
import math

import nbformat
import pytest
import torch
import torch.nn.functional as F
from conftest import ROOT
from torch import nn

from utils import autoencoders
from utils.autoencoders import (
    ConvAutoencoder,
    fit,
    he_init,
    hold_out,
    reconstruct,
    terms_per_output,
    train_one_epoch,
)

MARKER = "# Saved in utils/autoencoders.py"


def _code_cells(stem):
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def _saved_cells():
    return [source for source in _code_cells("02_mnist_autoencoder") if source.startswith(MARKER)]


@pytest.mark.parametrize("name", autoencoders.__all__)
def test_every_promoted_definition_is_word_for_word_a_cell_of_chapter_2(name):
    source = inspect.getsource(getattr(autoencoders, name)).strip()
    assert any(source in cell for cell in _saved_cells()), (
        f"utils/autoencoders.py's {name} differs from chapter 2's cell: change both together")


def test_every_definition_in_a_saved_cell_is_in_the_module():
    defined = []
    for cell in _saved_cells():
        tree = ast.parse(cell)
        defined += [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
        assert all(isinstance(node, (ast.FunctionDef, ast.ClassDef)) for node in tree.body), (
            "a saved cell holds only definitions")
    assert sorted(defined) == sorted(autoencoders.__all__)


def test_chapter_3_imports_the_model_instead_of_copying_it():
    cells = _code_cells("03_latent_interpolation")
    assert not any("class ConvAutoencoder" in cell or "def he_init" in cell for cell in cells)
    assert any("from utils.autoencoders import" in cell and "ConvAutoencoder" in cell for cell in cells)


def test_conv_autoencoder_shapes():
    model = ConvAutoencoder(code_size=5)
    x = torch.rand(3, 1, 28, 28)
    assert model.encoder(x).shape == (3, 5, 1, 1)
    out = model(x)
    assert out.shape == x.shape and out.min() > 0 and out.max() < 1  # the sigmoid's range


def test_terms_per_output_counts_what_a_transpose_convolution_sums():
    first_decoder = nn.ConvTranspose2d(64, 32, 7)
    assert terms_per_output(first_decoder, torch.zeros(1, 64, 1, 1)) == pytest.approx(64)
    # PyTorch's kaiming_normal_ would use weight dim 1 times the kernel: 32 * 49
    assert nn.init._calculate_fan_in_and_fan_out(first_decoder.weight)[0] == 32 * 49
    stride_2 = nn.ConvTranspose2d(4, 2, 4, stride=2, padding=1)  # interior pixels get 2 x 2 taps
    assert terms_per_output(stride_2, torch.zeros(1, 4, 16, 16)) == pytest.approx(4 * 4, rel=0.1)
    conv = nn.Conv2d(3, 8, 3)  # no padding: every output sums exactly C_in k^2
    assert terms_per_output(conv, torch.zeros(1, 3, 10, 10)) == pytest.approx(27)
    assert conv.weight.abs().sum() > 0 and not torch.all(conv.weight == 1)  # the layer itself is untouched


def test_he_init_keeps_the_signal_size_where_the_default_shrinks_it():
    def rms_per_layer(model):
        x, sizes = torch.rand(256, 1, 28, 28), []
        with torch.no_grad():
            for layer in [*model.encoder, *model.decoder][:-1]:  # up to the sigmoid's input
                x = layer(x)
                if not isinstance(layer, nn.ReLU):
                    sizes.append(x.pow(2).mean().sqrt().item())
        return sizes

    torch.manual_seed(0)
    he = rms_per_layer(he_init(ConvAutoencoder(), torch.zeros(1, 1, 28, 28)))
    default = rms_per_layer(ConvAutoencoder())
    assert max(he) / min(he) < 4
    assert default[2] < default[0] / 5  # the code (after three layers) has shrunk
    model = he_init(ConvAutoencoder(), torch.zeros(1, 1, 28, 28))
    assert all(torch.all(m.bias == 0) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)))
    std = model.decoder[0].weight.std().item()
    assert std == pytest.approx(math.sqrt(2 / 64), rel=0.05)  # not sqrt(2 / 1568)


def test_reconstruct_in_batches_equals_one_pass():
    torch.manual_seed(0)
    model, images = ConvAutoencoder(code_size=3), torch.rand(7, 1, 28, 28)
    with torch.no_grad():
        whole = model(images)
    assert torch.allclose(reconstruct(model, images, batch_size=3), whole, atol=1e-6)
    assert not model.training


def test_train_one_epoch_returns_the_mean_loss_over_all_batches():
    torch.manual_seed(0)
    model, data = nn.Sequential(nn.Linear(4, 4)), torch.randn(10, 4)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)  # the weights stay put
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    mean = train_one_epoch(model, optimizer, scheduler, data, batch_size=3, generator=torch.Generator())
    with torch.no_grad():
        assert mean.item() == pytest.approx(F.mse_loss(model(data), data).item(), rel=1e-5)


def test_fit_lowers_the_loss_and_keeps_the_watched_reconstructions():
    torch.manual_seed(0)
    data = torch.rand(64, 1, 28, 28)
    model = he_init(ConvAutoencoder(code_size=8), data[:1])
    history, snapshots = fit(model, data, data[:16], epochs=4, batch_size=16, max_lr=1e-2,
                             watch=data[:2], watch_epochs=(1, 4))
    assert set(history) == {"train", "valid"} and len(history["train"]) == len(history["valid"]) == 4
    assert history["valid"][-1] < history["valid"][0]
    assert list(snapshots) == ["after epoch 1", "after epoch 4"]
    assert snapshots["after epoch 4"].shape == (2, 1, 28, 28)


def test_fit_writes_a_few_progress_updates_not_one_per_epoch(capsys):
    torch.manual_seed(0)
    model, data = nn.Sequential(nn.Linear(3, 2), nn.Sigmoid(), nn.Linear(2, 3)), torch.randn(50, 3)
    fit(model, data, data[:10], epochs=300, batch_size=50, max_lr=0.1)
    written = capsys.readouterr().out
    assert "300/300" in written and "valid_mse=" in written  # the bar ends with the last epoch's losses
    assert written.count("\r") < 20  # not one line per epoch (chapter 2's 1,000-epoch run wrote 208 kB)


def test_hold_out_splits_off_a_reproducible_random_validation_set():
    images, labels = torch.arange(100.0).view(100, 1, 1, 1), torch.arange(100)
    train, train_labels, valid, valid_labels = hold_out(images, labels, 20, seed=3)
    assert len(train) == 80 and len(valid) == 20 and torch.equal(valid.flatten().long(), valid_labels)
    assert torch.equal(train.flatten().long(), train_labels)  # images and labels stay paired
    assert sorted(train_labels.tolist() + valid_labels.tolist()) == list(range(100))  # a partition
    assert train_labels.diff().gt(0).all()  # the original order is kept within each part
    assert valid_labels.tolist() != list(range(80, 100))  # random, not the last 20
    assert torch.equal(hold_out(images, labels, 20, seed=3)[3], valid_labels)  # its own generator:
    torch.manual_seed(123)  # the global random state does not change the split
    assert torch.equal(hold_out(images, labels, 20, seed=3)[3], valid_labels)
    assert not torch.equal(hold_out(images, labels, 20, seed=4)[3], valid_labels)
