from enum import StrEnum

class RoadQuestionnaireStabilityNeedType0(StrEnum):
    GUIDED = "Guided"
    NEUTRAL = "Neutral"

    def __str__(self) -> str:
        return str(self.value)
