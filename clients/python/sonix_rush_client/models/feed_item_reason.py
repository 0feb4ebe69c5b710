from enum import StrEnum

class FeedItemReason(StrEnum):
    POPULAR = "popular"
    SIMILAR_RUNNERS = "similar_runners"

    def __str__(self) -> str:
        return str(self.value)
