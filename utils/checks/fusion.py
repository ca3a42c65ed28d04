"""Checks of multi-input (fusion) answers: the flattened size of a convolution branch, early fusion of an
image and a table, target encoding of a category, the multiple-choice question on choosing settings on test
folds, and the best additive (late-fusion) fit of a table (chapter 7)."""

from __future__ import annotations

from collections.abc import Callable

import torch

from utils.checks.verdicts import NO_ANSWER, Verdict, _unanswered, _verdict


def check_early_fusion(func: Callable, name: str = "early_fusion") -> Verdict:
    """Check ``func(image, table)`` returns the image channels followed by one constant plane per table
    column, (B, C, H, W) and (B, T) -> (B, C + T, H, W), on random inputs of two sizes (chapter 7)."""
    g = torch.Generator().manual_seed(0)
    for batch, channels, height, width, columns in ((2, 1, 28, 28, 10), (3, 2, 5, 7, 4)):
        image = torch.rand(batch, channels, height, width, generator=g)
        table = torch.randn(batch, columns, generator=g)
        got = func(image.clone(), table.clone())
        if _unanswered(got):
            return _verdict(False, name, "no answer yet: replace the `...` with your code.")
        if not torch.is_tensor(got):
            return _verdict(False, name, f"expected a torch.Tensor, got {type(got).__name__}.")
        sizes = f"an image {(batch, channels, height, width)} and a table {(batch, columns)}"
        want = (batch, channels + columns, height, width)
        if tuple(got.shape) != want:
            return _verdict(False, name, f"for {sizes} the result has shape {tuple(got.shape)}, not {want}.")
        if not torch.allclose(got[:, :channels], image):
            return _verdict(False, name, f"for {sizes} the first {channels} channel(s) should be the image, unchanged.")
        planes = got[:, channels:]
        wrong = ~torch.isclose(planes, table[:, :, None, None].expand_as(planes)).flatten(2).all(2)
        if wrong.any():
            b, j = (int(i) for i in wrong.nonzero()[0])
            return _verdict(False, name, f"for {sizes}, channel {channels + j} of example {b} should be a constant "
                                         f"plane filled with column {j} of that example's table row.")
    return _verdict(True, name)


def _flat_hint(got, side: int, want: int, last_side: int, channels: int, at_64: int) -> str:
    """What a wrong ``flat_features(side)`` most likely missed (chapter 7's Exercise 7.1)."""
    expected = (f"a 3 × {side} × {side} image flattens to {want} values "
                f"({channels} channels × {last_side} × {last_side})")
    if isinstance(got, float) and not got.is_integer():
        return f"returned {got}, not a whole number: conv_out rounds down (use //, not /); {expected}."
    if got == at_64 and side != 64:
        return f"returned {got}, the value for a 64 × 64 image; compute the sides from `side`: {expected}."
    if got == last_side * last_side:
        return f"returned {got}, the last feature map's height × width: Flatten also counts its {channels} channels."
    return f"returned {got}; {expected}."


def check_flat_features(func: Callable, layers: torch.nn.Module, name: str = "flat_features",
                        sides: tuple[int, ...] = (28, 32, 64, 100, 127)) -> Verdict:
    """Check ``func(side)``, the number of values ``layers`` (convolutions, activations, ``Flatten``) give for a
    3 × side × side image, against PyTorch's own result for each of ``sides``; a wrong value gets what was
    expected and the likely slip (chapter 7's Exercise 7.1)."""
    if _unanswered(func):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your function.")
    unflattened = torch.nn.Sequential(*[m for m in layers if not isinstance(m, torch.nn.Flatten)])
    with torch.no_grad():
        at_64 = unflattened(torch.zeros(1, 3, 64, 64))[0].numel()
    for side in sides:
        try:
            got = func(side)
        except Exception as error:  # a student's bug: say where, do not stop the notebook
            return _verdict(False, name, f"{name}({side}) raised {type(error).__name__}: {error}")
        if _unanswered(got):
            return _verdict(False, name, f"{NO_ANSWER}: {name} returns nothing; replace the `...` in its body.")
        with torch.no_grad():
            feature_map = unflattened(torch.zeros(1, 3, side, side))  # (1, C, H, W)
        want = feature_map[0].numel()
        if torch.is_tensor(got) and got.numel() == 1:
            got = got.item()
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return _verdict(False, name, f"{name}({side}) returned {type(got).__name__}; expected a whole number.")
        if got != want:
            channels, _, last_side = feature_map.shape[1:]
            return _verdict(False, name, f"{name}({side}) " + _flat_hint(got, side, want, last_side, channels, at_64))
    return _verdict(True, name)


def check_sides_that_fit(answer, layers: torch.nn.Module, size: int = 1800, sides=range(32, 129),
                         name: str = "sides_that_fit") -> Verdict:
    """Check ``answer``, the list of every side in ``sides`` for which ``layers`` (convolutions, activations,
    ``Flatten``) give exactly ``size`` values for a 3 × side × side image (chapter 7's Exercise 7.1)."""
    if _unanswered(answer):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with a list of sides.")
    try:
        got = sorted({int(side) for side in answer})
    except (TypeError, ValueError):
        return _verdict(False, name, f"expected a list of whole numbers, got {type(answer).__name__}.")
    with torch.no_grad():
        flat = {side: layers(torch.zeros(1, 3, side, side)).shape[1] for side in sides}
    want = [side for side in sides if flat[side] == size]
    if got == want:
        return _verdict(True, name)
    if extra := [side for side in got if flat.get(side) != size]:
        side = extra[0]
        told = f"flattens to {flat[side]} values" if side in flat else f"is outside {sides[0]}..{sides[-1]}"
        return _verdict(False, name, f"side {side} {told}, not {size}.")
    if got == [64]:
        return _verdict(False, name, "64 is not the only one: each stride-2 convolution rounds down, so several "
                                     "sides end in the same feature map. Try flat_features on the sides near 64.")
    return _verdict(False, name, f"every side you list fits, but {len(want) - len(got)} more do: try "
                                 "flat_features on each side from 32 to 128.")


def _target_encoding_reference(zipcode: torch.Tensor, log_price: torch.Tensor, train: torch.Tensor,
                               own: bool = False, everyone: bool = False, fallback=None) -> torch.Tensor:
    """The leave-one-out target encoding of chapter 7's Exercise 7.2, and its plausible slips: ``own`` keeps a
    training house's own price in its mean, ``everyone`` uses every house's price, ``fallback`` replaces the
    training mean for houses with no other training house in their zipcode."""
    counted = torch.ones(len(zipcode), dtype=torch.bool) if everyone else torch.zeros(len(zipcode), dtype=torch.bool)
    counted[train] = True
    same = (zipcode[:, None] == zipcode[None, :]) & counted[None, :]
    if not own:
        same.fill_diagonal_(False)
    n = same.sum(dim=1)
    total = (same * log_price[None, :].double()).sum(dim=1)
    default = log_price.double().mean() if everyone else log_price[train].double().mean()
    default = torch.as_tensor(default if fallback is None else fallback, dtype=torch.float64)
    return torch.where(n > 0, total / n.clamp(min=1), default)


_TARGET_SLIPS = (
    (dict(own=True), "a training house's own price is in its zipcode's mean: leave it out, or the column holds "
                     "part of the answer (all of it for a zipcode with one training house)."),
    (dict(everyone=True), "the means use the prices of houses outside `train`: only the training houses' prices "
                          "may be used, for every house."),
    (dict(fallback=0.0), "a house with no other training house in its zipcode gets 0: give it the mean log price "
                         "of the training houses."),
)


def _target_table() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A small made-up table for Exercise 7.2: zipcodes, log prices (the test houses' far from the others) and
    the training indices."""
    zipcode = torch.tensor([10, 20, 10, 40, 30, 10, 20, 50, 50, 30, 10, 60])
    train = torch.tensor([0, 1, 4, 5, 6, 7, 8, 10, 11])  # houses 2, 3 and 9 are test houses
    log_price = torch.tensor([12.0, 13.0, 19.0, 18.5, 11.5, 12.4, 13.6, 12.9, 13.3, 19.5, 12.2, 14.0])
    return zipcode, log_price, train


def check_target_encoding(func: Callable, name: str = "target_encoding") -> Verdict:
    """Check ``func(zipcode, log_price, train)``: per house, the mean log price of the other training houses
    with its zipcode, else the training houses' mean, on a small table and a random one; a wrong answer is told
    which slip it matches (its own price, other houses' prices, no fallback) or which house is wrong and what
    it expected (chapter 7's Exercise 7.2)."""
    if _unanswered(func):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your function.")
    g = torch.Generator().manual_seed(0)
    random_zip = torch.randint(0, 8, (40,), generator=g)
    tables = [_target_table(), (random_zip, 12 + torch.randn(40, generator=g), torch.randperm(40, generator=g)[:30])]
    for zipcode, log_price, train in tables:
        try:
            got = func(zipcode.clone(), log_price.clone(), train.clone())
        except Exception as error:  # a student's bug: say where, do not stop the notebook
            return _verdict(False, name, f"{name}(...) raised {type(error).__name__}: {error}")
        if _unanswered(got):
            return _verdict(False, name, f"{NO_ANSWER}: {name} returns nothing; replace the `...` in its body.")
        if not torch.is_tensor(got) or tuple(got.shape) != (len(zipcode),):
            shape = tuple(got.shape) if torch.is_tensor(got) else type(got).__name__
            return _verdict(False, name, f"expected a tensor of shape ({len(zipcode)},), one number per house; "
                                         f"got {shape}.")
        got = got.detach().double()
        want = _target_encoding_reference(zipcode, log_price, train)
        if torch.allclose(got, want, atol=1e-4):
            continue
        if got.isnan().any():
            return _verdict(False, name, "some houses get NaN (a mean over no houses): a house with no other training "
                                         "house in its zipcode gets the mean log price of the training houses.")
        for slip, hint in _TARGET_SLIPS:
            if torch.allclose(got, _target_encoding_reference(zipcode, log_price, train, **slip), atol=1e-4):
                return _verdict(False, name, hint)
        i = int((got - want).abs().argmax())
        role = "training" if bool((train == i).any()) else "test"
        in_train = torch.isin(torch.arange(len(zipcode)), train)
        others = int(((zipcode == zipcode[i]) & in_train).sum()) - (role == "training")
        return _verdict(False, name, f"house {i} (a {role} house; {others} other training house(s) share its zipcode) "
                                     f"gets {got[i]:.4g}, expected {want[i]:.4g}.")
    return _verdict(True, name)


_LEAKAGE_HINTS = {
    "b": "the best of several tries on one set of houses looks better on those houses than it will on new ones, "
         "not worse.",
    "c": "the training never saw the test houses, but the choice among the settings did.",
    "d": "every candidate sees the same houses, and the winner is the one whose errors on them happen to be "
         "smallest, partly by luck.",
}


def _choice_with_hints(answer, expected: str, hints: dict, name: str) -> Verdict:
    """A multiple-choice check that answers each plausible wrong choice with its own hint (chapter 7)."""
    options = sorted([expected, *hints])
    if _unanswered(answer):
        return _verdict(False, name, f"{NO_ANSWER}: set it to one of {', '.join(map(repr, options))}.")
    choice = str(answer).strip().lower().rstrip(").")
    if choice not in options:
        return _verdict(False, name, f"{answer!r} is not one of {', '.join(map(repr, options))}.")
    return _verdict(choice == expected, name, f"not {choice!r}: {hints.get(choice, '')}")


def check_test_fold_choice(answer, name: str = "answer") -> Verdict:
    """Exercise 7.3: how choosing settings on the test folds biases the reported error (chapter 7)."""
    return _choice_with_hints(answer, "a", _LEAKAGE_HINTS, name)


def check_additive_fit(answer, table: torch.Tensor, name: str = "late_fusion_fit", atol: float = 1e-3) -> Verdict:
    """Check the least-squares fit of ``f(row) + g(column)`` to a (R, C) ``table`` (chapter 7's late fusion);
    a wrong answer is told whether it is the table itself, not additive, or additive but not the best."""
    if _unanswered(answer):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with a tensor of predictions.")
    table = torch.as_tensor(table).double()
    if not torch.is_tensor(answer) or tuple(answer.shape) != tuple(table.shape):
        got = tuple(answer.shape) if torch.is_tensor(answer) else type(answer).__name__
        return _verdict(False, name, f"expected a tensor shaped {tuple(table.shape)}, one prediction per cell; "
                                     f"got {got}.")
    pred = answer.detach().cpu().double()
    best = table.mean(1, keepdim=True) + table.mean(0, keepdim=True) - table.mean()
    if torch.allclose(pred, best, atol=atol):
        return _verdict(True, name)
    interaction = pred - pred.mean(1, keepdim=True) - pred.mean(0, keepdim=True) + pred.mean()
    if interaction.abs().max() > atol:
        if torch.allclose(pred, table, atol=atol):
            return _verdict(False, name, "these are the prices themselves: can a sum f(photo) + g(zipcode) give "
                                         "the photo the same effect in both zipcodes and still fit them?")
        return _verdict(False, name, "these predictions are not of the form f(row) + g(column): the difference "
                                     "between two rows must be the same in every column.")
    mse = ((pred - table) ** 2).mean().item()
    return _verdict(False, name, f"additive, but not the best such fit: its mean squared error is {mse:.4f}, "
                                 "and a smaller one is possible.")
