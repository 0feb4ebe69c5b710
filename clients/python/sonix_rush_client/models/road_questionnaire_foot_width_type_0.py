from enum import StrEnum

class RoadQuestionnaireFootWidthType0(StrEnum):
    NARROW = "Narrow"
    REGULAR = "Regular"
    WIDE = "Wide"

    def __str__(self) -> str:
        return str(self.value)
