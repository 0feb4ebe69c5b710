from enum import StrEnum

class ListShoesWaterResistanceType0(StrEnum):
    NONE = "none"
    WATERPROOF = "waterproof"
    WATER_REPELLENT = "water_repellent"

    def __str__(self) -> str:
        return str(self.value)
