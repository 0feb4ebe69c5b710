from enum import StrEnum

class ShoeSheetWidthsItem(StrEnum):
    NARROW = "narrow"
    REGULAR = "regular"
    WIDE = "wide"

    def __str__(self) -> str:
        return str(self.value)
