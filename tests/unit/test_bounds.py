"""What an answer may echo of a request, in process: the cut and the error budget that
tests/api/test_bounded_answers.py measures through a server in another process."""

from __future__ import annotations

from churn.api.bounds import MAX_ANSWER_ERRORS, MAX_ROW_ERRORS, ErrorBudget, shown


def test_a_text_as_long_as_its_limit_is_shown_whole_and_a_longer_one_is_cut_and_marked() -> None:
    assert shown("abcd", 4) == "abcd"
    assert shown("abcde", 4) == "abc…"


def test_a_fresh_budget_holds_the_whole_answer_s_share_and_has_left_nothing_out() -> None:
    budget = ErrorBudget()
    assert (budget.left, budget.omitted) == (MAX_ANSWER_ERRORS, 0)


def test_the_budget_lists_at_most_a_row_s_share_and_counts_what_it_leaves_out() -> None:
    budget = ErrorBudget(total=MAX_ROW_ERRORS + 5)
    errors = [f"error {n}" for n in range(MAX_ROW_ERRORS + 3)]
    assert budget.take(errors) == (errors[:MAX_ROW_ERRORS], 3)
    assert budget.take(errors) == (errors[:5], MAX_ROW_ERRORS - 2)  # what was left of it
    assert budget.take(errors[:1]) == ([], 1)  # spent
    assert (budget.left, budget.omitted) == (0, 3 + MAX_ROW_ERRORS - 2 + 1)
