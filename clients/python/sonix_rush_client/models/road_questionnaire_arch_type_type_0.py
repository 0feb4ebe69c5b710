from enum import StrEnum

class RoadQuestionnaireArchTypeType0(StrEnum):
    FLAT = "Flat"
    HIGH = "High"
    NORMAL = "Normal"

    def __str__(self) -> str:
        return str(self.value)
