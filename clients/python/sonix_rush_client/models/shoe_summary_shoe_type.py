from enum import StrEnum

class ShoeSummaryShoeType(StrEnum):
    ROAD = "road"
    TRAIL = "trail"

    def __str__(self) -> str:
        return str(self.value)
