import numpy as np
import pytest
from scipy import stats

import edl_helpers as edl


def test_paired_difference_matches_a_paired_t_interval():
    a, b = np.array([0.91, 0.93, 0.90, 0.95, 0.92]), np.array([0.90, 0.90, 0.91, 0.92, 0.90])
    result = edl.paired_difference(a - b)
    low, high = stats.t.interval(0.95, len(a) - 1, loc=np.mean(a - b), scale=stats.sem(a - b))
    assert result.n == 5 and np.isclose(result.low, low) and np.isclose(result.high, high)
    assert np.isclose(result.mean, 0.016) and result.tie  # the interval contains 0
    assert result.verdict("a better", "b better") == "tie"


def test_a_clear_difference_is_not_a_tie():
    result = edl.paired_difference([0.10, 0.11, 0.12, 0.09])
    assert not result.tie and result.verdict("a better", "b better") == "a better"
    assert edl.paired_difference([-0.10, -0.11, -0.12]).verdict("a better", "b better") == "b better"
    assert str(result).startswith("+0.1050 [")


def test_one_seed_has_no_interval_and_reads_as_a_tie():
    result = edl.paired_difference([0.3])
    assert result.tie and result.half_width == np.inf


@pytest.mark.parametrize("differences, confidence, message", [([], 0.95, "non-empty"), ([0.1, 0.2], 1.0, "confidence")])
def test_bad_input_names_the_parameter(differences, confidence, message):
    with pytest.raises(ValueError, match=message):
        edl.paired_difference(differences, confidence)
