"""utils.sample_quality: the digit judge, and the figures it gives generated digits (chapters 8 and 9)."""

import hashlib
import json
import math
from types import SimpleNamespace

import pytest
import torch

from utils import pretrained
from utils.sample_quality import (
    JUDGE_NAME,
    DigitJudge,
    class_entropy_bits,
    confident_share,
    digit_judge,
    half_grey_per_image,
    half_grey_share,
    judge_accuracy,
    judge_outputs,
    precision_recall,
    rate_samples,
)

RUN = SimpleNamespace(chapter="08_variational_autoencoder", mode="smoke", device=torch.device("cpu"), seed=0)


def blocks(count, seed=0):
    """Toy labelled 'digits': class c is a bright 6×6 square at its own place on a faint noisy background."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(count) % 10
    images = 0.2 * torch.rand(count, 1, 28, 28, generator=g)
    for i, c in enumerate(labels.tolist()):
        row, col = 2 + 12 * (c // 5), 1 + 5 * (c % 5)
        images[i, 0, row:row + 6, col:col + 6] = 1.0
    return images, labels


@pytest.fixture
def no_book_weights(tmp_path, monkeypatch, clean_env):
    """An empty manifest and checkout: asking for the book's weights must fall back to training."""
    monkeypatch.setattr(pretrained, "MANIFEST", tmp_path / "manifest.json")
    monkeypatch.setattr(pretrained, "CHECKOUT_WEIGHTS", tmp_path / "checkout")
    return tmp_path


def test_the_judge_gives_logits_and_features_of_the_right_shapes():
    judge = DigitJudge()
    x = torch.rand(5, 1, 28, 28)
    assert judge(x).shape == (5, 10) and judge.features(x).shape == (5, 64)
    assert torch.allclose(judge.head(judge.features(x)), judge(x))


def test_digit_judge_trains_seeded_to_a_good_accuracy_and_returns_it_in_eval_mode(no_book_weights, capsys):
    images, labels = blocks(1_000)
    judge = digit_judge(RUN, images, labels, pretrained=False, epochs=3, batch_size=64)
    assert not judge.training and next(judge.parameters()).device.type == "cpu"
    test_images, test_labels = blocks(500, seed=1)
    assert judge_accuracy(judge, test_images, test_labels) > 0.95
    again = digit_judge(RUN, images, labels, pretrained=False, epochs=3, batch_size=64)
    assert all(torch.equal(a, b) for a, b in zip(judge.state_dict().values(), again.state_dict().values()))
    assert "Training ch08_digit_judge here" in capsys.readouterr().out


def test_digit_judge_loads_the_published_weights_when_asked(no_book_weights, capsys):
    trained = DigitJudge()
    folder = no_book_weights / "checkout"
    folder.mkdir()
    torch.save(trained.state_dict(), folder / f"{JUDGE_NAME}.pt")
    torch.save({"loss": [0.1], "train_s": 1.0, "device": "cpu"}, folder / f"{JUDGE_NAME}.history.pt")
    files = {role: {"file": name, "sha256": hashlib.sha256((folder / name).read_bytes()).hexdigest()}
             for role, name in (("weights", f"{JUDGE_NAME}.pt"), ("history", f"{JUDGE_NAME}.history.pt"))}
    (no_book_weights / "manifest.json").write_text(json.dumps(
        {JUDGE_NAME: {"chapter": RUN.chapter, "device": "cpu", "files": files}}))
    images, labels = blocks(20)
    judge = digit_judge(RUN, images, labels, pretrained=True)
    assert torch.equal(judge.head.weight, trained.head.weight) and not judge.training
    assert "Loaded the book's trained weights for ch08_digit_judge" in capsys.readouterr().out


def test_digit_judge_falls_back_to_training_without_published_weights(no_book_weights, capsys):
    images, labels = blocks(40)
    digit_judge(RUN, images, labels, pretrained=True, epochs=1)
    assert "Training ch08_digit_judge here: the book has no published weights" in capsys.readouterr().out


@pytest.mark.parametrize(("images", "match"), [
    (torch.rand(4, 28, 28), r"\(B, 1, 28, 28\)"),
    (torch.rand(4, 3, 28, 28), r"\(B, 1, 28, 28\)"),
    (torch.rand(4, 1, 32, 32), r"\(B, 1, 28, 28\)"),
    (2 * torch.rand(4, 1, 28, 28) - 1, r"\[0, 1\]"),
    (torch.rand(4, 1, 28, 28) + 0.5, r"\[0, 1\]"),
    (torch.full((4, 1, 28, 28), math.nan), r"\[0, 1\]"),
    (torch.rand(0, 1, 28, 28), "empty"),
])
def test_images_not_like_mnist_get_a_clear_error(images, match):
    with pytest.raises(ValueError, match=match):
        judge_outputs(DigitJudge(), images)
    with pytest.raises(ValueError, match=match):
        digit_judge(RUN, images, torch.zeros(len(images), dtype=torch.long), pretrained=False)


def test_labels_must_match_the_images():
    with pytest.raises(ValueError, match="labels"):
        digit_judge(RUN, torch.rand(4, 1, 28, 28), torch.zeros(3, dtype=torch.long), pretrained=False)


def test_judge_outputs_are_probabilities_and_features_in_any_batch_size():
    judge, images = DigitJudge(), torch.rand(7, 1, 28, 28)
    probabilities, features = judge_outputs(judge, images, batch_size=3)
    assert probabilities.shape == (7, 10) and features.shape == (7, 64)
    assert torch.allclose(probabilities.sum(1), torch.ones(7))
    whole, _ = judge_outputs(judge, images)
    assert torch.allclose(probabilities, whole, atol=1e-6)


def test_confident_share_counts_rows_at_or_above_the_threshold():
    probabilities = torch.tensor([[0.95, 0.05], [0.9, 0.1], [0.6, 0.4], [0.5, 0.5]])
    assert confident_share(probabilities) == 0.5  # 0.95 and 0.9 (at the threshold counts)
    assert confident_share(probabilities, threshold=0.55) == 0.75
    with pytest.raises(ValueError, match="softmax"):
        confident_share(torch.tensor([[3.0, -1.0], [0.2, 0.1]]))  # logits, not probabilities


def test_class_entropy_is_log2_of_ten_for_even_coverage_and_zero_for_one_class():
    assert class_entropy_bits(torch.arange(1_000) % 10) == pytest.approx(math.log2(10))
    assert class_entropy_bits(torch.full((1_000,), 7)) == 0.0
    assert class_entropy_bits(torch.tensor([3, 3, 8, 8])) == pytest.approx(1.0)
    skewed = torch.cat([torch.full((900,), 1), torch.arange(100) % 10])
    assert 0.5 < class_entropy_bits(skewed) < 1.5  # mostly 1s: far below even coverage
    assert class_entropy_bits(torch.tensor([0, 1]), classes=2) == pytest.approx(1.0)


@pytest.mark.parametrize(("predicted", "match"), [
    (torch.rand(10, 10), "1-D"), (torch.rand(10), "class indices"), (torch.tensor([0, 10]), "0..9"),
    (torch.tensor([-1, 2]), "0..9"), (torch.tensor([], dtype=torch.long), "non-empty"),
])
def test_class_entropy_refuses_what_is_not_a_list_of_classes(predicted, match):
    with pytest.raises(ValueError, match=match):
        class_entropy_bits(predicted)


def clouds(n=400, width=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, width, generator=g)


def test_precision_and_recall_are_one_for_the_same_cloud_and_zero_for_disjoint_ones():
    real = clouds()
    assert precision_recall(real, real.clone()) == (1.0, 1.0)
    assert precision_recall(real, clouds(seed=1) + 100.0) == (0.0, 0.0)
    same_law = precision_recall(real, clouds(seed=1))
    assert min(same_law) > 0.6  # two samples of one distribution overlap well


def test_precision_recall_by_hand_in_one_dimension():
    # k = 1: each point's ball reaches its nearest *other* point of the same set
    real = torch.tensor([[0.0], [1.0], [3.0], [7.0]])  # balls [-1, 1], [0, 2], [1, 5], [3, 11]
    fake = torch.tensor([[1.5], [5.5], [12.0], [-2.0]])  # balls [-5.5, 1.5], [-2, 5], [1.5, 9.5], [5.5, 18.5]
    assert precision_recall(real, fake, k=1) == (0.5, 1.0)  # 1.5 and 5.5 are inside; every real is covered
    assert precision_recall(real, fake, k=2)[0] == 1.0  # balls [-3, 3], [-1, 3], [0, 6], [1, 13]: all four


def test_precision_recall_tell_mode_dropping_from_poor_samples():
    real = torch.cat([clouds(200), clouds(200, seed=1) + 50.0])  # two modes
    one_mode = clouds(200, seed=2)  # good samples, but of one mode only
    precision, recall = precision_recall(real, one_mode)
    assert precision > 0.8 and 0.3 < recall < 0.6
    blurred = real.mean(0) + 0.1 * clouds(400, seed=3)  # all samples near the average of the modes
    assert precision_recall(real, blurred)[0] < 0.05


def test_precision_recall_do_not_depend_on_the_chunk_size():
    real, fake = clouds(300), 1.3 * clouds(250, seed=4)
    assert precision_recall(real, fake, chunk=7) == precision_recall(real, fake, chunk=10_000)


def test_precision_recall_check_their_inputs():
    with pytest.raises(ValueError, match="width"):
        precision_recall(clouds(width=8), clouds(width=4))
    with pytest.raises(ValueError, match="more than k=3 rows"):
        precision_recall(clouds(), clouds(n=3))
    with pytest.raises(ValueError, match=r"\(N, F\)"):
        precision_recall(torch.rand(10), clouds())


def test_rate_samples_reports_the_judges_figures():
    judge, images = DigitJudge(), torch.rand(50, 1, 28, 28)
    probabilities, features = judge_outputs(judge, images)
    rating = rate_samples(judge, images)
    assert rating == {"confident_share": confident_share(probabilities),
                      "class_entropy_bits": class_entropy_bits(probabilities.argmax(1))}
    with_real = rate_samples(judge, images, real_features=features)
    assert with_real["precision"] == 1.0 and with_real["recall"] == 1.0


def test_half_grey_per_image_gives_each_images_share_and_pools_to_half_grey_share():
    images = torch.zeros(3, 1, 28, 28)
    images[0, 0, :4, :4] = 1.0                       # crisp: 0 of 16 inked pixels half grey
    images[1, 0, :4, :4] = 0.5                       # soft: 16 of 16
    images[2, 0, :2, :4], images[2, 0, 2:4, :4] = 1.0, 0.5  # 8 of 16
    assert half_grey_per_image(images).tolist() == [0.0, 1.0, 0.5]
    assert half_grey_share(images) == pytest.approx(24 / 48)  # pooled, not the mean of the shares
    assert half_grey_per_image(torch.zeros(2, 1, 28, 28)).tolist() == [0.0, 0.0]  # no ink: nothing half grey


def test_half_grey_share_counts_soft_ink_among_all_ink():
    crisp = torch.zeros(2, 1, 28, 28)
    crisp[:, :, 10:18, 10:18] = 1.0
    assert half_grey_share(crisp) == 0.0
    soft = crisp * 0.5
    assert half_grey_share(soft) == 1.0
    edged = crisp.clone()
    edged[:, :, 9, 10:18] = 0.5  # a grey edge of 8 pixels on 64 full ones, per image
    assert half_grey_share(edged) == pytest.approx(8 / 72)
    assert half_grey_share(torch.zeros(1, 1, 28, 28)) == 0.0  # no ink at all: nothing is half grey
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        half_grey_share(crisp - 0.5)
