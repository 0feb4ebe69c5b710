from enum import StrEnum

class RoadQuestionnaireRunningPurposeType0(StrEnum):
    DAILY = "Daily"
    RACE = "Race"
    TEMPO = "Tempo"

    def __str__(self) -> str:
        return str(self.value)
