from enum import StrEnum

class FeedItemReason(StrEnum):
    POPULAR = "popular"
    SIMILAR_RUNNERS = "similar_runners"
    YOUR_ANSWERS = "your_answers"

    def __str__(self) -> str:
        return str(self.value)
