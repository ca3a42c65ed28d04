"""Exercise checks that teach: they say whether an answer is right and, if not, what is wrong.

Each check prints a short verdict and returns a Verdict (true when the answer is right, shown as nothing in
Jupyter); none of them prints the solution. An unanswered stub gets a neutral 'no answer yet', not a cross.

This package is the stable import point the chapters use (``from utils.checks import check_slerp``); the
checks live in modules by what they check:

- ``verdicts``: the printed verdicts (``PASS``, ``FAIL``, ``PENDING``, ``NO_ANSWER``) and ``Verdict``;
- ``answers``: a tensor, a number, a shape, a multiple-choice answer;
- ``functions``: a student's function, by its results and by the library functions it calls;
- ``convolution``: (transpose) convolution layers, sizes and settings, a convolution by hand, a box filter;
- ``autoencoders``: low-rank (PCA) reconstruction, spherical interpolation, the least-MSE image;
- ``gans``: the discriminator's loss;
- ``fusion``: networks with several inputs (early and late fusion) and how to evaluate them.
"""

from utils.checks.answers import check_choice, check_number, check_shape, check_tensor
from utils.checks.autoencoders import check_low_rank_mse, check_mse_optimum, check_pca_components, check_slerp
from utils.checks.convolution import (
    check_bilinear_upsampler,
    check_box_filter,
    check_layer_sizes,
    check_output_padding,
    check_output_shape,
    check_transpose_by_hand,
    check_transpose_layer,
    check_upsampling_settings,
)
from utils.checks.functions import check_calls, check_function
from utils.checks.fusion import check_additive_fit, check_early_fusion, check_test_fold_choice, check_zip_as_number
from utils.checks.gans import check_discriminator_loss
from utils.checks.verdicts import FAIL, NO_ANSWER, PASS, PENDING, Verdict

__all__ = [
    "FAIL", "NO_ANSWER", "PASS", "PENDING", "Verdict",
    "check_additive_fit", "check_bilinear_upsampler", "check_box_filter", "check_calls", "check_choice",
    "check_discriminator_loss", "check_early_fusion", "check_function", "check_layer_sizes", "check_low_rank_mse",
    "check_mse_optimum", "check_number", "check_output_padding", "check_output_shape", "check_pca_components",
    "check_shape", "check_slerp", "check_tensor", "check_test_fold_choice", "check_transpose_by_hand",
    "check_transpose_layer", "check_upsampling_settings", "check_zip_as_number",
]
