from enum import StrEnum

class SimilarShoeReason(StrEnum):
    CO_LIKED = "co_liked"
    SIMILAR_SPECS = "similar_specs"

    def __str__(self) -> str:
        return str(self.value)
