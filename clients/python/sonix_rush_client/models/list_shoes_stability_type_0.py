from enum import StrEnum

class ListShoesStabilityType0(StrEnum):
    GUIDED = "guided"
    NEUTRAL = "neutral"

    def __str__(self) -> str:
        return str(self.value)
