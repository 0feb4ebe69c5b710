from enum import StrEnum

class RoadQuestionnaireSeasonType0(StrEnum):
    SPRING_FALL = "Spring & Fall"
    SUMMER = "Summer"
    WINTER = "Winter"

    def __str__(self) -> str:
        return str(self.value)
