from enum import StrEnum

class TrailQuestionnaireStrikePatternType0(StrEnum):
    FOREFOOT = "Forefoot"
    HEEL = "Heel"
    MID = "Mid"

    def __str__(self) -> str:
        return str(self.value)
