from enum import StrEnum

class GetFeedUnversionedTypeType0(StrEnum):
    ROAD = "road"
    TRAIL = "trail"

    def __str__(self) -> str:
        return str(self.value)
