from enum import StrEnum

class RoadQuestionnaireCushionPreferencesType0(StrEnum):
    BALANCED = "Balanced"
    FIRM = "Firm"
    SOFT = "Soft"

    def __str__(self) -> str:
        return str(self.value)
