"""Checks of (transpose) convolution answers: output shapes and sizes, layer settings, a transpose
convolution by hand, a bilinear upsampler, a kernel with a flat input gradient, a box filter."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from utils.checks.answers import check_shape
from utils.checks.functions import _CONVOLUTIONS, _call, check_calls, check_function
from utils.checks.verdicts import NO_ANSWER, Verdict, _unanswered, _verdict


def check_output_shape(layer, input_shape: Sequence[int], expected: Sequence[int], name: str = "layer") -> Verdict:
    """Run ``layer`` on zeros of ``input_shape`` and check the output's shape (chapter 1)."""
    if _unanswered(layer):
        return _verdict(False, name, "no answer yet: replace the `...` with your layer.")
    if not callable(layer):
        return _verdict(False, name, f"expected a layer (a module you can call), got {type(layer).__name__}.")
    try:
        output = layer(torch.zeros(*input_shape))
    except RuntimeError as error:
        return _verdict(False, name, f"PyTorch refused the input {tuple(input_shape)}: {str(error).splitlines()[0]}")
    return check_shape(output, expected, name=f"{name} output shape")


TRANSPOSE_BY_HAND_HINT = ("Does each input pixel stamp the kernel as it is (not flipped), and does the padding "
                          "crop as many rows and columns from the top and left as from the bottom and right?")


def check_transpose_by_hand(func: Callable, name: str | None = None) -> Verdict:
    """Check ``func(x, kernel, stride, padding)`` on 2-D tensors equals ``F.conv_transpose2d`` with that stride
    and padding on several non-square inputs and kernels, computed without any convolution function
    (chapter 1)."""
    g = torch.Generator().manual_seed(1)
    cases = []
    for (h, w), (kh, kw), stride, padding in [((2, 2), (2, 2), 1, 0), ((3, 2), (3, 3), 2, 1),
                                             ((2, 3), (2, 4), 3, 1), ((4, 3), (3, 5), 2, 2)]:
        x, kernel = torch.randn(h, w, generator=g), torch.randn(kh, kw, generator=g)
        expected = torch.nn.functional.conv_transpose2d(x[None, None], kernel[None, None], stride=stride,
                                                        padding=padding)
        cases.append(((x, kernel, stride, padding), expected[0, 0]))
    return check_calls(func, cases, name, forbid=_CONVOLUTIONS, hint=TRANSPOSE_BY_HAND_HINT)


def check_flat_gradient_kernel(func: Callable, name: str | None = None) -> Verdict:
    """Check ``func(w)``: the k×k kernel (k even) nearest to ``w`` whose stride-2 convolution (padding k/2 - 1)
    passes a constant upstream gradient to its input as a flat gradient away from the border (chapter 1)."""
    name = name or getattr(func, "__name__", "function")
    if _unanswered(func):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your function.")
    g = torch.Generator().manual_seed(3)
    for k in (4, 6, 2):
        w = torch.randn(k, k, generator=g)
        result, failed = _call(func, (w.clone(),), name, f"{name}(a {k}×{k} kernel)")
        if failed is not None:
            return failed
        if _unanswered(result):
            return _verdict(False, name, f"{NO_ANSWER}: {name} returns nothing; replace the `...` in its body.")
        if not (torch.is_tensor(result) and tuple(result.shape) == (k, k)):
            got = tuple(result.shape) if torch.is_tensor(result) else type(result).__name__
            return _verdict(False, name, f"for a {k}×{k} kernel it returned {got}: return a {k}×{k} tensor.")
        result = result.detach().float()
        if not torch.isfinite(result).all():
            return _verdict(False, name, f"for a {k}×{k} kernel it returned a kernel with inf or nan entries.")
        gradient = _input_gradient(result)
        if gradient.max() - gradient.min() > 1e-4 * (1 + gradient.abs().max()):
            return _verdict(False, name, f"with the kernel it returns for a {k}×{k} kernel, the input gradient "
                                         "still has a period-2 pattern: which kernel entries reach the input "
                                         "pixels of one row and column parity?")
        moved, least = (result - w).norm().item(), (_flat_gradient_nearest(w) - w).norm().item()
        if moved > least + 1e-4:
            return _verdict(False, name, f"the gradient is flat, but for a {k}×{k} kernel your kernel differs "
                                         f"from w by {moved:.3f} (the square root of the summed squared "
                                         f"changes); the smallest change that flattens it is {least:.3f}.")
    return _verdict(True, name)


def _input_gradient(kernel: torch.Tensor) -> torch.Tensor:
    """The interior of the input gradient of a stride-2 convolution with a k×k ``kernel`` (padding k/2 - 1)
    under a constant upstream gradient of ones, on a 4k×4k input."""
    k = kernel.shape[-1]
    x = torch.zeros(1, 1, 4 * k, 4 * k, requires_grad=True)
    with torch.enable_grad():
        torch.nn.functional.conv2d(x, kernel[None, None], stride=2, padding=k // 2 - 1).sum().backward()
    return x.grad[0, 0, k:-k, k:-k]


def _flat_gradient_nearest(w: torch.Tensor) -> torch.Tensor:
    """The least-squares nearest kernel to ``w`` with four equal quarter sums ``w[a::2, b::2].sum()``."""
    w = w.clone()
    sums = torch.stack([w[a::2, b::2].sum() for a in (0, 1) for b in (0, 1)])
    for (a, b), total in zip([(0, 0), (0, 1), (1, 0), (1, 1)], sums):
        w[a::2, b::2] -= (total - sums.mean()) / w[a::2, b::2].numel()
    return w


def check_upsampling_settings(func: Callable, name: str | None = None) -> Verdict:
    """Check ``func(k, s)``: a ``(padding, output_padding)`` with which ``ConvTranspose2d(k, s)`` turns every
    size h into s·h, or None when there is none; any valid pair is accepted (chapter 1)."""
    name = name or getattr(func, "__name__", "function")
    if _unanswered(func):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your function.")
    for k, s in [(4, 2), (3, 2), (2, 2), (1, 2), (5, 2), (3, 1), (2, 1), (5, 3), (4, 3), (7, 4)]:
        try:
            answer = func(k, s)
        except Exception as error:  # a student's bug: say where, do not stop the notebook
            return _verdict(False, name, f"{name}({k}, {s}) raised {type(error).__name__}: {error}")
        if answer is Ellipsis:
            return _verdict(False, name, f"{NO_ANSWER}: {name} returns `...`; write its body.")
        valid = [(p, op) for p in range(k) for op in range(s) if _upsamples(k, s, p, op)]
        if answer is None:
            if valid:
                return _verdict(False, name, f"{name}({k}, {s}) returned None, but a setting exists.")
            continue
        if not (isinstance(answer, tuple) and len(answer) == 2 and all(type(v) is int for v in answer)):
            return _verdict(False, name, f"{name}({k}, {s}) returned {answer!r}: return a pair of whole "
                                         "numbers (padding, output_padding), or None.")
        if not valid:
            return _verdict(False, name, f"{name}({k}, {s}) returned {answer!r}, but no padding and "
                                         f"output_padding give s·h for k={k}, s={s}: return None.")
        if answer not in valid:
            p, op = answer
            got = _transpose_height(5, k, s, p, op)
            what = f"maps 5 to {got}" if got else "is refused by PyTorch"
            return _verdict(False, name, f"ConvTranspose2d(kernel_size={k}, stride={s}, padding={p}, "
                                         f"output_padding={op}) {what}, not {5 * s}.")
    return _verdict(True, name)


def _transpose_height(h: int, k: int, s: int, p: int, op: int) -> int | None:
    """The output height of ConvTranspose2d(k, s, p, op) on height h, None if PyTorch refuses."""
    try:
        return torch.nn.ConvTranspose2d(1, 1, k, s, p, op)(torch.zeros(1, 1, h, h)).shape[-1]
    except (RuntimeError, ValueError):
        return None


def _upsamples(k: int, s: int, p: int, op: int) -> bool:
    return all(_transpose_height(h, k, s, p, op) == s * h for h in (3, 5))


def check_transpose_layer(layer, input_shape: Sequence[int], expected: Sequence[int], kernel_size: int,
                          output_padding: int = 0, name: str = "layer") -> Verdict:
    """Check that ``layer`` is one ``nn.ConvTranspose2d`` with the asked kernel size and output_padding
    that maps ``input_shape`` to ``expected`` (chapter 1)."""
    if _unanswered(layer):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your layer.")
    if not isinstance(layer, torch.nn.ConvTranspose2d):
        return _verdict(False, name, f"expected one nn.ConvTranspose2d, got {type(layer).__name__}.")
    if tuple(layer.kernel_size) != (kernel_size, kernel_size):
        return _verdict(False, name, f"kernel_size is {layer.kernel_size}; the exercise asks for {kernel_size}.")
    if tuple(layer.output_padding) != (output_padding, output_padding):
        return _verdict(False, name, f"output_padding is {layer.output_padding}; the exercise asks for "
                                     f"{output_padding}.")
    return check_output_shape(layer, input_shape, expected, name)


def check_bilinear_upsampler(layer, channels: int, name: str = "layer") -> Verdict:
    """Check that ``layer`` is an ``nn.ConvTranspose2d`` that doubles each of ``channels`` channels as
    ``F.interpolate(..., mode="bilinear")`` does, away from the one-pixel border (chapter 1)."""
    if _unanswered(layer):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your layer.")
    if not isinstance(layer, torch.nn.ConvTranspose2d):
        return _verdict(False, name, f"expected an nn.ConvTranspose2d, got {type(layer).__name__}.")
    if (layer.in_channels, layer.out_channels) != (channels, channels):
        return _verdict(False, name, f"it maps {layer.in_channels} channels to {layer.out_channels}; "
                                     f"expected {channels} to {channels}.")
    x = torch.rand(2, channels, 6, 6, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        got, only_first = layer(x), layer(x * (torch.arange(channels) == 0).view(1, -1, 1, 1))
        from_zeros = layer(torch.zeros_like(x))
    want = torch.nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    if got.shape != want.shape:
        return _verdict(False, name, f"a 6×6 input gives {tuple(got.shape[-2:])}, not (12, 12).")
    if from_zeros.abs().max() > 1e-6:
        return _verdict(False, name, "a zero input gives a nonzero output: the bias must be zero.")
    if channels > 1 and only_first[:, 1:].abs().max() > 1e-6:
        return _verdict(False, name, "input channel 0 reaches other output channels: each channel must be "
                                     "upsampled on its own.")
    error = (got - want)[..., 1:-1, 1:-1].abs().max().item()
    return _verdict(error < 1e-5, name, f"away from the border it differs from bilinear interpolation by up "
                                        f"to {error:.3g}: check the kernel's values.")


def check_output_padding(func: Callable, name: str | None = None) -> Verdict:
    """Check ``func(h_in, h_out, kernel, stride, padding)``, which returns the output_padding that makes
    ``nn.ConvTranspose2d`` map size h_in to h_out (None if none can), against PyTorch's layer (chapter 2)."""
    if _unanswered(func):
        return _verdict(False, name or "function", "no answer yet: replace the `...` with your function.")
    settings = [(7, 14, 3, 2, 1), (14, 28, 3, 2, 1), (7, 13, 3, 2, 1), (1, 7, 7, 1, 0), (7, 15, 3, 2, 1),
                (4, 8, 4, 2, 1), (5, 16, 5, 3, 1), (5, 15, 5, 3, 1), (5, 10, 5, 3, 1), (3, 2, 3, 1, 1)]
    return check_function(func, [(args, _output_padding_by_trial(*args)) for args in settings], name)


def _output_padding_by_trial(h_in: int, h_out: int, kernel: int, stride: int, padding: int) -> int | None:
    """The output_padding (0 <= op < stride) for which PyTorch's ConvTranspose2d gives h_out, else None."""
    for output_padding in range(stride):
        layer = torch.nn.ConvTranspose2d(1, 1, kernel, stride, padding, output_padding)
        if layer(torch.zeros(1, 1, h_in, h_in)).shape[-1] == h_out:
            return output_padding
    return None


def check_box_filter(func: Callable, name: str = "box_filter") -> Verdict:
    """Check ``func(images, k)``: the mean over each pixel's k×k neighbourhood with zero padding, for
    (B, 1, H, W) images and odd k, computed by exactly one call of ``F.conv2d``, no pooling (chapter 4)."""
    g = torch.Generator().manual_seed(4)
    cases = []
    for k, shape in ((3, (2, 1, 10, 10)), (5, (3, 1, 7, 9)), (1, (1, 1, 4, 6))):
        images = torch.rand(shape, generator=g)
        expected = torch.nn.functional.conv2d(images, torch.ones(1, 1, k, k) / k**2, padding=k // 2)
        cases.append(((images, k), expected))
    return check_calls(func, cases, name, once="conv2d", forbid=("avg_pool2d", "avg_pool1d"))


def check_layer_sizes(answer, model: torch.nn.Module, example_input: torch.Tensor, layer_type=None,
                      name: str = "layer sizes") -> Verdict:
    """Check a list of output heights, one per ``layer_type`` layer (default ConvTranspose2d), by running
    ``model`` on ``example_input`` (chapter 6); a wrong entry is named, its right value is not shown."""
    layer_type = layer_type or torch.nn.ConvTranspose2d
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your list of sizes.")
    sizes = answer.tolist() if torch.is_tensor(answer) else answer
    if not isinstance(sizes, (list, tuple)) or not all(isinstance(s, int) and not isinstance(s, bool)
                                                        for s in sizes):
        return _verdict(False, name, "expected a list of whole numbers, one height per layer.")
    heights = []
    hooks = [m.register_forward_hook(lambda _m, _i, out: heights.append(out.shape[-2]))
             for m in model.modules() if isinstance(m, layer_type)]
    was_training = model.training
    try:
        with torch.no_grad():
            model.eval()(example_input)
    finally:
        model.train(was_training)
        for hook in hooks:
            hook.remove()
    kind = layer_type.__name__
    if len(sizes) != len(heights):
        return _verdict(False, name, f"the model has {len(heights)} {kind} layers; you gave {len(sizes)} sizes.")
    wrong = [i for i, (a, b) in enumerate(zip(sizes, heights)) if a != b]
    if wrong:
        return _verdict(False, name, f"entry {wrong[0]} (the output of {kind} number {wrong[0] + 1}) is wrong: "
                                     "recompute it from that layer's kernel size, stride and padding.")
    return _verdict(True, name)
