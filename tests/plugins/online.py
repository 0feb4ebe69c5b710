"""A hand-made impression log and its likes, shared by the online-metrics tests in Python and in JavaScript."""

from __future__ import annotations

from src.recommender.online_metrics import Feedback, Impression

# A hand-made log (catalog of 10 shoes):
# runner 1 (arm A) sees S1 S2 S3 at t=100 and S3 S4 at t=200; likes S2 at 150 (shown at 2: counts),
#   S4 at 50 (before it was shown: does not count) and S9 (never shown: does not count);
# runner 2 (arm A) sees a popular page of S5 at position 11 at t=100 and likes it at 120;
# runner 3 (arm B) sees a questionnaire answer S1 S6 and likes nothing.
LOG = [
    Impression(1, 100.0, "collaborative", "v000001", "A", ("S1", "S2", "S3")),
    Impression(1, 200.0, "collaborative", "v000002", "A", ("S3", "S4")),
    Impression(2, 100.0, "popular", "v000001", "A", ("S5",), first_position=11),
    Impression(3, 100.0, "questionnaire", "road-1", "B", ("S1", "S6")),
]
LIKES = [
    Feedback(1, "S2", 150.0),
    Feedback(1, "S4", 50.0),
    Feedback(1, "S9", 300.0),
    Feedback(2, "S5", 120.0),
]
