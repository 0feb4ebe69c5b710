from enum import StrEnum

class RebuildOutcome(StrEnum):
    FAILED = "failed"
    PUBLISHED = "published"
    REFUSED = "refused"

    def __str__(self) -> str:
        return str(self.value)
