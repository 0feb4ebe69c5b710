from enum import StrEnum

class RunnerInteractionAction(StrEnum):
    LIKE = "like"
    RATE = "rate"

    def __str__(self) -> str:
        return str(self.value)
