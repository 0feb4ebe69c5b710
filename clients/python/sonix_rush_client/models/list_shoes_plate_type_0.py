from enum import StrEnum

class ListShoesPlateType0(StrEnum):
    CARBON = "carbon"
    NONE = "none"
    PLASTIC = "plastic"

    def __str__(self) -> str:
        return str(self.value)
