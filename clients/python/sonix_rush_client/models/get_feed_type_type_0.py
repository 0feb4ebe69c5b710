from enum import StrEnum

class GetFeedTypeType0(StrEnum):
    ROAD = "road"
    TRAIL = "trail"

    def __str__(self) -> str:
        return str(self.value)
