from enum import StrEnum

class TrailQuestionnaireTerrainType0(StrEnum):
    LIGHT = "Light"
    MIXED = "Mixed"
    MUDDY = "Muddy"
    ROCKY = "Rocky"

    def __str__(self) -> str:
        return str(self.value)
