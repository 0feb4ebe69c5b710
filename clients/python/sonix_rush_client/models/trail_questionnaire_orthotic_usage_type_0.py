from enum import StrEnum

class TrailQuestionnaireOrthoticUsageType0(StrEnum):
    NO = "No"
    YES = "Yes"

    def __str__(self) -> str:
        return str(self.value)
