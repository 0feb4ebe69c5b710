from enum import StrEnum

class TrailQuestionnaireSeasonType0(StrEnum):
    SPRING_FALL = "Spring & Fall"
    SUMMER = "Summer"
    WINTER = "Winter"

    def __str__(self) -> str:
        return str(self.value)
