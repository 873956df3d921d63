"""Unit tests of the monthly ranking and the choice of monthly topics."""

import math

from sim.model.ranking import bottom, choose_topics, rank, score


def test_score_is_the_weighted_mean_of_the_three_rates():
    assert score(9, 6, 3, 10, (1, 1, 1)) == 0.6
    assert score(9, 6, 3, 10, (0, 1, 0)) == 0.6
    assert score(9, 6, 3, 10, (1, 0, 1)) == 0.6
    assert math.isnan(score(0, 0, 0, 0, (1, 1, 1)))


def test_rank_best_first_ties_to_lower_number_unscored_unranked():
    ranks = rank([0.8, 0.9, math.nan, 0.8, 0.1])
    assert ranks[:2] == [2.0, 1.0] and math.isnan(ranks[2]) and ranks[3:] == [3.0, 4.0]


def test_bottom_names_the_worst_ranked_streets():
    assert bottom([0.8, 0.9, math.nan, 0.8, 0.1], 2) == [4, 3]
    assert bottom([math.nan, math.nan], 3) == []


def test_topics_pick_the_busiest_candidate_not_chosen_before():
    arrivals = [50, 80, 80, 10, 200]
    assert choose_topics(arrivals, [1, 2, 3], set(), 1) == [1]  # tie 80/80: listed first
    assert choose_topics(arrivals, [2, 1, 3], set(), 1) == [2]
    assert choose_topics(arrivals, [1, 2, 3], {1}, 2) == [2, 3]
    assert choose_topics(arrivals, [1, 2, 3], {1, 2, 3}, 1) == []
