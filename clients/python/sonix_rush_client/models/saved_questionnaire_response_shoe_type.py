from enum import StrEnum

class SavedQuestionnaireResponseShoeType(StrEnum):
    ROAD = "road"
    TRAIL = "trail"

    def __str__(self) -> str:
        return str(self.value)
