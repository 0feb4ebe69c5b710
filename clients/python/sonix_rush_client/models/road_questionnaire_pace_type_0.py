from enum import StrEnum

class RoadQuestionnairePaceType0(StrEnum):
    EASY = "Easy"
    FAST = "Fast"
    STEADY = "Steady"

    def __str__(self) -> str:
        return str(self.value)
