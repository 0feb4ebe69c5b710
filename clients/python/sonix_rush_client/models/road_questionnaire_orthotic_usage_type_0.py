from enum import StrEnum

class RoadQuestionnaireOrthoticUsageType0(StrEnum):
    NO = "No"
    YES = "Yes"

    def __str__(self) -> str:
        return str(self.value)
