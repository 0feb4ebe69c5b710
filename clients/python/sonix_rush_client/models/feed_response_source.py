from enum import StrEnum

class FeedResponseSource(StrEnum):
    COLLABORATIVE = "collaborative"
    QUESTIONNAIRE = "questionnaire"

    def __str__(self) -> str:
        return str(self.value)
