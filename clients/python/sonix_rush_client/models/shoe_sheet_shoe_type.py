from enum import StrEnum

class ShoeSheetShoeType(StrEnum):
    ROAD = "road"
    TRAIL = "trail"

    def __str__(self) -> str:
        return str(self.value)
