from enum import StrEnum

class ListShoesWidthType0(StrEnum):
    NARROW = "narrow"
    REGULAR = "regular"
    WIDE = "wide"

    def __str__(self) -> str:
        return str(self.value)
